import type { EntityManager } from 'typeorm';
import { FairTenantRounds, inChunks, PeriodicTask, returnedRows } from '@kommuna/platform-jobs';
import { Database, OutboxEventEntity, RawRow, rowsOf, selectRows } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** How long a published event is kept by default: its replay window (webhooks) and a week to look into it. */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 7;

export interface RetentionPurgeOptions {
  /** Rows older than this (by the purge's age column) are deleted. */
  retentionDays?: number;
  /** Rows deleted per statement and transaction. */
  chunkSize?: number;
  now?: () => Date;
}

/** What a retention purge deletes: constants of the code, never input (they are put into SQL). */
export interface RetentionPurgeTarget {
  /** The background task's name, and the label of its rounds across municipalities. */
  name: string;
  /** For errors: "The outbox retention must be more than 0 days". */
  description: string;
  /** A tenant table with an `id` column, keyed by (tenant_id, id). */
  table: string;
  /** The timestamp a row's age is measured by. */
  ageColumn: string;
  /** Which rows may go at all, besides their age (finished ones), as a condition on the table's columns. */
  finished?: string;
  defaultRetentionDays: number;
}

/**
 * A retention purge of one tenant table: rows past their retention, per municipality in its
 * tenant context (FairTenantRounds), chunk by chunk, each chunk its own short transaction with
 * SKIP LOCKED between replicas. The outbox, the webhook event log and the webhook delivery log
 * are each one of these, differing only in their table, age and which rows are finished.
 */
export class RetentionPurge {
  readonly retentionDays: number;
  private readonly chunkSize: number;
  private readonly now: () => Date;
  private readonly rounds: FairTenantRounds;
  private readonly sql: string;

  constructor(
    private readonly database: Database,
    /** The municipalities to look at (the tenant directory's). */
    private readonly tenantIds: () => readonly string[],
    private readonly target: RetentionPurgeTarget,
    options: RetentionPurgeOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? target.defaultRetentionDays;
    if (!(this.retentionDays > 0)) throw new Error(`${target.description} must be more than 0 days (got ${this.retentionDays})`);
    this.chunkSize = options.chunkSize ?? 1000;
    if (!(Number.isInteger(this.chunkSize) && this.chunkSize > 0))
      throw new Error(`A purge's chunk must be a positive whole number (got ${this.chunkSize})`);
    this.now = options.now ?? (() => new Date());
    this.rounds = new FairTenantRounds({ label: target.name });
    const { table, ageColumn, finished } = target;
    // The chunk in a MATERIALIZED CTE, chosen once (as LeaseQueue's claim): as `id IN (SELECT …
    // LIMIT … FOR UPDATE SKIP LOCKED)` the planner may rescan it for each row and delete more
    // than a chunk in one transaction.
    this.sql = `WITH old AS MATERIALIZED (
        SELECT id FROM ${table} WHERE tenant_id = $1${finished ? ` AND ${finished}` : ''} AND ${ageColumn} < $2
         ORDER BY ${ageColumn} LIMIT $3 FOR UPDATE SKIP LOCKED)
      DELETE FROM ${table} t USING old WHERE t.tenant_id = $1 AND t.id = old.id
      RETURNING t.id`;
  }

  /** One pass over every municipality; how many rows were deleted. Once `stopping` is aborted, no further chunk or municipality begins. */
  async purgeOnce(stopping?: AbortSignal): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.retentionDays * 86_400_000);
    const purged = await this.rounds.run(
      this.tenantIds(),
      (tenantId) =>
        inChunks(
          this.chunkSize,
          () => this.database.transaction(async (em) => returnedRows(await em.query(this.sql, [tenantId, cutoff, this.chunkSize])).length),
          stopping,
        ),
      stopping,
    );
    return purged.reduce((sum, n) => sum + n, 0);
  }

  /** The purge as a background task: at start, then every `intervalMs` (hourly by default). */
  task(options: { intervalMs?: number; onError?: (error: Error) => void } = {}): PeriodicTask {
    return new PeriodicTask({
      name: this.target.name,
      intervalMs: options.intervalMs ?? 3_600_000,
      run: async (stopping) => void (await this.purgeOnce(stopping)),
      onError: options.onError,
    });
  }
}

export type OutboxHousekeepingOptions = RetentionPurgeOptions;

/**
 * Removes published outbox events once their retention has passed (issue 18 item 7), so the
 * outbox holds what is in flight, dead letters and a recent window instead of every event ever.
 * Unpublished events and dead letters are never touched. Nothing depends on a published event's
 * row: consumers keep their own data (Mina sidor its cases, webhooks their event log and
 * deliveries with the body).
 */
export class OutboxHousekeeping extends RetentionPurge {
  constructor(database: Database, tenantIds: () => readonly string[], options: OutboxHousekeepingOptions = {}) {
    super(
      database,
      tenantIds,
      {
        name: 'outbox-housekeeping',
        description: 'The outbox retention',
        table: 'outbox_event',
        ageColumn: 'occurred_at',
        finished: 'published_at IS NOT NULL',
        defaultRetentionDays: DEFAULT_OUTBOX_RETENTION_DAYS,
      },
      options,
    );
  }
}

/** The outbox_event columns a dead letter shows; `lastError` is `<handler>: <message>` of the last failed attempt. */
const DEAD_LETTER_COLUMNS = ['id', 'type', 'source', 'subject', 'occurredAt', 'deadLetteredAt', 'attempts', 'lastError'] as const;

/** An outbox event whose attempts were spent, as a tenant admin sees it. */
export interface OutboxDeadLetter extends Pick<OutboxEventEntity, Exclude<(typeof DEAD_LETTER_COLUMNS)[number], 'deadLetteredAt'>> {
  deadLetteredAt: Date;
}

/** A dead letter as read: only dead-lettered rows are selected, so deadLetteredAt is set. */
function deadLetter(row: Pick<OutboxEventEntity, (typeof DEAD_LETTER_COLUMNS)[number]>): OutboxDeadLetter {
  return { ...row, deadLetteredAt: row.deadLetteredAt as Date };
}

/** Dead letters of a RETURNING, read with rowsOf. */
function deadLettersOf(em: EntityManager, raw: readonly RawRow[]): OutboxDeadLetter[] {
  return rowsOf(em, OutboxEventEntity, raw, DEAD_LETTER_COLUMNS).map(deadLetter);
}

/** A page of dead letters, newest first; `nextCursor` continues after the last one. */
export interface OutboxDeadLetterPage {
  items: OutboxDeadLetter[];
  nextCursor: string | null;
}

export class OutboxEventNotFoundError extends KommunaError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
  constructor(id: string) {
    super(`No dead-lettered outbox event ${id} in this municipality`);
  }
}

export class InvalidOutboxCursorError extends KommunaError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor() {
    super('The cursor is not one this list gave out');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The current municipality's dead letters: listed (newest first, keyset-paged) and queued again
 * by a tenant admin once the cause is fixed. Runs in the caller's tenant transaction; the caller
 * checks the role (the api's @Allow) and audits. Row-level security keeps each municipality to its own.
 */
export const outboxDeadLetters = {
  async list(em: EntityManager, options: { first: number; after?: string | null }): Promise<OutboxDeadLetterPage> {
    const tenantId = requestContext.tenantId();
    const first = Math.min(Math.max(1, Math.floor(options.first)), 100);
    let after: { at: string; id: string } | null = null;
    if (options.after) {
      const [at, id] = Buffer.from(options.after, 'base64url').toString('utf8').split('|');
      if (!at || !id || !UUID.test(id) || Number.isNaN(Date.parse(at))) throw new InvalidOutboxCursorError();
      after = { at, id };
    }
    const rows = (
      await selectRows(
        em,
        OutboxEventEntity,
        DEAD_LETTER_COLUMNS,
        `FROM outbox_event
        WHERE tenant_id = $1 AND dead_lettered_at IS NOT NULL AND published_at IS NULL
          AND ($2::timestamptz IS NULL OR (dead_lettered_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY dead_lettered_at DESC, id DESC LIMIT $4`,
        [tenantId, after?.at ?? null, after?.id ?? null, first + 1],
      )
    ).map(deadLetter);
    const items = rows.slice(0, first);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > first && last ? Buffer.from(`${last.deadLetteredAt.toISOString()}|${last.id}`, 'utf8').toString('base64url') : null,
    };
  },

  /**
   * Queues a dead letter again: attempts start over and the next round takes it. Its last error
   * stays until it is published. Throws OutboxEventNotFoundError for an id that is not a dead
   * letter of this municipality (published, still retrying, another's, or unknown).
   */
  async retry(em: EntityManager, id: string): Promise<OutboxDeadLetter> {
    const tenantId = requestContext.tenantId();
    if (!UUID.test(id)) throw new OutboxEventNotFoundError(id);
    const [row] = deadLettersOf(
      em,
      returnedRows(
        await em.query(
          `UPDATE outbox_event e SET attempts = 0, next_attempt_at = now(), dead_lettered_at = NULL
           FROM (SELECT id, dead_lettered_at FROM outbox_event WHERE tenant_id = $1 AND id = $2 FOR UPDATE) before
          WHERE e.tenant_id = $1 AND e.id = before.id AND e.dead_lettered_at IS NOT NULL AND e.published_at IS NULL
          RETURNING e.id, e.type, e.source, e.subject, e.occurred_at, before.dead_lettered_at, e.attempts, e.last_error`,
          [tenantId, id],
        ),
      ),
    );
    if (!row) throw new OutboxEventNotFoundError(id);
    return row;
  },
};
