import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { HomeCareCheckRunEntity } from './check.entity';
import { HomeCareImportEntity } from './import.entity';
import { HomeCareProviderEntity } from './provider.entity';

/** A visit as the provider planned it: what performed time is compared with (HC6). */
@Entity({ name: 'home_care_planned_visit' })
@Unique('UQ_home_care_planned_visit_external', ['tenantId', 'externalId'])
@Check('CHK_home_care_planned_visit_times', `planned_stop > planned_start`)
@Index('IDX_home_care_planned_visit_start', ['tenantId', 'plannedStart'])
export class HomeCarePlannedVisitEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_planned_visit' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_planned_visit' })
  id!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => HomeCareProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_planned_visit_provider' },
    { name: 'provider_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_planned_visit_provider' },
  ])
  provider?: HomeCareProviderEntity;

  @Column({ name: 'resident_id', type: 'varchar', length: 64 })
  residentId!: string;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType!: string;

  @Column({ name: 'planned_start', type: 'timestamptz' })
  plannedStart!: Date;

  @Column({ name: 'planned_stop', type: 'timestamptz' })
  plannedStop!: Date;

  @Column({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_planned_visit_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_planned_visit_import' },
  ])
  import?: HomeCareImportEntity;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;
}

/** A line of a LOV provider's invoice: a month and service type, the minutes and kronor asked for (HC7). */
@Entity({ name: 'home_care_invoice_line' })
@Unique('UQ_home_care_invoice_line', ['tenantId', 'invoice', 'serviceType'])
@Check('CHK_home_care_invoice_line_month', `extract(day FROM month) = 1`)
@Check('CHK_home_care_invoice_line_figures', `invoiced_minutes >= 0 AND amount_sek >= 0`)
export class HomeCareInvoiceLineEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_invoice_line' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_invoice_line' })
  id!: string;

  /** The provider's invoice number. */
  @Column({ type: 'varchar', length: 100 })
  invoice!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => HomeCareProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_invoice_line_provider' },
    { name: 'provider_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_invoice_line_provider' },
  ])
  provider?: HomeCareProviderEntity;

  /** The month invoiced, its first day. */
  @Column({ type: 'date' })
  month!: string;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType!: string;

  @Column({ name: 'invoiced_minutes', type: 'int' })
  invoicedMinutes!: number;

  @Column({ name: 'amount_sek', type: 'numeric', precision: 12, scale: 2 })
  amountSek!: string;

  @Column({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_invoice_line_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_invoice_line_import' },
  ])
  import?: HomeCareImportEntity;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;
}

/** A run's check of one provider's invoiced month and service type against its time registration (HC7). */
@Entity({ name: 'home_care_check_invoice' })
export class HomeCareCheckInvoiceEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_check_invoice' })
  tenantId!: string;

  @PrimaryColumn({ name: 'run_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_check_invoice' })
  runId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_home_care_check_invoice' })
  provider!: string;

  @PrimaryColumn({ name: 'service_type', type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_home_care_check_invoice' })
  serviceType!: string;

  @ManyToOne(() => HomeCareCheckRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_check_invoice_run' },
    { name: 'run_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_check_invoice_run' },
  ])
  run?: HomeCareCheckRunEntity;

  @Column({ type: 'jsonb' })
  figures!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  deviations!: unknown[];

  @Column({ name: 'amount_at_stake_sek', type: 'numeric', precision: 12, scale: 2 })
  amountAtStakeSek!: string;
}
