import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { PartyEntity, TenantEntity } from '@kommuna/platform-persistence';

export type SubjectKind = 'person' | 'organisation';
export type WhoseTurn = 'citizen' | 'municipality' | 'none';

/**
 * A case (ärende) as Mina sidor shows it: owned by one municipality, about one party, handled by
 * one unit (the secrecy boundary for staff), fed by one source under that source's own key.
 */
@Entity({ name: 'minasidor_case' })
@Unique('UQ_minasidor_case_source', ['tenantId', 'source', 'externalCaseId'])
@Index('IDX_minasidor_case_subject', ['subjectPartyId', 'updatedAt', 'id'])
// The subject too: the row-level security policy reads it, so the staff inbox's page comes from the index alone.
@Index('IDX_minasidor_case_unit', ['tenantId', 'unit', 'updatedAt', 'id', 'subjectPartyId'])
@Check('CHK_minasidor_case_subject_kind', `subject_kind IN ('person', 'organisation')`)
@Check('CHK_minasidor_case_whose_turn', `whose_turn IN ('citizen', 'municipality', 'none')`)
export class CaseEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_case' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_minasidor_case_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_case' })
  id!: string;

  @Column({ name: 'errand_number', type: 'varchar', length: 64 })
  errandNumber!: string;

  @Column({ name: 'case_type', type: 'varchar', length: 100 })
  caseType!: string;

  @Column({ name: 'title_sv', type: 'text' })
  titleSv!: string;

  @Column({ name: 'title_en', type: 'text' })
  titleEn!: string;

  /** The person or company the case is about (a party id, never an identity number). */
  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  @ManyToOne(() => PartyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_party_id', foreignKeyConstraintName: 'FK_minasidor_case_subject' })
  subject?: PartyEntity;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16 })
  subjectKind!: SubjectKind;

  /** The unit handling the case, e.g. socialtjanst or skola: staff see their own unit's cases only. */
  @Column({ type: 'varchar', length: 64 })
  unit!: string;

  /** 'e-forms' or the name of a municipal system. */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  /** The source's own id of the case (the e-forms submission id for e-forms). */
  @Column({ name: 'external_case_id', type: 'varchar', length: 200 })
  externalCaseId!: string;

  /** The reference the municipality's case system registered the errand under (diarienummer), once it has. */
  @Column({ name: 'case_system_reference', type: 'varchar', length: 100, nullable: true })
  caseSystemReference!: string | null;

  @Column({ name: 'internal_status', type: 'varchar', length: 64 })
  internalStatus!: string;

  /** When the current status took effect at the source: older updates never overwrite it. */
  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt!: Date;

  @Column({ name: 'whose_turn', type: 'varchar', length: 16 })
  whoseTurn!: WhoseTurn;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
