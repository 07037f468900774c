import type { EntityManager } from 'typeorm';
import { rowsOf, selectRows } from '@kommuna/platform-persistence';
import { ProcessedEventEntity } from '../entities/processed-event.entity';
import { UsageMonthlyEntity } from '../entities/usage-monthly.entity';

/** One month's metered use: catalogue_usage_monthly's columns, the count as a number. */
export interface UsageFigure extends Pick<UsageMonthlyEntity, 'tenantId' | 'service' | 'metric' | 'month'> {
  /** 0 when suppressed: a suppressed cell adds nothing to any sum. */
  count: number;
  /** Across municipalities only: the count was 1 to MIN_CELL_SIZE - 1 and is not published. */
  suppressed?: boolean;
}

const FIGURE = ['tenantId', 'service', 'metric', 'month', 'count'] as const;

/** Thin data access for metered usage; every statement names its tenant (docs/architecture.md#tenancy). */
export class UsageRepository {
  /** Records that events were counted; returns the ids not counted before (the rest are redeliveries). */
  async markProcessed(em: EntityManager, tenantId: string, eventIds: string[]): Promise<Set<string>> {
    const raw = await em.query(
      `INSERT INTO catalogue_processed_event (tenant_id, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [tenantId, eventIds],
    );
    return new Set(rowsOf(em, ProcessedEventEntity, raw, ['eventId']).map((row) => row.eventId));
  }

  /** Adds to many counters in one statement; each (service, metric, month) at most once. */
  async incrementMany(
    em: EntityManager,
    tenantId: string,
    counts: Array<{ service: string; metric: string; month: string; by: number }>,
  ): Promise<void> {
    if (counts.length === 0) return;
    await em.query(
      `INSERT INTO catalogue_usage_monthly (tenant_id, service, metric, month, count)
       SELECT $1, service, metric, month, count FROM unnest($2::text[], $3::text[], $4::date[], $5::bigint[]) AS c(service, metric, month, count)
       ON CONFLICT (tenant_id, service, metric, month)
       DO UPDATE SET count = catalogue_usage_monthly.count + EXCLUDED.count, updated_at = now()`,
      [tenantId, counts.map((c) => c.service), counts.map((c) => c.metric), counts.map((c) => c.month), counts.map((c) => c.by)],
    );
  }

  async increment(em: EntityManager, tenantId: string, service: string, metric: string, month: string, by: number): Promise<void> {
    await this.incrementMany(em, tenantId, [{ service, metric, month, by }]);
  }

  /** Demo seeding: sets a month's figure unless the month already has one (restarts change nothing). */
  async insertIfAbsent(em: EntityManager, tenantId: string, service: string, metric: string, month: string, count: number): Promise<void> {
    await em.query(
      `INSERT INTO catalogue_usage_monthly (tenant_id, service, metric, month, count) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, service, metric, month) DO NOTHING`,
      [tenantId, service, metric, month, count],
    );
  }

  /** One tenant's own usage (inside its context). */
  async forTenant(em: EntityManager, tenantId: string): Promise<UsageFigure[]> {
    const rows = await selectRows(
      em,
      UsageMonthlyEntity,
      FIGURE,
      `FROM catalogue_usage_monthly WHERE tenant_id = $1 ORDER BY service, metric, month`,
      [tenantId],
    );
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  /**
   * Every municipality's usage between two months: through the aggregate-only function, which
   * suppresses small cells (count 0, suppressed true; see disclosure.ts).
   */
  async acrossTenants(em: Pick<EntityManager, 'query' | 'connection'>, from: string, to: string): Promise<UsageFigure[]> {
    // The function returns the table's columns (count null when suppressed): read as the table's rows.
    const rows = await selectRows(
      em,
      UsageMonthlyEntity,
      FIGURE,
      `FROM catalogue_usage_between($1::date, $2::date) ORDER BY tenant_id, service, metric, month`,
      [from, to],
    );
    return rows.map((row) =>
      row.count === null ? { ...row, count: 0, suppressed: true } : { ...row, count: Number(row.count), suppressed: false },
    );
  }
}
