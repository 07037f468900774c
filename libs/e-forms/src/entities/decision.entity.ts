import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { DecisionReason, LegalBasis } from '@kommuna/shared-service-contracts';
import { SubmissionEntity } from './submission.entity';

/** The decision on a submission, automated (with the rules that fired) or a case worker's. Never changed. */
@Entity({ name: 'eforms_decision' })
@Unique('UQ_eforms_decision_submission', ['tenantId', 'submissionId'])
@Check('CHK_eforms_decision_outcome', "outcome IN ('approve', 'reject')")
@Check('CHK_eforms_decision_validity', 'valid_to IS NULL OR (valid_from IS NOT NULL AND valid_to >= valid_from)')
export class DecisionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => SubmissionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_eforms_decision_submission' },
    { name: 'submission_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_eforms_decision_submission' },
  ])
  submission?: SubmissionEntity;

  @Column({ name: 'subject_party_id', type: 'uuid', nullable: true })
  subjectPartyId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'approve' | 'reject';

  @Column({ type: 'boolean' })
  automated!: boolean;

  @Column({ type: 'jsonb' })
  reasons!: DecisionReason[];

  @Column({ name: 'legal_basis', type: 'jsonb', nullable: true })
  legalBasis!: LegalBasis | null;

  /** The case worker's token subject; null for an automated decision. */
  @Column({ name: 'decided_by', type: 'varchar', length: 200, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  /** What a granted decision is valid for, as calendar dates; no valid_to: until further notice. */
  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom!: string | null;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;
}
