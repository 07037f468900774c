import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';

/**
 * A steering-group decision closing a year: the year's cost shares as they stood when decided,
 * kept as decided. Once a year is closed the catalogue answers its figures from here, whatever
 * happens to budgets, adoption dates, populations or late metering afterwards. Platform-level and
 * append-only; one closing per year.
 */
@Entity({ name: 'catalogue_year_closing' })
@Index('UQ_catalogue_year_closing_year', ['year'], { unique: true })
@Check('CHK_catalogue_year_closing_year', 'year BETWEEN 2000 AND 2100')
export class YearClosingEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_catalogue_year_closing' })
  id!: string;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ name: 'decided_on', type: 'date' })
  decidedOn!: string;

  /** Diarienummer, e.g. "KS 2027/12". */
  @Column({ name: 'diary_number', type: 'varchar', length: 60 })
  diaryNumber!: string;

  /** The year's figures as decided: every service's budget, key and shares. */
  @Column({ type: 'jsonb' })
  figures!: Record<string, unknown>;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;
}
