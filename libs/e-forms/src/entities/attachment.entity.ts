import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { SubmissionEntity } from './submission.entity';

/**
 * An uploaded file: its bytes, their SHA-256, the type its content really is. Belongs to a draft,
 * then a submission; or, uploaded to answer a completion request, is pending for that submission
 * (completion_submission_id) until the completion takes it.
 */
@Entity({ name: 'eforms_attachment' })
@Index('IDX_eforms_attachment_draft', ['tenantId', 'draftId'])
@Index('IDX_eforms_attachment_completion', ['tenantId', 'completionSubmissionId'])
@Index('IDX_eforms_attachment_subject', ['subjectPartyId'])
@Check('CHK_eforms_attachment_type', "content_type IN ('application/pdf', 'image/png', 'image/jpeg')")
@Check('CHK_eforms_attachment_size', 'size_bytes = octet_length(content)')
export class AttachmentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'draft_id', type: 'uuid', nullable: true })
  draftId!: string | null;

  @Column({ name: 'submission_id', type: 'uuid', nullable: true })
  submissionId!: string | null;

  @ManyToOne(() => SubmissionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_eforms_attachment_submission' },
    { name: 'submission_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_eforms_attachment_submission' },
  ])
  submission?: SubmissionEntity;

  /** The submission whose completion request this upload answers, while the answer is not given. */
  @Column({ name: 'completion_submission_id', type: 'uuid', nullable: true })
  completionSubmissionId!: string | null;

  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  @Column({ type: 'varchar', length: 64 })
  field!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 50 })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bytea' })
  content!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
