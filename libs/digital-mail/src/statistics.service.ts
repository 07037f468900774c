import type { EntityManager } from 'typeorm';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { MailScope, unitOf } from './access';

export interface MonthlyStatistics {
  /** YYYY-MM in Europe/Stockholm. */
  month: string;
  department: string | null;
  total: number;
  sentDigitally: number;
  sentOnPaper: number;
  failed: number;
  notDelivered: number;
  pending: number;
}

/** How the counts spell and group the month: StatisticsService's own, or one to compare it with (statistics.spec.ts). */
export interface MonthGrouping {
  /** SQL for the month as YYYY-MM. */
  month: string;
  /** SQL for the GROUP BY of month and department. */
  groupBy: string;
}

/**
 * The month as STX_mail_delivery_month spells it, so the planner knows there are few groups and
 * counts in a hash table, read from IDX_mail_delivery_created's range alone.
 */
const BY_STOCKHOLM_MONTH: MonthGrouping = {
  month: `to_char(date_trunc('month', created_at AT TIME ZONE 'Europe/Stockholm'), 'YYYY-MM')`,
  groupBy: `date_trunc('month', created_at AT TIME ZONE 'Europe/Stockholm'), department`,
};

/** An aggregate row of countByMonth's query: counts come as bigint (text on node-pg). */
interface MonthCounts {
  month: string;
  department: string | null;
  total: string | number;
  digital: string | number;
  paper: string | number;
  failed: string | number;
  not_delivered: string | number;
  pending: string | number;
}

/** A municipality's letters counted per month and department, in a range and for one unit or all (null). */
export async function countByMonth(
  em: EntityManager,
  grouping: MonthGrouping,
  tenantId: string,
  range: { from?: Date; to?: Date },
  department: string | null,
): Promise<MonthlyStatistics[]> {
  const rows: MonthCounts[] = await em.query(
    `SELECT ${grouping.month} AS month, department,
            count(*) AS total,
            count(*) FILTER (WHERE status = 'SENT' AND channel = 'digital') AS digital,
            count(*) FILTER (WHERE status = 'SENT' AND channel = 'paper') AS paper,
            count(*) FILTER (WHERE status = 'FAILED') AS failed,
            count(*) FILTER (WHERE status IN ('NOT_SENT', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND')) AS not_delivered,
            count(*) FILTER (WHERE status = 'PENDING') AS pending
       FROM mail_delivery
      WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
        AND ($4::varchar IS NULL OR department = $4)
      GROUP BY ${grouping.groupBy} ORDER BY 1, 2 NULLS FIRST`,
    [tenantId, range.from ?? null, range.to ?? null, department],
  );
  return rows.map((r) => ({
    month: r.month,
    department: r.department,
    total: Number(r.total),
    sentDigitally: Number(r.digital),
    sentOnPaper: Number(r.paper),
    failed: Number(r.failed),
    notDelivered: Number(r.not_delivered),
    pending: Number(r.pending),
  }));
}

/**
 * Counts per department and month (digital vs paper vs failed): the figures the steering group's
 * benefit follow-up reads. Aggregates only, read from delivery metadata (which retention keeps).
 */
export class StatisticsService {
  constructor(private readonly database: Database) {}

  /** A unit scope counts its own unit's letters only (counts of another unit's letters are its business). */
  async monthly(scope: MailScope, range: { from?: Date; to?: Date } = {}): Promise<MonthlyStatistics[]> {
    const tenantId = requestContext.tenantId();
    return this.database.transaction((em) => countByMonth(em, BY_STOCKHOLM_MONTH, tenantId, range, unitOf(scope)));
  }
}
