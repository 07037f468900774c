import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CaseEntity, WhoseTurn } from './case.entity';

/**
 * One step of a case's timeline, as the citizen sees it. `dedupe_key` makes every source write
 * idempotent: a replayed update finds its event already there and changes nothing.
 */
@Entity({ name: 'minasidor_case_event' })
@Unique('UQ_minasidor_case_event_dedupe', ['tenantId', 'caseId', 'dedupeKey'])
@Index('IDX_minasidor_case_event_case', ['tenantId', 'caseId', 'occurredAt'])
@Index('IDX_minasidor_case_event_subject', ['subjectPartyId'])
@Check('CHK_minasidor_case_event_whose_turn', `whose_turn IS NULL OR whose_turn IN ('citizen', 'municipality', 'none')`)
export class CaseEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_case_event' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_case_event' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'case_id', referencedColumnName: 'id' },
  ])
  case?: CaseEntity;

  /** The case's subject, repeated so the subject read policy can admit the row on its own. */
  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  /** received, in_progress, completion_requested, decided, closed, message, ... */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  /** The internal status this event reported, if it was a status update. */
  @Column({ name: 'internal_status', type: 'varchar', length: 64, nullable: true })
  internalStatus!: string | null;

  /** False when a status update arrived after a newer one: kept in history, not made current. */
  @Column({ name: 'became_current', type: 'boolean', default: true })
  becameCurrent!: boolean;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'whose_turn', type: 'varchar', length: 16, nullable: true })
  whoseTurn!: WhoseTurn | null;

  @Column({ name: 'text_sv', type: 'text', nullable: true })
  textSv!: string | null;

  @Column({ name: 'text_en', type: 'text', nullable: true })
  textEn!: string | null;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 300 })
  dedupeKey!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
