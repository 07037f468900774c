import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { NUMERIC_AS_NUMBER, TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';

/**
 * A benefit follow-up recorded by the steering group: what was actually measured per unit for one
 * hypothesis over a period. The steering group's own data, so platform-level (no tenant);
 * append-only: a correction is a newer follow-up.
 */
@Entity({ name: 'catalogue_follow_up' })
@Index('IDX_catalogue_follow_up_service', ['service', 'hypothesisId'])
@Check('CHK_catalogue_follow_up_period', 'period_end >= period_start')
@Check('CHK_catalogue_follow_up_value', 'measured_value >= 0')
@Check('CHK_catalogue_follow_up_unit', `unit IN ('minutes', 'hours', 'SEK')`)
export class FollowUpEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_catalogue_follow_up' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  service!: string;

  @Column({ name: 'hypothesis_id', type: 'varchar', length: 41 })
  hypothesisId!: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  /** In the hypothesis's unit, per unit of its metric. */
  @Column({ name: 'measured_value', type: 'numeric', precision: 14, scale: 4, transformer: NUMERIC_AS_NUMBER })
  measuredValue!: number;

  @Column({ type: 'varchar', length: 16 })
  unit!: string;

  @Column({ name: 'measured_on', type: 'date' })
  measuredOn!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;
}
