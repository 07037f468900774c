import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as ipaddr from 'ipaddr.js';
import { Webhook } from 'standardwebhooks';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { updatedRows } from './rows';
import { guardedLookup, isAllowedAddress, WebhookEnvironment } from './target-policy';

/**
 * Waits before each retry (Standard Webhooks' suggested schedule): 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h. Eight attempts over 27 h 35 min, so a receiver down for a day still gets the event.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export interface WebhookDeliveryOptions {
  env: WebhookEnvironment;
  /** Wait before retry n is entry n-1; after the last retry fails the delivery is FAILED and its subscription disabled. */
  retryScheduleMs?: readonly number[];
  /** How long one delivery may take, connection to last byte (default 10 s). */
  timeoutMs?: number;
  /** How long a claimed delivery is held before another worker may take it (longer than the timeout). */
  leaseMs?: number;
  /** Deliveries of one subscription sent at once; none more until they are settled. */
  perSubscription?: number;
  /** Deliveries in flight per process at most. */
  maxInFlight?: number;
  onError?: (error: Error, context: { tenantId: string; step: string }) => void;
}

interface Claimed {
  id: string;
  subscription_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/** A sent delivery waiting for its outcome to be recorded. */
interface Settled {
  claimId: string;
  row: Claimed;
  outcome: Outcome;
  attempt: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Sends queued webhook deliveries. Each round asks which municipalities have deliveries due (tenant
 * ids only), then per municipality claims due rows with FOR UPDATE SKIP LOCKED and leases them
 * (claim_id, next_attempt_at), at most `perSubscription` of a subscription and none of one that
 * still has deliveries in flight. The requests run outside any transaction, each with its own
 * timeout, and the loop does not wait for them before the next round: a slow receiver holds only
 * its own subscription's deliveries, never another's or another municipality's. A result is
 * recorded only while the claim is still held; a worker that dies leaves its lease to expire.
 * Outcomes are recorded together, one transaction per municipality for what settled meanwhile.
 */
export class WebhookDeliveryWorker {
  private readonly schedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly perSubscription: number;
  private readonly maxInFlight: number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private running = false;
  private timerDue = 0;
  private intervalMs = 500;
  /** A round was asked for while one ran: the next starts at once. */
  private again = false;
  /** Outcomes waiting to be recorded, by tenant: written together, one transaction per tenant. */
  private outcomes = new Map<string, Settled[]>();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.schedule = options.retryScheduleMs ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? Math.max(60_000, this.timeoutMs * 3);
    this.perSubscription = options.perSubscription ?? 10;
    this.maxInFlight = options.maxInFlight ?? 200;
  }

  /** One round, waiting for its sends: how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    const sends = await this.claimAndSend();
    await Promise.all(sends);
    return sends.length;
  }

  /** Rounds until nothing is due now (deliveries in backoff wait for a later round). */
  async drain(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const sent = await this.runOnce();
      total += sent;
      if (sent === 0) break;
    }
    return total;
  }

  /**
   * Claims rounds until stop(), without waiting for the sends of earlier rounds: at once again
   * after a round that claimed something or when deliveries settle (their subscriptions may take
   * more), else every `intervalMs`.
   */
  start(intervalMs = 500): void {
    this.intervalMs = intervalMs;
    this.running = true;
    this.wake(0);
  }

  /** Stops claiming and waits for the deliveries in flight (each ends by its timeout at the latest) and their records. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.all([...this.inFlight]);
    await this.flushing;
  }

  private wake(delayMs: number): void {
    if (!this.running) return;
    if (this.ticking) {
      if (delayMs === 0) this.again = true;
      return;
    }
    // A round already due sooner stays as it is.
    if (this.timer && this.timerDue <= Date.now() + delayMs) return;
    clearTimeout(this.timer);
    this.timerDue = Date.now() + delayMs;
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.timer = undefined;
    this.ticking = this.claimAndSend()
      .then(
        (sends) => sends.length,
        (error: unknown) => {
          this.options.onError?.(error instanceof Error ? error : new Error(String(error)), { tenantId: '-', step: 'webhook-round' });
          return 0;
        },
      )
      .then((claimed) => {
        const soon = claimed > 0 || this.again;
        this.ticking = undefined;
        this.again = false;
        this.wake(soon ? 0 : this.intervalMs);
      });
  }

  private async claimAndSend(): Promise<Array<Promise<void>>> {
    const due: Array<{ id: string }> = await this.database.dataSource.query(`SELECT t AS id FROM webhook_tenants_with_due_deliveries() t`);
    const sends: Array<Promise<void>> = [];
    for (const { id: tenantId } of due) {
      const room = this.maxInFlight - this.inFlight.size;
      if (room <= 0) break;
      let claimed: { claimId: string; rows: Claimed[] };
      try {
        claimed = await this.claim(tenantId, room);
      } catch (error) {
        this.options.onError?.(error as Error, { tenantId, step: 'webhook-claim' });
        continue;
      }
      for (const row of claimed.rows) {
        const send = this.deliver(tenantId, claimed.claimId, row).catch((error: Error) =>
          this.options.onError?.(error, { tenantId, step: 'webhook-record' }),
        );
        this.inFlight.add(send);
        void send.finally(() => this.inFlight.delete(send));
        sends.push(send);
      }
    }
    return sends;
  }

  private inTenant<T>(tenantId: string, work: Parameters<Database['transaction']>[0]): Promise<T> {
    return requestContext.run({ requestId: `webhooks-${tenantId}`, tenantId }, () => this.database.transaction(work)) as Promise<T>;
  }

  private async claim(tenantId: string, limit: number): Promise<{ claimId: string; rows: Claimed[] }> {
    const claimId = randomUUID();
    const rows = await this.inTenant<Claimed[]>(tenantId, async (em) =>
      updatedRows<Claimed>(
        await em.query(
          `UPDATE webhook_delivery d SET claim_id = $2, next_attempt_at = now() + make_interval(secs => $3)
           FROM webhook_subscription s
          WHERE d.tenant_id = $1 AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id AND s.status = 'ACTIVE'
            AND d.id IN (
              SELECT ranked.id FROM (
                SELECT due.id, due.subscription_id, row_number() OVER (PARTITION BY due.subscription_id ORDER BY due.next_attempt_at, due.created_at) AS n
                  FROM (SELECT id, subscription_id, next_attempt_at, created_at FROM webhook_delivery
                         WHERE tenant_id = $1 AND status = 'PENDING' AND next_attempt_at <= now()
                         ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) due) ranked
               WHERE ranked.n <= $5
                 AND NOT EXISTS (SELECT 1 FROM webhook_delivery f WHERE f.tenant_id = $1 AND f.subscription_id = ranked.subscription_id
                                    AND f.status = 'PENDING' AND f.claim_id IS NOT NULL AND f.next_attempt_at > now()))
          RETURNING d.id, d.subscription_id, d.event_type, d.body, d.attempts, s.url, s.secret`,
          [tenantId, claimId, this.leaseMs / 1000, Math.max(limit * 4, 100), Math.min(this.perSubscription, limit)],
        ),
      ),
    );
    return { claimId, rows: rows.slice(0, limit) };
  }

  private async deliver(tenantId: string, claimId: string, row: Claimed): Promise<void> {
    const outcome = await this.post(row);
    await new Promise<void>((resolve, reject) => {
      const queued = this.outcomes.get(tenantId) ?? [];
      queued.push({ claimId, row, outcome, attempt: row.attempts + 1, resolve, reject });
      this.outcomes.set(tenantId, queued);
      this.scheduleFlush();
    });
  }

  /**
   * Records what is queued once the record before has been written: under load many outcomes go
   * in a few statements (a transaction per delivery cost more than the request), while one
   * outcome alone is written at once. Each delivery's promise settles with its record.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.flushing = this.flushing.then(async () => {
      this.flushScheduled = false;
      const batches = [...this.outcomes];
      this.outcomes = new Map();
      await Promise.all(
        batches.map(([tenantId, settled]) =>
          this.record(tenantId, settled).then(
            () => settled.forEach((s) => s.resolve()),
            (error: Error) => settled.forEach((s) => s.reject(error)),
          ),
        ),
      );
      // Their subscriptions have nothing in flight now: the next round may claim for them.
      this.wake(0);
    });
  }

  /** One tenant's outcomes in one transaction; a result counts only while its claim is still held. */
  private async record(tenantId: string, settled: Settled[]): Promise<void> {
    const delivered = settled.filter((s) => s.outcome.error === null);
    const retried = settled.filter((s) => s.outcome.error !== null && this.schedule[s.attempt - 1] !== undefined);
    const spent = settled.filter((s) => s.outcome.error !== null && this.schedule[s.attempt - 1] === undefined);
    await this.inTenant(tenantId, async (em) => {
      if (delivered.length)
        await em.query(
          `UPDATE webhook_delivery d SET status = 'DELIVERED', attempts = u.attempt, delivered_at = now(), last_attempt_at = now(), last_status_code = u.code, last_error = NULL, claim_id = NULL
             FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[]) AS u(id, claim, attempt, code)
            WHERE d.tenant_id = $1 AND d.id = u.id AND d.claim_id = u.claim`,
          [
            tenantId,
            delivered.map((s) => s.row.id),
            delivered.map((s) => s.claimId),
            delivered.map((s) => s.attempt),
            delivered.map((s) => s.outcome.statusCode),
          ],
        );
      if (retried.length)
        await em.query(
          `UPDATE webhook_delivery d SET attempts = u.attempt, last_attempt_at = now(), last_status_code = u.code, last_error = u.error, claim_id = NULL, next_attempt_at = now() + make_interval(secs => u.wait)
             FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::text[], $7::float8[]) AS u(id, claim, attempt, code, error, wait)
            WHERE d.tenant_id = $1 AND d.id = u.id AND d.claim_id = u.claim`,
          [
            tenantId,
            retried.map((s) => s.row.id),
            retried.map((s) => s.claimId),
            retried.map((s) => s.attempt),
            retried.map((s) => s.outcome.statusCode),
            retried.map((s) => s.outcome.error),
            retried.map((s) => this.schedule[s.attempt - 1] / 1000),
          ],
        );
      for (const { row, claimId, attempt, outcome } of spent) {
        // The schedule is spent: the delivery is FAILED and the subscription disabled with the reason,
        // its other deliveries parked until its admin enables it again (and replays, if need be).
        const [failed] = updatedRows(
          await em.query(
            `UPDATE webhook_delivery SET status = 'FAILED', attempts = $4, last_attempt_at = now(), last_status_code = $5, last_error = $6, claim_id = NULL
            WHERE tenant_id = $1 AND id = $2 AND claim_id = $3 RETURNING id`,
            [tenantId, row.id, claimId, attempt, outcome.statusCode, outcome.error],
          ),
        );
        if (!failed) continue;
        const reason = `Delivery ${row.id} (${row.event_type}) failed on all ${attempt} attempts over ${formatDuration(this.schedule.reduce((a, b) => a + b, 0))}; the last: ${outcome.error}`;
        await em.query(
          `UPDATE webhook_subscription SET status = 'DISABLED', disabled_reason = $3, disabled_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'ACTIVE'`,
          [tenantId, row.subscription_id, reason.slice(0, 2000)],
        );
        await em.query(
          `UPDATE webhook_delivery SET next_attempt_at = 'infinity' WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING' AND claim_id IS NULL`,
          [tenantId, row.subscription_id],
        );
      }
    });
  }

  /** One signed POST (Standard Webhooks headers, structured CloudEvent body); any 2xx is success. */
  private post(row: Claimed): Promise<Outcome> {
    const url = new URL(row.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal address is connected to without a lookup: check it here.
    if (ipaddr.isValid(host) && !isAllowedAddress(host, this.options.env)) {
      return Promise.resolve({ statusCode: null, error: `${host} is an internal address: refused` });
    }
    const sentAt = new Date();
    const headers = {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'user-agent': 'Kommuna-Webhooks/1',
      'webhook-id': row.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(row.secret).sign(row.id, sentAt, row.body),
      'content-length': String(Buffer.byteLength(row.body)),
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Outcome>((resolve) => {
      const request = client.request(
        url,
        { method: 'POST', headers, lookup: guardedLookup(this.options.env), signal: AbortSignal.timeout(this.timeoutMs) },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          // The body is not read, only drained: a receiver's answer means nothing but its status.
          response.resume();
          response.on('end', () => resolve({ statusCode, error: statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}` }));
          response.on('error', (error) => resolve({ statusCode, error: error.message }));
        },
      );
      request.on('error', (error: Error & { code?: string }) => {
        const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR';
        resolve({
          statusCode: null,
          error: timedOut
            ? `no answer within ${this.timeoutMs} ms`
            : `${error.code ? `${error.code}: ` : ''}${error.message}`.slice(0, 500),
        });
      });
      request.end(row.body);
    });
  }
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
