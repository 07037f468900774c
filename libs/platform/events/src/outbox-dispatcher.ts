import type { EntityManager } from 'typeorm';
import { exponentialBackoff, FairTenantRounds, PeriodicTask } from '@kommuna/platform-jobs';
import { platformMetrics } from '@kommuna/platform-metrics';
import { Database, OutboxEventEntity, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';

/**
 * An event read back from the outbox, as handlers receive it. Its data is whatever the emitter
 * wrote (jsonb): a handler says which contract it reads per type (libs/shared/service-contracts).
 */
export interface OutboxEvent<TData = unknown> extends Pick<OutboxEventEntity, Exclude<(typeof OUTBOX_EVENT_COLUMNS)[number], 'data'>> {
  data: TData;
}

/** The outbox_event columns a handler is given (data is jsonb, parsed by the driver). */
const OUTBOX_EVENT_COLUMNS = ['id', 'tenantId', 'type', 'source', 'subject', 'data', 'occurredAt', 'attempts'] as const;

/**
 * A consumer of outbox events. `handle` runs in the event's tenant context, inside the same
 * transaction that marks the event published: a handler's own database writes and the
 * acknowledgement commit together. Delivery is at least once, so handlers must be idempotent.
 */
export interface EventHandler {
  readonly name: string;
  readonly types: readonly string[];
  handle(event: OutboxEvent, em: EntityManager): Promise<void>;
  /**
   * Optional: all of a batch's events of this handler's types at once (in the order they
   * occurred), for a handler that can do in a few statements what `handle` does per event. It
   * must come to the same as `handle` for each: after a failure the batch is run again event by
   * event through `handle`, which finds the event to blame. It may return what to do once the
   * batch's transaction has ended (`committed` says whether it committed): work that must not
   * start before the handler's rows are there for all to see (the webhook fan-out's hand-over).
   */
  handleBatch?(events: OutboxEvent[], em: EntityManager): Promise<void | AfterTransaction>;
}

/** Run by the dispatcher once a batch's transaction has committed (true) or rolled back (false). */
export type AfterTransaction = (committed: boolean) => void;

export interface OutboxDispatcherOptions {
  /** Events claimed per tenant per round (default DEFAULT_OUTBOX_BATCH_SIZE). */
  batchSize?: number;
  /** Delay before retry n (1-based); default doubles from 1 s up to 1 h. */
  backoffMs?: (attempt: number) => number;
  /**
   * Failed attempts after which an event is a dead letter: kept with its error, no longer
   * retried until a tenant admin queues it again (OutboxDeadLetters). Default 25: with the default
   * backoff, about 14 hours of retries.
   */
  maxAttempts?: number;
  /**
   * Municipalities whose batches are dispatched side by side in a round (default 4, as digital
   * mail's deliveries): one municipality's slow batch (a slow handler, a large fan-out) does not
   * hold up the others', and one batch's database work overlaps another's publishing.
   */
  tenantConcurrency?: number;
  /** Told about every failure: a handler's (with its event) or a whole round's. */
  onError?: (error: Error, failed?: { event: OutboxEvent; handler: string }) => void;
}

export const defaultBackoffMs = exponentialBackoff({ firstMs: 1000, maxMs: 3_600_000 });

/**
 * Events claimed per municipality per round by default. A batch's fixed cost (the claim, the
 * acknowledgement, the commit, and for the NATS bridge waiting for the last of its publishes)
 * is paid once for all its events; a larger batch holds the other municipalities' turn longer.
 */
export const DEFAULT_OUTBOX_BATCH_SIZE = 250;

/** Municipalities dispatched side by side in a round by default. */
export const DEFAULT_OUTBOX_TENANT_CONCURRENCY = 4;

/** Default failed attempts before an event is a dead letter (about 14 hours with the default backoff). */
export const DEFAULT_OUTBOX_MAX_ATTEMPTS = 25;

/**
 * Publishes outbox events to the handlers that subscribe to their type. Claims rows with
 * FOR UPDATE SKIP LOCKED, so any number of worker replicas can share the outbox; an event whose
 * handler fails is rolled back to a savepoint, kept, and retried with backoff until its attempts
 * are spent, when it becomes a dead letter. Each round gives every municipality with due events
 * one batch, in an order that rotates (@kommuna/platform-jobs' FairTenantRounds), several side by
 * side, so one municipality's backlog never keeps another's events waiting for more than a batch.
 */
export class OutboxDispatcher {
  private readonly batchSize: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly maxAttempts: number;
  private readonly rounds: FairTenantRounds;
  private readonly tenantConcurrency: number;
  private loop: PeriodicTask | undefined;

  constructor(
    private readonly database: Database,
    private readonly handlers: readonly EventHandler[],
    private readonly options: OutboxDispatcherOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_OUTBOX_BATCH_SIZE;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_OUTBOX_MAX_ATTEMPTS;
    this.tenantConcurrency = Math.max(1, options.tenantConcurrency ?? DEFAULT_OUTBOX_TENANT_CONCURRENCY);
    this.rounds = new FairTenantRounds({ label: 'outbox', concurrency: this.tenantConcurrency });
  }

  /** One round: a batch of every tenant with due events, in rotating order; returns how many events were published. */
  async dispatchOnce(): Promise<number> {
    const published = await this.rounds.run(await this.dueTenants(), (id) => this.dispatchTenant(id));
    return published.reduce((sum, n) => sum + n, 0);
  }

  /** Rounds until nothing is due (events in backoff wait for a later round), without waiting out a round's slowest batch. */
  async drain(maxRounds = 1000): Promise<number> {
    return (await this.dispatchRounds(maxRounds)).total;
  }

  /**
   * The dispatcher as a background task: up to 10 rounds at a time, at once again while events
   * are still due, else after `intervalMs`. A failed round goes to onError. Stopped, it ends
   * after the batches under way: a backlog is left to the next worker, not drained first.
   */
  task(intervalMs = 250, name = 'outbox'): PeriodicTask {
    return new PeriodicTask({
      name,
      intervalMs,
      run: async (stopping) => (await this.dispatchRounds(10, stopping)).more,
      onError: (error) => this.options.onError?.(error),
    });
  }

  private async dueTenants(): Promise<string[]> {
    const tenants: Array<{ id: string }> = await this.database.dataSource.query(`SELECT t AS id FROM outbox_tenants_with_due_events() t`);
    return tenants.map((t) => t.id);
  }

  /**
   * Up to `maxRounds` rounds as dispatchOnce's, but overlapping: `tenantConcurrency` lanes each
   * take the next municipality of the round, and the lane that finds the round taken asks at once
   * which are due for the next (leaving out those whose batch is still under way: the round after
   * has them), instead of every lane waiting for the round's slowest batch and its commit. Each
   * round still gives every due municipality one batch, in rotating order. Stops when a round
   * finds none due and no batch is under way; failures as dispatchOnce's (the rest go on, then the
   * first is thrown). Once `stopping` is aborted no lane begins another batch.
   */
  private async dispatchRounds(maxRounds: number, stopping?: AbortSignal): Promise<{ total: number; more: boolean }> {
    const line: string[] = [];
    const busy = new Set<string>();
    const failures: unknown[] = [];
    let rounds = 0;
    let total = 0;
    let asking: Promise<void> | undefined;
    const nextRound = async () => {
      rounds++;
      const waiting = new Set(line);
      for (const id of this.rounds.order((await this.dueTenants()).filter((id) => !busy.has(id) && !waiting.has(id)))) line.push(id);
    };
    const lane = async (): Promise<void> => {
      for (;;) {
        if (stopping?.aborted) return;
        if (line.length === 0) {
          if (rounds >= maxRounds) return;
          asking ??= nextRound().finally(() => (asking = undefined));
          await asking;
          // Nothing due beyond the batches under way: their lanes ask again when they end.
          if (line.length === 0) return;
          continue;
        }
        const id = line.shift() as string;
        busy.add(id);
        try {
          const published = await requestContext.run({ requestId: `outbox-${id}`, tenantId: id }, () => this.dispatchTenant(id));
          total += published;
        } catch (error) {
          failures.push(error);
        } finally {
          busy.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: this.tenantConcurrency }, lane));
    if (failures.length > 0) throw failures[0];
    return { total, more: rounds >= maxRounds && total > 0 };
  }

  /** Polls every `intervalMs` until stop(); rounds never overlap. */
  start(intervalMs = 250): void {
    this.loop ??= this.task(intervalMs);
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /**
   * One batch of a tenant's due events. First without savepoints: the handlers' writes and the
   * acknowledgement are one transaction with a few statements per batch rather than per event. If a
   * handler fails, that whole transaction is rolled back and the batch runs again with each event
   * in its own savepoint, so the failure stays with its event: that event is not handed to the
   * handler again in this round but kept for its retry, as if it had failed there (handlers are
   * idempotent, so work done again for the other events is harmless).
   */
  private async dispatchTenant(tenantId: string): Promise<number> {
    const after: AfterTransaction[] = [];
    let published: number;
    try {
      published = await this.database.transaction((em) => this.publishBatch(em, tenantId, undefined, after));
    } catch (error) {
      for (const then of after) then(false);
      if (!(error instanceof HandlerFailed)) throw error;
      return this.database.transaction((em) => this.publishBatch(em, tenantId, error));
    }
    for (const then of after) then(true);
    return published;
  }

  /** Without `failure`: the fast path. With it: event by event, `failure` recorded against its event. */
  private async publishBatch(
    em: EntityManager,
    tenantId: string,
    failure?: HandlerFailed,
    after: AfterTransaction[] = [],
  ): Promise<number> {
    const events: OutboxEvent[] = rowsOf(
      em,
      OutboxEventEntity,
      await em.query(
        `SELECT ${selectColumns(em, OutboxEventEntity, { only: OUTBOX_EVENT_COLUMNS })} FROM outbox_event
          WHERE tenant_id = $1 AND published_at IS NULL AND next_attempt_at <= now()
          ORDER BY occurred_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [tenantId, this.batchSize],
      ),
      OUTBOX_EVENT_COLUMNS,
    );
    const published: OutboxEvent[] = [];
    if (!failure) {
      await this.handleAll(events, em, after);
      published.push(...events);
    } else {
      for (const event of events) {
        const handlers = this.handlers.filter((h) => h.types.includes(event.type));
        let failed: { handler: string; error: Error } | undefined =
          event.id === failure.eventId ? { handler: failure.handler, error: failure.error } : undefined;
        if (!failed && handlers.length > 0) await em.query('SAVEPOINT outbox_event');
        for (const handler of failed ? [] : handlers) {
          try {
            await handler.handle(event, em);
          } catch (error) {
            failed = { handler: handler.name, error: error as Error };
            break;
          }
        }
        if (failed) {
          if (event.id !== failure.eventId) await em.query('ROLLBACK TO SAVEPOINT outbox_event');
          const attempt = event.attempts + 1;
          const error = `${failed.handler}: ${failed.error.message}`.slice(0, 2000);
          if (attempt >= this.maxAttempts) {
            // A dead letter: an infinite next attempt keeps it out of every claim and due probe as they are.
            await em.query(
              `UPDATE outbox_event SET attempts = $3, last_error = $4, next_attempt_at = 'infinity', dead_lettered_at = now()
                WHERE tenant_id = $1 AND id = $2`,
              [tenantId, event.id, attempt, error],
            );
          } else {
            await em.query(
              `UPDATE outbox_event SET attempts = $3, last_error = $4, next_attempt_at = now() + make_interval(secs => $5)
                WHERE tenant_id = $1 AND id = $2`,
              [tenantId, event.id, attempt, error, this.backoffMs(attempt) / 1000],
            );
          }
          platformMetrics.outboxFailures.inc({ tenant: platformMetrics.tenantLabel(tenantId), handler: failed.handler });
          this.options.onError?.(failed.error, { event, handler: failed.handler });
        } else {
          if (handlers.length > 0) await em.query('RELEASE SAVEPOINT outbox_event');
          published.push(event);
        }
      }
    }
    if (published.length > 0) {
      await em.query(`UPDATE outbox_event SET published_at = now(), last_error = NULL WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
        tenantId,
        published.map((e) => e.id),
      ]);
      const now = Date.now();
      // The municipality's series looked up once per batch, not per event.
      const lag = platformMetrics.outboxLag.labels({ tenant: platformMetrics.tenantLabel(tenantId) });
      for (const event of published) lag.observe((now - event.occurredAt.getTime()) / 1000);
    }
    return published.length;
  }

  /** The fast path: per-event handlers event by event, then each batch handler once. */
  private async handleAll(events: OutboxEvent[], em: EntityManager, after: AfterTransaction[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers) {
        if (handler.handleBatch || !handler.types.includes(event.type)) continue;
        try {
          await handler.handle(event, em);
        } catch (error) {
          throw new HandlerFailed(event.id, handler.name, error as Error);
        }
      }
    }
    for (const handler of this.handlers) {
      if (!handler.handleBatch) continue;
      const mine = events.filter((e) => handler.types.includes(e.type));
      if (mine.length === 0) continue;
      try {
        const then = await handler.handleBatch(mine, em);
        if (then) after.push(then);
      } catch (error) {
        // Which event failed is unknown here: the event-by-event rerun finds it.
        throw new HandlerFailed(undefined, handler.name, error as Error);
      }
    }
  }
}

/** A handler failed on the fast path: the batch is rolled back and run again event by event. */
class HandlerFailed extends Error {
  constructor(
    /** Undefined when a batch handler failed: the rerun finds the event. */
    readonly eventId: string | undefined,
    readonly handler: string,
    readonly error: Error,
  ) {
    super(`${handler}: ${error.message}`);
  }
}
