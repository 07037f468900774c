import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/** One accepted file: its rows carry its id and their line, so every figure points back to a file and line. */
@Entity({ name: 'home_care_import' })
@Unique('UQ_home_care_import_file', ['tenantId', 'kind', 'sha256'])
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
}
