import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The platform's Prometheus metrics, one registry per process (api, worker), served at /metrics.
 * Every label has a bounded set of values: municipality slugs come from the tenant files,
 * operations from the schema and route table, statuses from fixed lists, never from callers.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  private readonly slugs = new Map<string, string>();

  readonly requests = new Counter({
    name: 'kommuna_requests_total',
    help: 'Requests answered, per municipality, operation and HTTP status',
    labelNames: ['tenant', 'operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'kommuna_request_duration_seconds',
    help: 'Time to answer a request, per municipality and operation',
    labelNames: ['tenant', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly outboxLag = new Histogram({
    name: 'kommuna_outbox_lag_seconds',
    help: 'Time from an event being recorded to its handlers having run, per municipality',
    labelNames: ['tenant'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600],
    registers: [this.registry],
  });

  readonly outboxFailures = new Counter({
    name: 'kommuna_outbox_failures_total',
    help: 'Outbox deliveries that failed and will be retried, per municipality and handler',
    labelNames: ['tenant', 'handler'] as const,
    registers: [this.registry],
  });

  readonly mailDeliveries = new Counter({
    name: 'kommuna_mail_deliveries_total',
    help: 'Digital-mail delivery status changes, per municipality, status and channel',
    labelNames: ['tenant', 'status', 'channel'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'kommuna_' });
      this.dropGaugesEndingInTotal();
    }
  }

  /**
   * prom-client's default metrics include gauges named nodejs_active_*_total, the sums of the
   * per-type gauges nodejs_active_handles/resources/requests beside them; `_total` is for counters
   * only (promtool check metrics refuses them). They go: sum() over the per-type gauge gives the same.
   */
  private dropGaugesEndingInTotal(): void {
    for (const metric of this.registry.getMetricsAsArray()) {
      const name = (metric as unknown as { name: string }).name;
      if (metric instanceof Gauge && name.endsWith('_total')) this.registry.removeSingleMetric(name);
    }
  }

  /** The municipalities this process serves: ids become their slugs in labels. */
  setTenants(tenants: Array<{ id: string; slug: string }>): void {
    this.slugs.clear();
    for (const tenant of tenants) this.slugs.set(tenant.id, tenant.slug);
  }

  /** The label of a municipality: its slug, `none` when no municipality, `unknown` otherwise. */
  tenantLabel(tenantId: string | undefined): string {
    if (!tenantId) return 'none';
    return this.slugs.get(tenantId) ?? 'unknown';
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The process's metrics; libraries record into it, the app serves it. */
export const platformMetrics = new PlatformMetrics();
