import type { EntityManager } from 'typeorm';

export interface FollowUpRecord {
  id: string;
  service: string;
  hypothesisId: string;
  periodStart: string;
  periodEnd: string;
  measuredValue: number;
  unit: string;
  measuredOn: string;
  source: string;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface StatusDecisionRecord {
  id: string;
  service: string;
  fromStatus: string;
  toStatus: string;
  decidedOn: string;
  diaryNumber: string;
  evidence: Record<string, unknown>;
  recordedBy: string;
  recordedAt: string;
}

const FOLLOW_UP_COLUMNS = `id, service, hypothesis_id, to_char(period_start, 'YYYY-MM-DD') AS period_start,
  to_char(period_end, 'YYYY-MM-DD') AS period_end, measured_value, unit, to_char(measured_on, 'YYYY-MM-DD') AS measured_on,
  source, note, recorded_by, recorded_at`;
const DECISION_COLUMNS = `id, service, from_status, to_status, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, diary_number,
  evidence, recorded_by, recorded_at`;

/** A catalogue_follow_up row as FOLLOW_UP_COLUMNS selects it (numeric arrives as text from PostgreSQL). */
interface FollowUpRow {
  id: string;
  service: string;
  hypothesis_id: string;
  period_start: string;
  period_end: string;
  measured_value: string | number;
  unit: string;
  measured_on: string;
  source: string;
  note: string | null;
  recorded_by: string;
  recorded_at: Date | string;
}

/** A catalogue_status_decision row as DECISION_COLUMNS selects it (jsonb may arrive parsed or as text). */
interface DecisionRow {
  id: string;
  service: string;
  from_status: string;
  to_status: string;
  decided_on: string;
  diary_number: string;
  evidence: Record<string, unknown> | string;
  recorded_by: string;
  recorded_at: Date | string;
}

export interface YearClosingRecord {
  id: string;
  year: number;
  decidedOn: string;
  diaryNumber: string;
  figures: Record<string, unknown>;
  recordedBy: string;
  recordedAt: string;
}

interface YearClosingRow {
  id: string;
  year: number;
  decided_on: string;
  diary_number: string;
  figures: Record<string, unknown> | string;
  recorded_by: string;
  recorded_at: Date | string;
}

const CLOSING_COLUMNS = `id, year, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, diary_number, figures, recorded_by, recorded_at`;

/** The steering group's own records (platform-level, append-only): thin data access. */
export class RecordsRepository {
  async closings(em: Pick<EntityManager, 'query'>, year?: number): Promise<YearClosingRecord[]> {
    const rows: YearClosingRow[] = await em.query(
      `SELECT ${CLOSING_COLUMNS} FROM catalogue_year_closing ${year === undefined ? '' : 'WHERE year = $1'} ORDER BY year`,
      year === undefined ? [] : [year],
    );
    return rows.map(toClosing);
  }

  /** Undefined when the year is already closed (one closing per year, kept as decided). */
  async insertClosing(
    em: Pick<EntityManager, 'query'>,
    c: Omit<YearClosingRecord, 'id' | 'recordedAt'>,
  ): Promise<YearClosingRecord | undefined> {
    const rows: YearClosingRow[] = await em.query(
      `INSERT INTO catalogue_year_closing (year, decided_on, diary_number, figures, recorded_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (year) DO NOTHING RETURNING ${CLOSING_COLUMNS}`,
      [c.year, c.decidedOn, c.diaryNumber, JSON.stringify(c.figures), c.recordedBy],
    );
    return rows[0] ? toClosing(rows[0]) : undefined;
  }

  /** Whether the database holds demo figures (seeded for npm start). */
  async isDemo(em: Pick<EntityManager, 'query'>): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM catalogue_demo_marker WHERE id = 1`);
    return rows.length > 0;
  }

  async markDemo(em: Pick<EntityManager, 'query'>, note: string): Promise<void> {
    await em.query(`INSERT INTO catalogue_demo_marker (id, note) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [note]);
  }

  async followUps(em: Pick<EntityManager, 'query'>, service?: string): Promise<FollowUpRecord[]> {
    const rows: FollowUpRow[] = await em.query(
      `SELECT ${FOLLOW_UP_COLUMNS} FROM catalogue_follow_up ${service ? 'WHERE service = $1' : ''} ORDER BY measured_on, recorded_at, id`,
      service ? [service] : [],
    );
    return rows.map(toFollowUp);
  }

  async insertFollowUp(
    em: Pick<EntityManager, 'query'>,
    f: Omit<FollowUpRecord, 'id' | 'recordedAt'> & { id?: string },
  ): Promise<FollowUpRecord | undefined> {
    const rows: FollowUpRow[] = await em.query(
      `INSERT INTO catalogue_follow_up (id, service, hypothesis_id, period_start, period_end, measured_value, unit, measured_on, source, note, recorded_by)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO NOTHING RETURNING ${FOLLOW_UP_COLUMNS}`,
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
    return rows[0] ? toFollowUp(rows[0]) : undefined;
  }

  async decisions(em: Pick<EntityManager, 'query'>, service?: string): Promise<StatusDecisionRecord[]> {
    const rows: DecisionRow[] = await em.query(
      `SELECT ${DECISION_COLUMNS} FROM catalogue_status_decision ${service ? 'WHERE service = $1' : ''} ORDER BY recorded_at, id`,
      service ? [service] : [],
    );
    return rows.map(toDecision);
  }

  async insertDecision(
    em: Pick<EntityManager, 'query'>,
    d: Omit<StatusDecisionRecord, 'id' | 'recordedAt'> & { id?: string },
  ): Promise<StatusDecisionRecord | undefined> {
    const rows: DecisionRow[] = await em.query(
      `INSERT INTO catalogue_status_decision (id, service, from_status, to_status, decided_on, diary_number, evidence, recorded_by)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO NOTHING RETURNING ${DECISION_COLUMNS}`,
      [d.id ?? null, d.service, d.fromStatus, d.toStatus, d.decidedOn, d.diaryNumber, JSON.stringify(d.evidence), d.recordedBy],
    );
    return rows[0] ? toDecision(rows[0]) : undefined;
  }
}

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

function toFollowUp(row: FollowUpRow): FollowUpRecord {
  return {
    id: row.id,
    service: row.service,
    hypothesisId: row.hypothesis_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    measuredValue: Number(row.measured_value),
    unit: row.unit,
    measuredOn: row.measured_on,
    source: row.source,
    note: row.note ?? null,
    recordedBy: row.recorded_by,
    recordedAt: iso(row.recorded_at),
  };
}

function toDecision(row: DecisionRow): StatusDecisionRecord {
  return {
    id: row.id,
    service: row.service,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    decidedOn: row.decided_on,
    diaryNumber: row.diary_number,
    evidence: typeof row.evidence === 'string' ? (JSON.parse(row.evidence) as Record<string, unknown>) : row.evidence,
    recordedBy: row.recorded_by,
    recordedAt: iso(row.recorded_at),
  };
}

function toClosing(row: YearClosingRow): YearClosingRecord {
  return {
    id: row.id,
    year: Number(row.year),
    decidedOn: row.decided_on,
    diaryNumber: row.diary_number,
    figures: typeof row.figures === 'string' ? (JSON.parse(row.figures) as Record<string, unknown>) : row.figures,
    recordedBy: row.recorded_by,
    recordedAt: iso(row.recorded_at),
  };
}
