import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { KnownParty } from '../pseudonymiser';
import { AiDraftEntity } from './ai-draft.entity';

/**
 * A long call recording waiting for the worker to transcribe it into its pending draft (a
 * LeaseQueue job). It holds what the worker needs beyond the recording (ai_audio): the case as it
 * was read for the case worker who asked, and the models routed then. Deleted when the draft is
 * written or has failed.
 */
@Entity({ name: 'ai_transcription_job' })
@Index('IDX_ai_transcription_job_due', ['tenantId', 'nextAttemptAt'])
export class AiTranscriptionJobEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_transcription_job' })
  tenantId!: string;

  @PrimaryColumn({ name: 'draft_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_transcription_job' })
  draftId!: string;

  @OneToOne(() => AiDraftEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_ai_transcription_job_draft' },
    { name: 'draft_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_ai_transcription_job_draft' },
  ])
  draft?: AiDraftEntity;

  @Column({ name: 'transcriber_id', type: 'uuid' })
  transcriberId!: string;

  @Column({ type: 'varchar', length: 200 })
  purpose!: string;

  @Column({ name: 'case_type', type: 'varchar', length: 200 })
  caseType!: string;

  /** The case's parties and the names the case worker gave: what the pseudonymiser hides. */
  @Column({ type: 'jsonb' })
  parties!: KnownParty[];

  @Column({ name: 'claim_id', type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** When the queue last changed the job (a retry, a failure). */
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
