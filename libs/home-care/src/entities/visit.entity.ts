import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { HomeCareImportEntity } from './import.entity';
import { HomeCareProviderEntity } from './provider.entity';

/**
 * A performed visit as the provider's time registration recorded it, and the minutes it billed: a
 * line of an accepted file. The table is partitioned by municipality and each municipality's
 * partition by file (migration 1768000000100, ADR 0022): a visit id is unique within its file by
 * this index and across files by the import's check.
 */
@Entity({ name: 'home_care_visit' })
@Unique('UQ_home_care_visit_external', ['tenantId', 'externalId', 'importId'])
@Check('CHK_home_care_visit_times', `stopped_at > started_at`)
@Check('CHK_home_care_visit_verification', `verification IN ('tag', 'manual')`)
@Check('CHK_home_care_visit_billed', `billed_minutes IS NULL OR billed_minutes >= 0`)
@Index('IDX_home_care_visit_started', ['tenantId', 'startedAt'])
export class HomeCareVisitEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_visit' })
  tenantId!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => HomeCareProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'provider_id', referencedColumnName: 'id' },
  ])
  provider?: HomeCareProviderEntity;

  @Column({ name: 'resident_id', type: 'varchar', length: 64 })
  residentId!: string;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'stopped_at', type: 'timestamptz' })
  stoppedAt!: Date;

  /** The staff member's id in the provider's system (not a personnummer). */
  @Column({ name: 'staff_id', type: 'varchar', length: 64 })
  staffId!: string;

  /** tag or manual. */
  @Column({ type: 'varchar', length: 8 })
  verification!: string;

  /** What the provider billed for the visit; null means the performed time (own units bill nothing). */
  @Column({ name: 'billed_minutes', type: 'int', nullable: true })
  billedMinutes!: number | null;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_visit_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_visit_import' },
  ])
  importFile?: HomeCareImportEntity;

  @PrimaryColumn({ name: 'import_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_visit' })
  importId!: string;

  @PrimaryColumn({ name: 'source_line', type: 'int', primaryKeyConstraintName: 'PK_home_care_visit' })
  sourceLine!: number;
}
