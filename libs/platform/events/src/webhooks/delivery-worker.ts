import { createHmac, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as ipaddr from 'ipaddr.js';
import { FairTenantRounds, LeaseQueue, returnedRows } from '@kommuna/platform-jobs';
import { Database, RawRow, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from './entities';
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
  /** How long a claimed delivery is held before another worker may take it (renewed while it waits or is sent). */
  leaseMs?: number;
  /** Requests to one subscription at once (default 10). */
  perSubscription?: number;
  /** Requests in flight per process at most (default 200). */
  maxInFlight?: number;
  /**
   * Deliveries handed over by the fan-out in this process (WebhookFanOut's `handOverTo`) held at
   * most (default 20,000, about 20 MB of bodies); a lane is handed at most about twenty seconds of
   * its sending, so a worker holds no more than it sends in that time.
   */
  maxHandedOver?: number;
  /** Deliveries claimed per municipality per round at most (default 200). */
  batchSize?: number;
  /** Municipalities claimed for side by side in a round (default 4). */
  tenantConcurrency?: number;
  /** The clock; tests move it instead of waiting out a backoff. */
  now?: () => Date;
  onError?: (error: Error, context: { tenantId: string; step: string }) => void;
}

/** A subscription's columns its deliveries are sent with. */
const TARGET_COLUMNS = ['id', 'url', 'secret'] as const;

/** How long a subscription's URL and key are used before they are read again. */
const TARGET_CACHE_MS = 5_000;

/** A delivery as a claim returns it; its body is read from the event log. */
type ClaimedRow = Pick<WebhookDeliveryEntity, 'id' | 'subscriptionId' | 'eventId' | 'attempts'>;

/** A claimed or handed-over delivery: what its request needs. */
export interface HeldDelivery extends Pick<WebhookDeliveryEntity, 'id' | 'subscriptionId' | 'attempts'> {
  /** The structured-mode CloudEvent (the event log's body). */
  body: string;
}

/**
 * What the fan-out may hand over now (WebhookDeliveryWorker.handOverRoom): the lease its
 * deliveries are written under, and how many each subscription's lane may take.
 */
export interface HandOverRoom {
  leaseId: string;
  leaseUntil: Date;
  /** Room in the lanes of subscriptions this worker has seen. */
  rooms: Map<string, number>;
  /** Room for a subscription not seen yet (its receiver's speed unknown). */
  unknownRoom: number;
  /** Deliveries the hand-over may hold in all. */
  total: number;
}

/**
 * How much of a lane's sending a hand-over may give it: about twenty seconds' worth, a third of
 * the default lease. Beyond that a backlog waits in the queue, where any worker may claim it.
 */
const HAND_OVER_HORIZON_MS = 20_000;

/** A delivery whose retry schedule is spent, as the record returns it. */
const FAILED_COLUMNS = ['id', 'subscriptionId', 'eventType', 'attempts', 'lastError'] as const;

/**
 * Where a subscription's deliveries go and the key they are signed with, worked out once per
 * reading of the subscription rather than per request: the URL's request options, and whether its
 * host is a literal address the platform may not connect to.
 */
interface Target {
  key: Buffer;
  secure: boolean;
  request: Pick<http.RequestOptions, 'protocol' | 'hostname' | 'port' | 'path'>;
  /** Why every request to it is refused (a literal internal address), or null. */
  refused: string | null;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/** A claimed or handed-over delivery in the process: waiting its turn in its subscription's lane, or being sent. */
interface Job {
  tenantId: string;
  claimId: string;
  row: HeldDelivery;
  /** Handed over by the fan-out (counted against maxHandedOver, not the claims' limit). */
  handedOver: boolean;
  target: Target;
  /** Its claim's or hand-over's count of deliveries still to be recorded. */
  recorded: Recording;
}

/**
 * The deliveries of one claim or hand-over still to be recorded: one counter and one promise for
 * them all (not a promise per delivery), settled with the record failures once every delivery is
 * recorded, or dropped because its subscription is gone.
 */
class Recording {
  private left: number;
  private readonly failures = new Set<Error>();
  private resolve!: (failures: Error[]) => void;
  readonly done = new Promise<Error[]>((resolve) => (this.resolve = resolve));

  constructor(count: number) {
    this.left = count;
    if (count === 0) this.resolve([]);
  }

  /** One delivery recorded (or, with `failure`, its record failed). */
  settle(failure?: Error): void {
    if (failure) this.failures.add(failure);
    if (--this.left === 0) this.resolve([...this.failures]);
  }
}

/** What a worker has done since it was made: its claims and records, and the time they took (for the benchmark and operators). */
export interface WebhookDeliveryStatistics {
  claims: number;
  claimedDeliveries: number;
  claimMs: number;
  /** Record statements (one per municipality per flush) and the outcomes they recorded. */
  records: number;
  recordedOutcomes: number;
  recordMs: number;
  /** Deliveries the fan-out handed over (never claimed). */
  handedOver: number;
}

/** One subscription's deliveries in this process: those waiting and the number being sent. */
interface Lane {
  waiting: Job[];
  sending: number;
}

/** A sent delivery waiting for its outcome to be recorded. */
interface Settled {
  job: Job;
  outcome: Outcome;
  attempt: number;
}

/**
 * Sends queued webhook deliveries (docs/architecture.md#events-and-background-work). Deliveries are
 * the jobs of a LeaseQueue over webhook_delivery: each round asks which municipalities have
 * deliveries due (tenant ids only) and gives each one claim (FairTenantRounds: rotating order,
 * several at once), leasing due rows of active subscriptions: of one subscription, at most its lane's
 * depth (`2 × perSubscription` for a slow or new receiver, more for a quick one), and none while
 * its lane holds that many. The
 * claimed deliveries go into their subscription's lane, which sends `perSubscription` at a time
 * outside any transaction, each request with its own timeout, while the claim's lease is renewed;
 * the loop claims again without waiting for them. So a slow receiver holds only its own lane,
 * never another subscription's or another municipality's deliveries.
 *
 * Outcomes are recorded together, per municipality, in one statement for whatever settled
 * meanwhile, and only where the claim still holds; a worker that dies leaves its lease to expire
 * and the deliveries are sent again under the same webhook-id.
 */
export class WebhookDeliveryWorker {
  private readonly schedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly perSubscription: number;
  private readonly maxInFlight: number;
  private readonly maxHeld: number;
  private readonly batchSize: number;
  private readonly maxHandedOver: number;
  private readonly queue: LeaseQueue<ClaimedRow>;
  private readonly rounds: FairTenantRounds;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly lookup: ReturnType<typeof guardedLookup>;
  private readonly lanes = new Map<string, Lane>();
  private readonly targets = new Map<string, { target: Target; until: number }>();
  /** Each subscription's recent answer time (moving average), for its lane's depth. */
  private readonly latencyMs = new Map<string, number>();
  /** The depth of a lane whose receiver is slow or not yet known: two rounds of requests. */
  private readonly shallow: number;
  /** Deliveries claimed and not yet settled, likewise handed over, and of all those, the ones being sent. */
  private held = 0;
  private handedHeld = 0;
  private sending = 0;
  /** Each claim's work (its sends and records, under a renewed lease). */
  private readonly claims = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  /** Municipalities with a claim under way in the running loop, and those claims. */
  private readonly claiming = new Set<string>();
  private readonly claimsStarting = new Set<Promise<void>>();
  private readonly tenantConcurrency: number;
  private running = false;
  private timerDue = 0;
  private intervalMs = 500;
  /** A round was asked for while one ran: the next starts at once. */
  private again = false;
  /** Outcomes waiting to be recorded, by tenant: written together, one statement per tenant. */
  private outcomes = new Map<string, Settled[]>();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly counts: WebhookDeliveryStatistics = {
    claims: 0,
    claimedDeliveries: 0,
    claimMs: 0,
    records: 0,
    recordedOutcomes: 0,
    recordMs: 0,
    handedOver: 0,
  };

  constructor(
    private readonly database: Database,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.schedule = options.retryScheduleMs ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.perSubscription = options.perSubscription ?? 10;
    this.maxInFlight = options.maxInFlight ?? 200;
    // Claimed deliveries wait in their lanes while others are sent (three times the requests in
    // flight), so a lane has its next ones at hand when a request settles, not after a claim.
    this.maxHeld = this.maxInFlight * 3;
    this.batchSize = options.batchSize ?? 200;
    this.maxHandedOver = options.maxHandedOver ?? 20_000;
    this.shallow = 2 * this.perSubscription;
    this.queue = new LeaseQueue<ClaimedRow>(
      database,
      {
        table: 'webhook_delivery',
        key: 'id',
        returning: ['subscription_id', 'event_id', 'attempts'],
        entity: WebhookDeliveryEntity,
        order: 'next_attempt_at, created_at',
      },
      // Claims and records commit without waiting for the WAL flush: one lost in a database crash
      // means a delivery sent again under its webhook-id, which receivers must bear anyway.
      { now: options.now, leaseMs: options.leaseMs ?? Math.max(60_000, this.timeoutMs * 3), asyncCommit: true },
    );
    this.tenantConcurrency = Math.max(1, options.tenantConcurrency ?? 4);
    this.rounds = new FairTenantRounds({ label: 'webhooks', concurrency: this.tenantConcurrency });
    // Connections are kept and reused, as many per receiver as requests may be in flight: a
    // delivery does not pay for a new connection, nor wait for one while the lanes have room.
    const agent = { keepAlive: true, maxSockets: this.maxInFlight, scheduling: 'lifo' as const };
    this.agents = { http: new http.Agent(agent), https: new https.Agent(agent) };
    this.lookup = guardedLookup(options.env);
  }

  statistics(): WebhookDeliveryStatistics {
    return { ...this.counts };
  }

  /** One round, waiting for its sends and their records: how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    const before = new Set(this.claims);
    const claimed = await this.round();
    await Promise.all([...this.claims].filter((claim) => !before.has(claim)));
    return claimed;
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
   * after a round that claimed something or when deliveries settle (their lanes have room),
   * else every `intervalMs`.
   */
  start(intervalMs = 500): void {
    this.intervalMs = intervalMs;
    this.running = true;
    this.wake(0);
  }

  /** Stops claiming and waits for the deliveries held (each request ends by its timeout at the latest) and their records. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.all([...this.claimsStarting]);
    await Promise.all([...this.claims]);
    await this.flushing;
    this.agents.http.destroy();
    this.agents.https.destroy();
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
    this.ticking = this.launch()
      .catch((error: unknown) => {
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)), { tenantId: '-', step: 'webhook-round' });
      })
      .then(() => {
        this.ticking = undefined;
        const soon = this.again;
        this.again = false;
        // A claim in flight wakes the loop when it ends; with none, the loop polls.
        if (soon) this.wake(0);
        else if (this.claiming.size === 0) this.wake(this.intervalMs);
      });
  }

  /**
   * The running loop's step: starts a claim for due municipalities, in FairTenantRounds' rotating
   * order, while fewer than `tenantConcurrency` claims are under way, without waiting for them: a
   * claim that ends starts the next step, so claims follow each other with no round to wait out.
   */
  private async launch(): Promise<void> {
    const free = this.tenantConcurrency - this.claiming.size;
    if (free <= 0 || this.held >= this.maxHeld) return;
    const due = await this.due();
    const order = this.rounds
      .order([...due.keys()])
      .filter((id) => !this.claiming.has(id))
      .slice(0, free);
    for (const tenantId of order) {
      this.claiming.add(tenantId);
      const claiming = requestContext
        .run({ requestId: `webhooks-${tenantId}`, tenantId }, () => this.claim(tenantId, due.get(tenantId) === true))
        .catch((error: Error) => {
          this.options.onError?.(error, { tenantId, step: 'webhook-claim' });
          return 0;
        })
        .then((claimed) => {
          this.claiming.delete(tenantId);
          // More may be due at once; a claim that found nothing waits for a lane to empty or the interval.
          if (claimed > 0) this.wake(0);
          else if (this.claiming.size === 0) this.wake(this.intervalMs);
        });
      this.claimsStarting.add(claiming);
      void claiming.finally(() => this.claimsStarting.delete(claiming));
    }
  }

  /** A round for runOnce: every municipality with deliveries due gets one claim, while the process has room; how many were claimed. */
  private async round(): Promise<number> {
    if (this.held >= this.maxHeld) return 0;
    const due = await this.due();
    const claimed = await this.rounds.run([...due.keys()], async (tenantId) => {
      try {
        return await this.claim(tenantId, due.get(tenantId) === true);
      } catch (error) {
        this.options.onError?.(error as Error, { tenantId, step: 'webhook-claim' });
        return 0;
      }
    });
    return claimed.reduce((sum, n) => sum + n, 0);
  }

  /** The municipalities with deliveries due, each with whether a hand-over's lease of theirs has run out (tenant ids only). */
  private async due(): Promise<Map<string, boolean>> {
    const rows: Array<{ id: string; hand_over_expired: boolean }> = await this.database.dataSource.query(
      `SELECT id, hand_over_expired FROM webhook_tenants_with_due_deliveries()`,
    );
    return new Map(rows.map((row) => [row.id, row.hand_over_expired]));
  }

  /**
   * One municipality's claim (in its tenant context, from FairTenantRounds), handed to the lanes.
   * First, when a hand-over's lease of theirs has run out, its unrecorded deliveries go back in the queue.
   */
  private async claim(tenantId: string, handOverExpired = false): Promise<number> {
    if (handOverExpired) await this.putBack(tenantId);
    const limit = Math.min(this.batchSize, this.maxHeld - this.held);
    if (limit <= 0) return 0;
    // Subscriptions whose lanes hold enough are left to the next rounds (or other workers); those
    // known to answer quickly are claimed for more deeply.
    const busy = [...this.lanes].filter(([id, lane]) => this.full(id, lane)).map(([id]) => id);
    const quick = [...this.latencyMs.keys()].filter((id) => this.depth(id) > this.shallow);
    const started = performance.now();
    const bodies = new Map<string, string>();
    const claimed = await this.queue.claim(
      tenantId,
      (param) =>
        `status = 'PENDING' AND subscription_id <> ALL(${param(busy)}::uuid[])
         AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.tenant_id = webhook_delivery.tenant_id AND s.id = webhook_delivery.subscription_id AND s.status = 'ACTIVE')`,
      limit,
      // The bodies from the event log, once per event, in the claim's snapshot.
      async (em, keys) => {
        const events: Array<{ id: string; body: string }> = await em.query(
          `SELECT e.id, e.body FROM webhook_event e
            WHERE e.tenant_id = $1 AND e.id IN (SELECT d.event_id FROM webhook_delivery d WHERE d.tenant_id = $1 AND d.id = ANY($2::uuid[]))`,
          [tenantId, keys],
        );
        for (const event of events) bodies.set(event.id, event.body);
      },
      {
        column: 'subscription_id',
        limit: this.shallow,
        raised: quick.length ? { groups: quick, limit: Math.max(...quick.map((id) => this.depth(id))) } : undefined,
      },
    );
    // A delivery whose event left the log (it never should while the delivery is pending) fails with the reason.
    const claim = {
      claimId: claimed.claimId,
      rows: claimed.rows.map((row) => ({
        id: row.id,
        subscriptionId: row.subscriptionId,
        attempts: row.attempts,
        body: bodies.get(row.eventId) ?? '',
      })),
    };
    this.counts.claims++;
    this.counts.claimedDeliveries += claim.rows.length;
    this.counts.claimMs += performance.now() - started;
    if (claim.rows.length === 0) return 0;
    this.held += claim.rows.length;
    let targets: Map<string, Target>;
    try {
      targets = await this.targetsOf(tenantId, [...new Set(claim.rows.map((row) => row.subscriptionId))]);
    } catch (error) {
      // Left to their lease: claimed again once it runs out.
      this.held -= claim.rows.length;
      throw error;
    }
    const recorded = this.enqueueRows(tenantId, claim.claimId, claim.rows, targets, false);
    const work = this.queue
      .whileHeld(tenantId, claimed, () => recorded)
      .then((failures) => {
        for (const failure of failures) this.options.onError?.(failure, { tenantId, step: 'webhook-record' });
      });
    this.claims.add(work);
    void work.finally(() => this.claims.delete(work));
    return claim.rows.length;
  }

  /**
   * What the fan-out in this process may hand over now, or undefined while the worker is not
   * running (or holds all it may). Each subscription's lane gets at most about twenty seconds of its
   * sending at the answer times seen lately, one not seen yet two rounds of requests (as a claim
   * takes of a slow receiver), so a slow receiver is handed little and the rest waits in the queue.
   */
  handOverRoom(): HandOverRoom | undefined {
    const total = this.maxHandedOver - this.handedHeld;
    if (!this.running || total <= 0) return undefined;
    const rooms = new Map<string, number>();
    for (const id of new Set([...this.lanes.keys(), ...this.latencyMs.keys()])) {
      const lane = this.lanes.get(id);
      const latency = this.latencyMs.get(id);
      const depth =
        latency === undefined
          ? this.shallow
          : Math.max(this.shallow, Math.round((this.perSubscription * HAND_OVER_HORIZON_MS) / Math.max(latency, 1)));
      rooms.set(id, Math.max(0, depth - (lane ? lane.waiting.length + lane.sending : 0)));
    }
    return {
      leaseId: randomUUID(),
      leaseUntil: new Date(this.queue.now().getTime() + this.queue.leaseMs),
      rooms,
      unknownRoom: this.shallow,
      total,
    };
  }

  /**
   * Takes the deliveries a fan-out wrote under a hand-over's lease (after its transaction
   * committed) into their lanes, as a claim's, and renews the lease while they are sent. Once all
   * are recorded the lease goes; should any record fail, the lease is left to run out and the
   * deliveries go back in the queue. A worker that has stopped puts them back at once.
   */
  takeHandOver(tenantId: string, leaseId: string, rows: HeldDelivery[]): void {
    if (rows.length === 0) return;
    this.counts.handedOver += rows.length;
    const work = requestContext
      .run({ requestId: `webhooks-${tenantId}`, tenantId }, async () => {
        if (!this.running) return this.putBack(tenantId, leaseId);
        this.handedHeld += rows.length;
        let targets: Map<string, Target>;
        try {
          targets = await this.targetsOf(tenantId, [...new Set(rows.map((row) => row.subscriptionId))]);
        } catch (error) {
          this.handedHeld -= rows.length;
          await this.putBack(tenantId, leaseId);
          throw error;
        }
        const recorded = this.enqueueRows(tenantId, leaseId, rows, targets, true);
        const renewal = setInterval(
          () => void this.renewHandOver(tenantId, leaseId).catch(() => undefined),
          Math.max(10, Math.floor(this.queue.leaseMs / 3)),
        );
        let failed: Error[];
        try {
          failed = await recorded;
        } finally {
          clearInterval(renewal);
        }
        for (const failure of failed) this.options.onError?.(failure, { tenantId, step: 'webhook-record' });
        if (failed.length === 0)
          await this.database.transaction((em) =>
            em.query(`DELETE FROM webhook_hand_over WHERE tenant_id = $1 AND id = $2`, [tenantId, leaseId]),
          );
      })
      .catch((error: Error) => this.options.onError?.(error, { tenantId, step: 'webhook-hand-over' }));
    this.claims.add(work);
    void work.finally(() => this.claims.delete(work));
  }

  /**
   * A claim's or hand-over's deliveries into their subscriptions' lanes; one whose subscription
   * is gone (deleted with its deliveries since) is dropped. Settles once all are recorded, with
   * the record failures.
   */
  private enqueueRows(
    tenantId: string,
    claimId: string,
    rows: HeldDelivery[],
    targets: Map<string, Target>,
    handedOver: boolean,
  ): Promise<Error[]> {
    const recorded = new Recording(rows.length);
    for (const row of rows) {
      const target = targets.get(row.subscriptionId);
      if (target) {
        this.enqueue({ tenantId, claimId, row, target, handedOver, recorded });
        continue;
      }
      // Deleted since the claim or the fan-out, with its deliveries: nothing to send.
      if (handedOver) this.handedHeld--;
      else this.held--;
      recorded.settle();
    }
    this.pump();
    return recorded.done;
  }

  private async renewHandOver(tenantId: string, leaseId: string): Promise<void> {
    const until = new Date(this.queue.now().getTime() + this.queue.leaseMs);
    await requestContext.run({ requestId: `webhooks-${tenantId}`, tenantId }, () =>
      this.database.transaction((em) =>
        em.query(`UPDATE webhook_hand_over SET lease_until = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, leaseId, until]),
      ),
    );
  }

  /**
   * Puts the deliveries of a hand-over (or, without `leaseId`, of every hand-over of the
   * municipality whose lease has run out) back in the queue, due now, under their own ids, unless
   * recorded meanwhile; the lease goes. In the caller's tenant context.
   */
  private async putBack(tenantId: string, leaseId?: string): Promise<void> {
    const now = this.queue.now();
    await this.database.transaction((em) =>
      em.query(
        `WITH gone AS (
           DELETE FROM webhook_hand_over WHERE tenant_id = $1 AND ($3::uuid IS NULL AND lease_until <= $2 OR id = $3) RETURNING id, event_ids)
         UPDATE webhook_delivery d SET next_attempt_at = $2, claim_id = NULL
           FROM gone h CROSS JOIN LATERAL unnest(h.event_ids) AS e(id)
          WHERE d.tenant_id = $1 AND d.event_id = e.id AND d.claim_id = h.id AND d.status = 'PENDING' AND d.next_attempt_at IS NULL`,
        [tenantId, now, leaseId ?? null],
      ),
    );
  }

  /**
   * Where each subscription's deliveries go, read from the database at most every few seconds
   * (TARGET_CACHE_MS) rather than in every claim: a changed URL is used from then on.
   */
  private async targetsOf(tenantId: string, subscriptionIds: string[]): Promise<Map<string, Target>> {
    const now = Date.now();
    const targets = new Map<string, Target>();
    const missing: string[] = [];
    for (const id of subscriptionIds) {
      const cached = this.targets.get(id);
      if (cached && cached.until > now) targets.set(id, cached.target);
      else missing.push(id);
    }
    if (missing.length === 0) return targets;
    const rows = await this.database.transaction(async (em) =>
      rowsOf(
        em,
        WebhookSubscriptionEntity,
        await em.query(
          `SELECT ${selectColumns(em, WebhookSubscriptionEntity, { only: TARGET_COLUMNS })} FROM webhook_subscription WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
          [tenantId, missing],
        ),
        TARGET_COLUMNS,
      ),
    );
    for (const row of rows) {
      const target = this.target(row.url, row.secret);
      this.targets.set(row.id, { target, until: now + TARGET_CACHE_MS });
      targets.set(row.id, target);
    }
    return targets;
  }

  private target(address: string, secret: string): Target {
    const url = new URL(address);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal address is connected to without a lookup: check it here.
    const refused = ipaddr.isValid(host) && !isAllowedAddress(host, this.options.env) ? `${host} is an internal address: refused` : null;
    return {
      key: signingKey(secret),
      secure: url.protocol === 'https:',
      // As http.request reads a URL (urlToHttpOptions): an IPv6 host without its brackets; no user info (checkTargetUrl).
      request: { protocol: url.protocol, hostname: host, port: url.port || undefined, path: `${url.pathname}${url.search}` },
      refused,
    };
  }

  /**
   * How many of a subscription's deliveries this process holds at most: about half a second of its
   * sending at the answer times seen lately, between two rounds of requests (a slow or unknown
   * receiver: few leased, the rest left for later or for other workers) and a batch (a quick one
   * whose lane must not run dry while the next claim is made).
   */
  private depth(subscriptionId: string): number {
    const latency = this.latencyMs.get(subscriptionId);
    if (latency === undefined) return this.shallow;
    return Math.min(this.batchSize, Math.max(this.shallow, Math.round((this.perSubscription * 500) / Math.max(latency, 1))));
  }

  private full(subscriptionId: string, lane: Lane): boolean {
    return lane.waiting.length + lane.sending >= this.depth(subscriptionId);
  }

  /** Puts a job in its subscription's lane; the caller pumps once it has put them all. */
  private enqueue(job: Job): void {
    let lane = this.lanes.get(job.row.subscriptionId);
    if (!lane) {
      lane = { waiting: [], sending: 0 };
      this.lanes.set(job.row.subscriptionId, lane);
    }
    lane.waiting.push(job);
  }

  /** Starts what the limits allow, one delivery per lane in turn, so no lane takes all of the process's requests. */
  private pump(): void {
    let started = true;
    while (started && this.sending < this.maxInFlight) {
      started = false;
      for (const lane of this.lanes.values()) {
        if (this.sending >= this.maxInFlight) break;
        if (lane.sending >= this.perSubscription) continue;
        const job = lane.waiting.shift();
        if (!job) continue;
        lane.sending++;
        this.sending++;
        started = true;
        void this.send(job, lane);
      }
    }
  }

  private async send(job: Job, lane: Lane): Promise<void> {
    const started = performance.now();
    const outcome = await this.post(job.row, job.target);
    const took = performance.now() - started;
    const before = this.latencyMs.get(job.row.subscriptionId);
    this.latencyMs.set(job.row.subscriptionId, before === undefined ? took : 0.8 * before + 0.2 * took);
    lane.sending--;
    this.sending--;
    if (job.handedOver) this.handedHeld--;
    else this.held--;
    if (lane.sending === 0 && lane.waiting.length === 0) this.lanes.delete(job.row.subscriptionId);
    this.pump();
    // Claim for the lane before it runs dry, not once its outcomes are recorded.
    if (!this.full(job.row.subscriptionId, lane)) this.wake(0);
    const queued = this.outcomes.get(job.tenantId) ?? [];
    queued.push({ job, outcome, attempt: job.row.attempts + 1 });
    this.outcomes.set(job.tenantId, queued);
    this.scheduleFlush();
  }

  /**
   * Records what is queued once the record before has been written: under load many outcomes go
   * in one statement per municipality (a transaction per delivery cost more than the request),
   * while one outcome alone is written at once. Each delivery's promise settles with its record.
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
            () => settled.forEach((s) => s.job.recorded.settle()),
            (error: Error) => settled.forEach((s) => s.job.recorded.settle(error)),
          ),
        ),
      );
      // Their lanes have room now: the next round may claim for them.
      this.wake(0);
    });
  }

  /**
   * One municipality's outcomes in one transaction: one statement sets every delivery's status
   * (DELIVERED, back to PENDING with its backoff, or FAILED once the schedule is spent), only while
   * its claim still holds. A FAILED one also disables its subscription with the reason.
   */
  private async record(tenantId: string, settled: Settled[]): Promise<void> {
    const started = performance.now();
    const now = this.queue.now();
    const waits = settled.map((s) => (s.outcome.error === null ? null : (this.schedule[s.attempt - 1] ?? null)));
    await requestContext.run({ requestId: `webhooks-${tenantId}`, tenantId }, () =>
      this.database.transaction(async (em) => {
        const failed = rowsOf(
          em,
          WebhookDeliveryEntity,
          // The async_commit row alone (nothing failed) has no delivery: left out.
          returnedRows<RawRow>(
            await em.query(
              // async_commit is the outer side of the join, so it runs whatever was recorded.
              `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
             recorded AS (
               UPDATE webhook_delivery d
                  SET status = CASE WHEN u.error IS NULL THEN 'DELIVERED' WHEN u.wait IS NULL THEN 'FAILED' ELSE 'PENDING' END,
                      attempts = u.attempt, last_attempt_at = $2, last_status_code = u.code, last_error = u.error, claim_id = NULL,
                      delivered_at = CASE WHEN u.error IS NULL THEN $2 ELSE d.delivered_at END,
                      -- Finished: out of the due index. A handed-over delivery's was null already: with no
                      -- indexed column changed, its record is a HOT update (ADR 0002, the hand-over).
                      next_attempt_at = CASE WHEN u.wait IS NULL THEN NULL ELSE $2 + make_interval(secs => u.wait) END
                 FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::int[], $7::text[], $8::float8[]) AS u(id, claim, attempt, code, error, wait)
                WHERE d.tenant_id = $1 AND d.id = u.id AND d.claim_id = u.claim
               RETURNING d.id, d.subscription_id, d.event_type, d.status, d.attempts, d.last_error)
             SELECT r.id, r.subscription_id, r.event_type, r.attempts, r.last_error FROM async_commit LEFT JOIN recorded r ON r.status = 'FAILED'`,
              [
                tenantId,
                now,
                settled.map((s) => s.job.row.id),
                settled.map((s) => s.job.claimId),
                settled.map((s) => s.attempt),
                settled.map((s) => s.outcome.statusCode),
                settled.map((s) => s.outcome.error),
                waits.map((wait) => (wait === null ? null : wait / 1000)),
              ],
            ),
          ).filter((row) => row.id !== null),
          FAILED_COLUMNS,
        );
        for (const row of failed) {
          // The schedule is spent: the subscription is disabled with the reason, its other
          // deliveries parked until its admin enables it again (and replays, if need be).
          const reason = `Delivery ${row.id} (${row.eventType}) failed on all ${row.attempts} attempts over ${formatDuration(this.schedule.reduce((a, b) => a + b, 0))}; the last: ${row.lastError}`;
          await em.query(
            `UPDATE webhook_subscription SET status = 'DISABLED', disabled_reason = $3, disabled_at = $4 WHERE tenant_id = $1 AND id = $2 AND status = 'ACTIVE'`,
            [tenantId, row.subscriptionId, reason.slice(0, 2000), now],
          );
          await em.query(
            `UPDATE webhook_delivery SET next_attempt_at = 'infinity' WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING' AND claim_id IS NULL`,
            [tenantId, row.subscriptionId],
          );
        }
      }),
    );
    this.counts.records++;
    this.counts.recordedOutcomes += settled.length;
    this.counts.recordMs += performance.now() - started;
  }

  /** One signed POST (Standard Webhooks headers, structured CloudEvent body); any 2xx is success. */
  private post(row: HeldDelivery, target: Target): Promise<Outcome> {
    if (target.refused !== null) return Promise.resolve({ statusCode: null, error: target.refused });
    if (row.body === '') return Promise.resolve({ statusCode: null, error: 'the event is no longer in the webhook event log' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'user-agent': 'Kommuna-Webhooks/1',
      'webhook-id': row.id,
      'webhook-timestamp': timestamp,
      'webhook-signature': signature(target.key, row.id, timestamp, row.body),
      'content-length': String(Buffer.byteLength(row.body)),
    };
    const secure = target.secure;
    const client = secure ? https : http;
    return new Promise<Outcome>((settle) => {
      let timedOut = false;
      const resolve = (outcome: Outcome) => {
        clearTimeout(deadline);
        settle(timedOut ? { statusCode: null, error: `no answer within ${this.timeoutMs} ms` } : outcome);
      };
      const request = client.request(
        {
          ...target.request,
          method: 'POST',
          headers,
          agent: secure ? this.agents.https : this.agents.http,
          lookup: this.lookup,
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          // The body is not read, only drained: a receiver's answer means nothing but its status.
          response.resume();
          response.on('end', () => resolve({ statusCode, error: statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}` }));
          response.on('error', (error) => resolve({ statusCode, error: error.message }));
          response.on('close', () => {
            if (!response.complete) resolve({ statusCode, error: 'the connection closed before the answer ended' });
          });
        },
      );
      // One deadline for the whole exchange, connection to last byte (a plain timer: cheaper than an AbortSignal per request).
      const deadline = setTimeout(() => {
        timedOut = true;
        request.destroy();
        resolve({ statusCode: null, error: null });
      }, this.timeoutMs);
      request.on('error', (error: Error & { code?: string }) =>
        resolve({ statusCode: null, error: `${error.code ? `${error.code}: ` : ''}${error.message}`.slice(0, 500) }),
      );
      request.end(row.body);
    });
  }
}

/** The HMAC key of a Standard Webhooks secret (whsec_<base64>). */
function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * The Standard Webhooks signature, `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`:
 * the reference library's algorithm (its verify accepts it, webhooks.spec.ts), computed with
 * node:crypto instead of its JavaScript SHA-256, which cost twice as much per delivery.
 */
function signature(key: Buffer, id: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
