import type { EntityManager } from 'typeorm';

export interface UsageRow {
  tenantId: string;
  service: string;
  metric: string;
  /** YYYY-MM-01 */
  month: string;
  count: number;
}


// Dates are read as text: node-pg would turn a date into a Date at local midnight.

/** Thin data access for metered usage; every statement names its tenant (DESIGN.md §2). */
export class UsageRepository {
  /** Records that an event was counted; false when it already was (a redelivery). */
  async markProcessed(em: EntityManager, tenantId: string, eventId: string): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO catalogue_processed_event (tenant_id, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [tenantId, eventId],
    );
    return rows.length === 1;
  }

  async increment(em: EntityManager, tenantId: string, service: string, metric: string, month: string, by: number): Promise<void> {
    await em.query(
      `INSERT INTO catalogue_usage_monthly (tenant_id, service, metric, month, count) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, service, metric, month)
       DO UPDATE SET count = catalogue_usage_monthly.count + EXCLUDED.count, updated_at = now()`,
      [tenantId, service, metric, month, by],
    );
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
  async forTenant(em: EntityManager, tenantId: string): Promise<UsageRow[]> {
    const rows = await em.query(
      `SELECT tenant_id, service, metric, to_char(month, 'YYYY-MM-DD') AS month, count FROM catalogue_usage_monthly WHERE tenant_id = $1 ORDER BY service, metric, month`,
      [tenantId],
    );
    return rows.map(toUsageRow);
  }

  /** Every municipality's usage between two months: through the aggregate-only function. */
  async acrossTenants(query: Pick<EntityManager, 'query'>, from: string, to: string): Promise<UsageRow[]> {
    const rows = await query.query(
      `SELECT tenant_id, service, metric, to_char(month, 'YYYY-MM-DD') AS month, count FROM catalogue_usage_between($1::date, $2::date) ORDER BY tenant_id, service, metric, month`,
      [from, to],
    );
    return rows.map(toUsageRow);
  }
}

function toUsageRow(row: Record<string, unknown>): UsageRow {
  return {
    tenantId: String(row.tenant_id),
    service: String(row.service),
    metric: String(row.metric),
    month: String(row.month),
    count: Number(row.count),
  };
}
