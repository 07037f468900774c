import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { HomeCareImportEntity } from './import.entity';

/** A hospital stay: the resident's need of visits pauses on the whole days between admission and discharge. */
@Entity({ name: 'home_care_inpatient_period' })
@Unique('UQ_home_care_inpatient_period_external', ['tenantId', 'externalId'])
@Check('CHK_home_care_inpatient_period_dates', `discharged_on IS NULL OR discharged_on >= admitted_on`)
@Index('IDX_home_care_inpatient_period_resident', ['tenantId', 'residentId'])
export class HomeCareInpatientPeriodEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_inpatient_period' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_inpatient_period' })
  id!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId!: string;

  @Column({ name: 'resident_id', type: 'varchar', length: 64 })
  residentId!: string;

  @Column({ name: 'admitted_on', type: 'date' })
  admittedOn!: string;

  /** Null while the resident is still in hospital. */
  @Column({ name: 'discharged_on', type: 'date', nullable: true })
  dischargedOn!: string | null;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_inpatient_period_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_inpatient_period_import' },
  ])
  importFile?: HomeCareImportEntity;

  @Column({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;
}
