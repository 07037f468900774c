import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { NUMERIC_AS_NUMBER, TenantEntity } from '@kommuna/platform-persistence';
import type { CheckSettings } from '../rules';

/**
 * One monthly check of a municipality: the rules version, settings and imported files it read
 * (inputsDigest over them), so the same inputs give the same run, and a changed input a new one.
 */
@Entity({ name: 'home_care_check_run' })
@Unique('UQ_home_care_check_run_inputs', ['tenantId', 'month', 'inputsDigest'])
@Check('CHK_home_care_check_run_month', `extract(day FROM month) = 1`)
export class HomeCareCheckRunEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_check_run' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_home_care_check_run_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_check_run' })
  id!: string;

  /** The month's first day. */
  @Column({ type: 'date' })
  month!: string;

  @Column({ name: 'rules_version', type: 'varchar', length: 32 })
  rulesVersion!: string;

  /** The tolerance and threshold the rules ran with. */
  @Column({ type: 'jsonb' })
  settings!: CheckSettings;

  /** The imported files the check read: kind, file name, sha256. */
  @Column({ type: 'jsonb' })
  inputs!: Array<{ kind: string; fileName: string; sha256: string }>;

  @Column({ name: 'inputs_digest', type: 'char', length: 64 })
  inputsDigest!: string;

  @Column({ name: 'started_by', type: 'varchar', length: 200 })
  startedBy!: string;

  @Column({ type: 'int' })
  residents!: number;

  @Column({ name: 'residents_with_deviations', type: 'int' })
  residentsWithDeviations!: number;

  @Column({ name: 'amount_at_stake_sek', type: 'numeric', precision: 14, scale: 2, transformer: NUMERIC_AS_NUMBER })
  amountAtStakeSek!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One resident and service type in a run: the figures, the providers behind them and the deviations found. */
@Entity({ name: 'home_care_check_line' })
export class HomeCareCheckLineEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_check_line' })
  tenantId!: string;

  @PrimaryColumn({ name: 'run_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_check_line' })
  runId!: string;

  @PrimaryColumn({ name: 'resident_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_home_care_check_line' })
  residentId!: string;

  @PrimaryColumn({ name: 'service_type', type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_home_care_check_line' })
  serviceType!: string;

  @ManyToOne(() => HomeCareCheckRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'run_id', referencedColumnName: 'id' },
  ])
  run?: HomeCareCheckRunEntity;

  /** The line's figures (granted, performed, billed, visits, days) as MonthLine holds them. */
  @Column({ type: 'jsonb' })
  figures!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  deviations!: unknown[];

  @Column({ name: 'amount_at_stake_sek', type: 'numeric', precision: 12, scale: 2 })
  amountAtStakeSek!: string;
}
