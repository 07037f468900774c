import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { HomeCareImportEntity } from './import.entity';

/**
 * An assistance decision (biståndsbeslut) granting home care to a resident for a period. The
 * resident is the case system's client id, never a personnummer (the import refuses one).
 */
@Entity({ name: 'home_care_decision' })
@Unique('UQ_home_care_decision_external', ['tenantId', 'externalId'])
@Check('CHK_home_care_decision_validity', `valid_to IS NULL OR valid_to >= valid_from`)
@Index('IDX_home_care_decision_resident', ['tenantId', 'residentId', 'validFrom'])
export class HomeCareDecisionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_decision' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_home_care_decision' })
  id!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId!: string;

  @Column({ name: 'resident_id', type: 'varchar', length: 64 })
  residentId!: string;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  /** Inclusive; null while the decision runs until further notice. */
  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;

  @ManyToOne(() => HomeCareImportEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_home_care_decision_import' },
    { name: 'import_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_home_care_decision_import' },
  ])
  importFile?: HomeCareImportEntity;

  @Column({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;
}

/** A service type the decision grants, with the time granted per calendar month. */
@Entity({ name: 'home_care_decision_service' })
@Check('CHK_home_care_decision_service_granted', `granted_minutes_per_month > 0`)
export class HomeCareDecisionServiceEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_decision_service' })
  tenantId!: string;

  @PrimaryColumn({ name: 'decision_id', type: 'uuid', primaryKeyConstraintName: 'PK_home_care_decision_service' })
  decisionId!: string;

  @PrimaryColumn({ name: 'service_type', type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_home_care_decision_service' })
  serviceType!: string;

  @Column({ name: 'granted_minutes_per_month', type: 'int' })
  grantedMinutesPerMonth!: number;

  @Column({ name: 'source_line', type: 'int' })
  sourceLine!: number;

  @ManyToOne(() => HomeCareDecisionEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'decision_id', referencedColumnName: 'id' },
  ])
  decision?: HomeCareDecisionEntity;
}
