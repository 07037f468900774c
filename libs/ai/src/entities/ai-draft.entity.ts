import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { NUMERIC_AS_NUMBER } from '@kommuna/platform-persistence';
import { AiModelEntity } from './ai-model.entity';

export type DraftKind = 'case_summary' | 'call_note';
/** pending: a long recording waits for the worker; failed: the models failed after the retries (no text). */
export type DraftStatus = 'pending' | 'draft' | 'failed' | 'approved' | 'rejected';

/**
 * Text a model drafted for a case. It is AI-generated and marked so; it becomes part of the case
 * only when a person approves it (with their edits): final_text, reviewer and edit distance.
 */
@Entity({ name: 'ai_draft' })
@Index('IDX_ai_draft_case', ['tenantId', 'caseId', 'createdAt'])
@Check('CHK_ai_draft_kind', "kind IN ('case_summary', 'call_note')")
@Check('CHK_ai_draft_status', "status IN ('pending', 'draft', 'failed', 'approved', 'rejected')")
@Check('CHK_ai_draft_review', "(status IN ('pending', 'draft', 'failed')) = (reviewed_at IS NULL)")
export class AiDraftEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_draft' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_ai_draft' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: DraftKind;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  /** The unit the case belongs to: only its case workers see and review the draft. */
  @Column({ type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'data_class', type: 'varchar', length: 40 })
  dataClass!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @ManyToOne(() => AiModelEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'model_id', referencedColumnName: 'id' },
  ])
  model?: AiModelEntity;

  /** The prompt template and its version, e.g. case-summary@1. */
  @Column({ name: 'template', type: 'varchar', length: 60 })
  template!: string;

  @Column({ name: 'requested_by', type: 'varchar', length: 200 })
  requestedBy!: string;

  /** The model's text with the placeholders restored. */
  @Column({ name: 'ai_text', type: 'text' })
  aiText!: string;

  /** Placeholders the model mangled or invented: the reviewer must read the draft with care. */
  @Column({ name: 'placeholder_warnings', type: 'jsonb', default: () => "'[]'" })
  placeholderWarnings!: string[];

  @Column({ name: 'prompt_tokens', type: 'integer', nullable: true })
  promptTokens!: number | null;

  @Column({ name: 'completion_tokens', type: 'integer', nullable: true })
  completionTokens!: number | null;

  @Column({ name: 'audio_seconds', type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: NUMERIC_AS_NUMBER })
  audioSeconds!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: DraftStatus;

  /** What the reviewer approved (their edits included); null until approved. */
  @Column({ name: 'final_text', type: 'text', nullable: true })
  finalText!: string | null;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 200, nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  /** Words inserted, deleted or replaced by the reviewer. */
  @Column({ name: 'edit_distance', type: 'integer', nullable: true })
  editDistance!: number | null;

  /** Why a pending draft failed (the model host's error after the retries); null otherwise. */
  @Column({ type: 'text', nullable: true })
  failure!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
