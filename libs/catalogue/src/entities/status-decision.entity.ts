import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';

/**
 * A steering-group decision on a service's development status, with its diary number and the
 * evidence as it stood when decided. Platform-level and append-only: the history is the record.
 */
@Entity({ name: 'catalogue_status_decision' })
@Index('IDX_catalogue_status_decision_service', ['service', 'recordedAt'])
@Check(
  'CHK_catalogue_status_decision_status',
  `from_status IN ('concept', 'development', 'beta', 'stable', 'obsolete') AND to_status IN ('concept', 'development', 'beta', 'stable', 'obsolete')`,
)
export class StatusDecisionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_catalogue_status_decision' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  service!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16 })
  fromStatus!: string;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: string;

  @Column({ name: 'decided_on', type: 'date' })
  decidedOn!: string;

  /** Diarienummer, e.g. "KS 2025/123". */
  @Column({ name: 'diary_number', type: 'varchar', length: 60 })
  diaryNumber!: string;

  @Column({ type: 'jsonb' })
  evidence!: Record<string, unknown>;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;
}
