import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/** One accepted file: its rows carry its id and their line, so every figure points back to a file and line. */
@Entity({ name: 'home_care_import' })
// A file in force once: a replaced or dropped file may come again (migration 1768000000200).
@Index('UQ_home_care_import_file', ['tenantId', 'kind', 'sha256'], { unique: true, where: `replaced_by IS NULL AND dropped_at IS NULL` })
@Index('IDX_home_care_import_month', ['tenantId', 'kind', 'month'], { where: `replaced_by IS NULL AND dropped_at IS NULL` })
@Check('CHK_home_care_import_month', `month = date_trunc('month', month)::date`)
@Check('CHK_home_care_import_kind', `kind IN ('providers', 'decisions', 'visits', 'inpatient_periods', 'planned_visits', 'invoices')`)
export class HomeCareImportEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_import' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_home_care_import_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_import' })
  id!: string;

  /** providers, decisions, visits or inpatient_periods. */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName!: string;

  /** Of the file's bytes: the same file imported again is recognised and changes nothing. */
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'int' })
  rows!: number;

  @Column({ name: 'imported_by', type: 'varchar', length: 200 })
  importedBy!: string;

  @CreateDateColumn({ name: 'imported_at', type: 'timestamptz' })
  importedAt!: Date;

  /** The month the file belongs to (its first day), when the import named one. */
  @Column({ type: 'date', nullable: true })
  month!: string | null;

  /** The visits import of the same month that replaced this one: its table is detached, then dropped by the retention task. */
  @Column({ name: 'replaced_by', type: 'uuid', nullable: true })
  replacedBy!: string | null;

  /** When the retention task dropped the file's rows (visits: its table); the record of the import stays. */
  @Column({ name: 'dropped_at', type: 'timestamptz', nullable: true })
  droppedAt!: Date | null;
}
