import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { HomeCareImportEntity } from './import.entity';

/** A provider of home care in one municipality: an own unit or a private provider under LOV. */
@Entity({ name: 'home_care_provider' })
@Unique('UQ_home_care_provider_code', ['tenantId', 'code'])
@Check('CHK_home_care_provider_kind', `kind IN ('own_unit', 'lov')`)
export class HomeCareProviderEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_provider' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_provider' })
  id!: string;

  /** The provider's id in the municipality's files (e.g. its organisation number or unit code). */
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  /** own_unit or lov. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_provider_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_provider_import' },
  ])
  importFile?: HomeCareImportEntity;

  @Column({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;
}

/** What a LOV provider is paid per performed hour of a service type, from a day on. */
@Entity({ name: 'home_care_provider_rate' })
@Check('CHK_home_care_provider_rate_positive', `sek_per_hour > 0`)
export class HomeCareProviderRateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_provider_rate' })
  tenantId!: string;

  @PrimaryColumn({ name: 'provider_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_provider_rate' })
  providerId!: string;

  @PrimaryColumn({ name: 'service_type', type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_home_care_provider_rate' })
  serviceType!: string;

  @PrimaryColumn({ name: 'valid_from', type: 'date', primaryKeyConstraintName: 'PK_home_care_provider_rate' })
  validFrom!: string;

  @Column({ name: 'sek_per_hour', type: 'numeric', precision: 10, scale: 2 })
  sekPerHour!: string;

  @ManyToOne(() => HomeCareProviderEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'provider_id', referencedColumnName: 'id' },
  ])
  provider?: HomeCareProviderEntity;
}
