import type { EntityManager } from 'typeorm';
import { rowOf, rowsOf } from '@kommuna/platform-persistence';
import { FollowUpEntity } from './entities/follow-up.entity';
import { StatusDecisionEntity } from './entities/status-decision.entity';
import { YearClosingEntity } from './entities/year-closing.entity';

/** A benefit follow-up as recorded (the table's row: docs/architecture.md#typed-rows). */
export type FollowUpRecord = FollowUpEntity;
/** A status decision as recorded. */
export type StatusDecisionRecord = StatusDecisionEntity;
/** A year closing as decided. */
export type YearClosingRecord = YearClosingEntity;

type Query = Pick<EntityManager, 'query' | 'connection'>;

/** The steering group's own records (platform-level, append-only): thin data access. */
export class RecordsRepository {
  async closings(em: Query, year?: number): Promise<YearClosingRecord[]> {
    const rows = await em.query(
      `SELECT * FROM catalogue_year_closing ${year === undefined ? '' : 'WHERE year = $1'} ORDER BY year`,
      year === undefined ? [] : [year],
    );
    return rowsOf(em, YearClosingEntity, rows);
  }

  /** Undefined when the year is already closed (one closing per year, kept as decided). */
  async insertClosing(em: Query, c: Omit<YearClosingRecord, 'id' | 'recordedAt'>): Promise<YearClosingRecord | undefined> {
    const rows = await em.query(
      `INSERT INTO catalogue_year_closing (year, decided_on, diary_number, figures, recorded_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (year) DO NOTHING RETURNING *`,
      [c.year, c.decidedOn, c.diaryNumber, JSON.stringify(c.figures), c.recordedBy],
    );
    return rowOf(em, YearClosingEntity, rows);
  }

  /** Whether the database holds demo figures (seeded for npm start). */
  async isDemo(em: Query): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM catalogue_demo_marker WHERE id = 1`);
    return rows.length > 0;
  }

  async markDemo(em: Query, note: string): Promise<void> {
    await em.query(`INSERT INTO catalogue_demo_marker (id, note) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [note]);
  }

  async followUps(em: Query, service?: string): Promise<FollowUpRecord[]> {
    const rows = await em.query(
      `SELECT * FROM catalogue_follow_up ${service ? 'WHERE service = $1' : ''} ORDER BY measured_on, recorded_at, id`,
      service ? [service] : [],
    );
    return rowsOf(em, FollowUpEntity, rows);
  }

  async insertFollowUp(em: Query, f: Omit<FollowUpRecord, 'id' | 'recordedAt'> & { id?: string }): Promise<FollowUpRecord | undefined> {
    const rows = await em.query(
      `INSERT INTO catalogue_follow_up (id, service, hypothesis_id, period_start, period_end, measured_value, unit, measured_on, source, note, recorded_by)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        f.id ?? null,
        f.service,
        f.hypothesisId,
        f.periodStart,
        f.periodEnd,
        f.measuredValue,
        f.unit,
        f.measuredOn,
        f.source,
        f.note,
        f.recordedBy,
      ],
    );
    return rowOf(em, FollowUpEntity, rows);
  }

  async decisions(em: Query, service?: string): Promise<StatusDecisionRecord[]> {
    const rows = await em.query(
      `SELECT * FROM catalogue_status_decision ${service ? 'WHERE service = $1' : ''} ORDER BY recorded_at, id`,
      service ? [service] : [],
    );
    return rowsOf(em, StatusDecisionEntity, rows);
  }

  async insertDecision(
    em: Query,
    d: Omit<StatusDecisionRecord, 'id' | 'recordedAt'> & { id?: string },
  ): Promise<StatusDecisionRecord | undefined> {
    const rows = await em.query(
      `INSERT INTO catalogue_status_decision (id, service, from_status, to_status, decided_on, diary_number, evidence, recorded_by)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [d.id ?? null, d.service, d.fromStatus, d.toStatus, d.decidedOn, d.diaryNumber, JSON.stringify(d.evidence), d.recordedBy],
    );
    return rowOf(em, StatusDecisionEntity, rows);
  }
}
