import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { SubmissionStatus } from '../receipt';
import { FormVersionEntity } from './form-version.entity';

/**
 * A submitted form: the exact version answered, the answers, the errand number. The client's
 * idempotency key is unique per citizen (or per tenant for anonymous forms), so a replay or a
 * concurrent double submit finds the first submission instead of making a second.
 */
@Entity({ name: 'eforms_submission' })
@Unique('UQ_eforms_submission_errand_number', ['tenantId', 'errandNumber'])
@Index('UQ_eforms_submission_idempotency', ['tenantId', 'subjectPartyId', 'idempotencyKey'], {
  unique: true,
  where: 'subject_party_id IS NOT NULL',
})
@Index('UQ_eforms_submission_idempotency_anonymous', ['tenantId', 'idempotencyKey'], { unique: true, where: 'subject_party_id IS NULL' })
@Index('IDX_eforms_submission_subject', ['subjectPartyId'])
@Index('IDX_eforms_submission_retention', ['tenantId', 'updatedAt'], { where: 'purged_at IS NULL' })
@Index('IDX_eforms_submission_submitted', ['tenantId', 'submittedAt', 'id'])
@Check('CHK_eforms_submission_status', "status IN ('received', 'manual_handling', 'completion_requested', 'decided')")
export class SubmissionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'form_id', type: 'uuid' })
  formId!: string;

  @Column({ name: 'form_version_id', type: 'uuid' })
  formVersionId!: string;

  @ManyToOne(() => FormVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_eforms_submission_version' },
    { name: 'form_version_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_eforms_submission_version' },
  ])
  formVersion?: FormVersionEntity;

  /** The citizen's (or company's) party id; null for an anonymous form. */
  @Column({ name: 'subject_party_id', type: 'uuid', nullable: true })
  subjectPartyId!: string | null;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16, nullable: true })
  subjectKind!: 'person' | 'organisation' | null;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ name: 'errand_number', type: 'varchar', length: 32 })
  errandNumber!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100 })
  idempotencyKey!: string;

  /** SHA-256 of the canonical request: the same key with other content is a conflict. */
  @Column({ name: 'payload_hash', type: 'char', length: 64 })
  payloadHash!: string;

  @Column({ type: 'varchar', length: 32 })
  status!: SubmissionStatus;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completion_message', type: 'jsonb', nullable: true })
  completionMessage!: { sv: string; en: string } | null;

  @Column({ name: 'completion_requested_at', type: 'timestamptz', nullable: true })
  completionRequestedAt!: Date | null;

  /**
   * The municipality's case system's own reference (diarienummer) once it registered the errand;
   * set once (acknowledging again with the same reference changes nothing, another is a conflict).
   */
  @Column({ name: 'case_system_reference', type: 'varchar', length: 100, nullable: true })
  caseSystemReference!: string | null;

  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true })
  registeredAt!: Date | null;

  /** The service account (client id) that registered it. */
  @Column({ name: 'registered_by', type: 'varchar', length: 200, nullable: true })
  registeredBy!: string | null;

  /** Set when retention purged the answers and files (see retention.ts); the errand's record stays. */
  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;
}
