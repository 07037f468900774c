import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';
import { HomeCareCheckRunEntity } from './check.entity';

/**
 * A case worker's review of one deviation (resident, service type, rule) of a month: confirmed
 * (the amount is withheld or reclaimed) or dismissed, with the reason. One per deviation and
 * month whatever run it was made on, so a later run of the month neither asks again nor counts a
 * confirmed amount twice. Written once, never changed (append-only).
 */
@Entity({ name: 'home_care_deviation_review' })
@Unique('UQ_home_care_deviation_review_deviation', ['tenantId', 'month', 'residentId', 'serviceType', 'ruleCode'])
@Check('CHK_home_care_deviation_review_outcome', `outcome IN ('confirmed', 'dismissed')`)
@Check('CHK_home_care_deviation_review_amount', `amount_sek >= 0`)
export class HomeCareDeviationReviewEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_deviation_review' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_home_care_deviation_review_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_deviation_review' })
  id!: string;

  /** The month's first day. */
  @Column({ type: 'date' })
  month!: string;

  /** The run whose line was reviewed. */
  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @ManyToOne(() => HomeCareCheckRunEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_deviation_review_run' },
    { name: 'run_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_deviation_review_run' },
  ])
  run?: HomeCareCheckRunEntity;

  @Column({ name: 'resident_id', type: 'varchar', length: 64 })
  residentId!: string;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType!: string;

  /** The rule's code, e.g. over_granted. */
  @Column({ name: 'rule_code', type: 'varchar', length: 32 })
  ruleCode!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** Kronor confirmed (the deviation's amount at stake); 0 when dismissed. */
  @Column({ name: 'amount_sek', type: 'numeric', precision: 12, scale: 2 })
  amountSek!: string;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 200 })
  reviewedBy!: string;

  @CreateDateColumn({ name: 'reviewed_at', type: 'timestamptz' })
  reviewedAt!: Date;
}
