import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CaseEntity } from './case.entity';

export type DecisionOutcome = 'approval' | 'rejection' | 'dismissal' | 'cancellation';

/** A document of a decision: a link or a reference into the source system, with its checksum. */
export interface DecisionDocument {
  name: string;
  url?: string;
  ref?: string;
  checksum?: string;
}

/** A decision (beslut) on a case, with its legal basis, reasons and how to appeal. */
@Entity({ name: 'minasidor_decision' })
@Unique('UQ_minasidor_decision_external', ['tenantId', 'caseId', 'externalDecisionId'])
@Index('IDX_minasidor_decision_case', ['tenantId', 'caseId'])
@Index('IDX_minasidor_decision_subject', ['subjectPartyId'])
@Check('CHK_minasidor_decision_outcome', `outcome IN ('approval', 'rejection', 'dismissal', 'cancellation')`)
@Check('CHK_minasidor_decision_validity', `valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from`)
export class DecisionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_decision' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_decision' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'case_id', referencedColumnName: 'id' },
  ])
  case?: CaseEntity;

  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  /** The source's id of the decision: recording it again changes nothing. */
  @Column({ name: 'external_decision_id', type: 'varchar', length: 200 })
  externalDecisionId!: string;

  @Column({ name: 'decision_type', type: 'varchar', length: 100 })
  decisionType!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: DecisionOutcome;

  @Column({ name: 'legal_basis_sfs', type: 'varchar', length: 20, nullable: true })
  legalBasisSfs!: string | null;

  @Column({ name: 'legal_basis_chapter', type: 'varchar', length: 20, nullable: true })
  legalBasisChapter!: string | null;

  @Column({ name: 'legal_basis_section', type: 'varchar', length: 20, nullable: true })
  legalBasisSection!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom!: string | null;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;

  /** For automated decisions the rules that fired: [{ ruleId, text: { sv, en }, legalBasis? }]. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  reasons!: unknown[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  documents!: DecisionDocument[];

  @Column({ name: 'appeal_sv', type: 'text', nullable: true })
  appealSv!: string | null;

  @Column({ name: 'appeal_en', type: 'text', nullable: true })
  appealEn!: string | null;

  @Column({ type: 'boolean', default: false })
  automated!: boolean;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
