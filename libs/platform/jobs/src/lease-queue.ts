import { randomUUID } from 'node:crypto';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { Database, RawRow, rowsOf } from '@kommuna/platform-persistence';
import { exponentialBackoff } from './backoff';
import { returnedRows } from './rows';

/**
 * A tenant-owned table whose rows are jobs. It has `tenant_id`, the key column, `claim_id uuid`,
 * `next_attempt_at timestamptz`, `attempts integer` and `last_error text`, with forced row-level
 * security like every tenant-owned table. Names come from code, never from input.
 */
export interface LeaseQueueTable {
  readonly table: string;
  /** The job's key within its tenant, e.g. message_id. */
  readonly key: string;
  /** The key's SQL type, for arrays of keys (default uuid). */
  readonly keyType?: string;
  /** Columns a claim returns besides the key. */
  readonly returning: readonly string[];
  /** The order due jobs are claimed in, e.g. 'next_attempt_at, created_at'. */
  readonly order: string;
  /** A timestamp column every change by the queue sets to now, e.g. updated_at. */
  readonly touchedColumn?: string;
  /**
   * The table's entity: a claim's rows (its key and `returning` columns) are then read as the
   * entity with rowsOf (docs/architecture.md#typed-rows), so the queue's Row is a Pick of it, e.g.
   * `LeaseQueue<Pick<JobEntity, 'draftId' | 'attempts'>>`. Without it, rows keep the column names.
   */
  readonly entity?: EntityTarget<ObjectLiteral>;
}

export interface LeaseQueueOptions {
  /** The clock; tests move it to pass leases and backoff without waiting. */
  readonly now?: () => Date;
  /** How long a claim is held before another worker may take the job over (crash recovery). */
  readonly leaseMs?: number;
  /** Attempts before a retryable failure is given up (a dead letter: the caller records its final state). */
  readonly maxAttempts?: number;
  /** Delay before retry n (1-based). */
  readonly backoffMs?: (attempt: number) => number;
  /**
   * Claims and renewals commit without waiting for the WAL flush (synchronous_commit off for their
   * transactions alone). A database crash may then lose the last ones, as if the worker had died:
   * the jobs are claimed again and done once more, which leased work must bear anyway. For queues
   * whose claims are many and small (webhook deliveries), where the flush cost more than the claim.
   */
  readonly asyncCommit?: boolean;
}

/** A placeholder for a value in a claim's extra condition: `param('DIGITAL')` gives `$6`. */
export type Param = (value: unknown) => string;

/** A cap on how many jobs of one group (e.g. one webhook subscription) a claim takes. */
export interface PerGroupLimit {
  /** The grouping column, e.g. subscription_id. */
  readonly column: string;
  /** Jobs of one group a claim takes at most. */
  readonly limit: number;
  /** Groups that may take more (e.g. receivers known to be quick), and how many. */
  readonly raised?: { readonly groups: readonly string[]; readonly limit: number };
}

export interface Claim<Row> {
  /** Marks the holder: a result is recorded only `WHERE claim_id = <claimId>`. */
  readonly claimId: string;
  readonly rows: Row[];
}

/** A claimed job that failed: its key and the attempts it had before this one. */
export interface FailedJob {
  readonly key: string;
  readonly attempts: number;
}

export interface FailureOutcome {
  /** Back in the queue with a backoff. */
  readonly retried: string[];
  /** Attempts exhausted (or the failure was permanent), still under the claim: the caller records their final state. */
  readonly exhausted: Array<{ key: string; attempt: number; error: string }>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const ORDER = /^[a-z_][a-z0-9_]*( (asc|desc))?(, [a-z_][a-z0-9_]*( (asc|desc))?)*$/i;

/**
 * Leased claims over a job table (the building block behind digital mail's deliveries; docs/architecture.md#events-and-background-work):
 * a claim takes due rows of one municipality with FOR UPDATE SKIP LOCKED in its tenant context
 * and leases them (claim_id marks the holder, next_attempt_at moves to the lease's end), so the
 * work itself runs without holding a transaction; a result is recorded only while the claim still
 * holds. A worker that dies leaves its lease to expire and the job is claimed again, so work must
 * be idempotent. A failure goes back with a backoff, or, once attempts are spent, is handed back
 * for the caller to record as given up, with its error, where people see it.
 */
export class LeaseQueue<Row extends object> {
  readonly now: () => Date;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  private readonly keyType: string;
  /** Joined into a claim or renewal: turns the WAL flush wait off for its transaction (asyncCommit). */
  private readonly asyncCommit: string;

  constructor(
    private readonly database: Database,
    private readonly spec: LeaseQueueTable,
    options: LeaseQueueOptions = {},
  ) {
    for (const name of [spec.table, spec.key, ...spec.returning, ...(spec.touchedColumn ? [spec.touchedColumn] : [])])
      if (!IDENTIFIER.test(name)) throw new Error(`LeaseQueue: "${name}" is not a plain column or table name`);
    if (!ORDER.test(spec.order)) throw new Error(`LeaseQueue: "${spec.order}" is not a list of columns to order by`);
    this.keyType = spec.keyType ?? 'uuid';
    if (!IDENTIFIER.test(this.keyType)) throw new Error(`LeaseQueue: "${this.keyType}" is not a type name`);
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? exponentialBackoff({ firstMs: 30_000, maxMs: 6 * 3_600_000 });
    this.asyncCommit = options.asyncCommit ? `, (SELECT set_config('synchronous_commit', 'off', true)) async_commit` : '';
  }

  /**
   * Claims at most `limit` due jobs of the current tenant that also meet `where` (e.g. a stage),
   * in one transaction; `read` runs in that transaction with the claimed keys (e.g. to read their
   * content in the same snapshot). With `perGroup`, at most that many jobs of one group (e.g. of
   * one webhook subscription), so one group's backlog does not fill the claim. Runs in the
   * caller's tenant context.
   */
  async claim(
    tenantId: string,
    where: (param: Param) => string,
    limit: number,
    read?: (em: EntityManager, keys: string[]) => Promise<void>,
    perGroup?: PerGroupLimit,
  ): Promise<Claim<Row>> {
    const { table, key, order } = this.spec;
    if (perGroup && !IDENTIFIER.test(perGroup.column)) throw new Error(`LeaseQueue: "${perGroup.column}" is not a plain column name`);
    const claimId = randomUUID();
    const now = this.now();
    const params: unknown[] = [tenantId, claimId, now, new Date(now.getTime() + this.leaseMs), limit];
    const param: Param = (value) => {
      params.push(value);
      return `$${params.length}`;
    };
    const condition = where(param);
    const returning = [key, ...this.spec.returning].map((c) => `t.${c}`).join(', ');
    const dueRows = `SELECT ${key} FROM ${table}
              WHERE tenant_id = $1 AND (${condition}) AND next_attempt_at <= $3
              ORDER BY ${order} LIMIT $5 FOR UPDATE SKIP LOCKED`;
    let due = dueRows;
    if (perGroup) {
      // The oldest due rows (two claims' worth) locked once, ranked within their group, and at
      // most perGroup.limit of each taken. Rows locked but not taken are free again at commit.
      const columns = [...new Set([key, perGroup.column, ...order.split(', ').map((part) => part.split(' ')[0])])].join(', ');
      const scan = param(Math.max(limit * 2, 50));
      const cap = perGroup.raised?.groups.length
        ? `CASE WHEN ${perGroup.column}::text = ANY(${param(perGroup.raised.groups)}::text[]) THEN ${param(perGroup.raised.limit)}::int ELSE ${param(perGroup.limit)}::int END`
        : param(perGroup.limit);
      due = `SELECT ${key} FROM (
               SELECT ${columns}, row_number() OVER (PARTITION BY ${perGroup.column} ORDER BY ${order}) AS group_rank FROM (
                 SELECT ${columns} FROM ${table}
                  WHERE tenant_id = $1 AND (${condition}) AND next_attempt_at <= $3
                  ORDER BY ${order} LIMIT ${scan} FOR UPDATE SKIP LOCKED) locked) ranked
              WHERE group_rank <= ${cap} ORDER BY ${order} LIMIT $5`;
    }
    const rows = await this.database.transaction(async (em) => {
      const claimed = returnedRows<RawRow>(
        await em.query(
          // The due rows in a MATERIALIZED CTE, locked and limited once. As `key IN (SELECT … LIMIT
          // … FOR UPDATE SKIP LOCKED)` the planner may rescan the subquery for each row it updates,
          // and each rescan skips the rows this statement already updated and takes the next ones:
          // a claim of 100 took all 250 due rows (PGlite and PostgreSQL 15 alike), so no batch size held.
          `WITH due AS MATERIALIZED (${due})
           UPDATE ${table} t SET claim_id = $2, next_attempt_at = $4
             FROM due${this.asyncCommit} WHERE t.tenant_id = $1 AND t.${key} = due.${key}
           RETURNING ${returning}`,
          params,
        ),
      );
      if (claimed.length > 0 && read)
        await read(
          em,
          claimed.map((row) => String(row[key])),
        );
      const entity = this.spec.entity;
      return entity ? (rowsOf(em, entity, claimed, this.propertiesOf(entity, [key, ...this.spec.returning])) as Row[]) : (claimed as Row[]);
    });
    return { claimId, rows };
  }

  /**
   * Runs `work` (the part of a claim's work done outside any transaction: an operator's calls,
   * rendering) while renewing the lease of the claimed jobs every third of a lease, so a claim
   * that takes longer than one lease (a slow party, a loaded machine) is not taken over by another
   * worker while this one still works on it, and the jobs are not done twice. Only jobs still
   * under the claim are renewed. A worker that dies stops renewing and its lease runs out as before;
   * a renewal that fails is left to the lease (the results are then recorded by whoever holds the jobs).
   */
  async whileHeld<T>(tenantId: string, claim: Claim<Row>, work: () => Promise<T>): Promise<T> {
    const entity = this.spec.entity;
    const [keyName] = entity ? this.propertiesOf(entity, [this.spec.key]) : [this.spec.key];
    const keys = claim.rows.map((row) => String((row as Record<string, unknown>)[keyName]));
    if (keys.length === 0) return work();
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = renewing.then(() => this.renew(tenantId, claim.claimId, keys)).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await renewing;
    }
  }

  /** The entity's property names of the given columns (the spec names columns, as its SQL does). */
  private propertiesOf(entity: EntityTarget<ObjectLiteral>, columns: readonly string[]): string[] {
    const metadata = this.database.dataSource.getMetadata(entity);
    return columns.map((name) => {
      const column = metadata.findColumnWithDatabaseName(name);
      if (!column) throw new Error(`LeaseQueue: ${metadata.name} has no column "${name}"`);
      return column.propertyName;
    });
  }

  /** Moves the lease of the given jobs still under `claimId` to a full lease from now; how many it renewed. */
  async renew(tenantId: string, claimId: string, keys: readonly string[]): Promise<number> {
    const { table, key } = this.spec;
    return this.database.transaction(
      async (em) =>
        returnedRows(
          await em.query(
            `UPDATE ${table} t SET next_attempt_at = $3${this.asyncCommit ? ` FROM ${this.asyncCommit.slice(2)}` : ''}
              WHERE t.tenant_id = $1 AND t.${key} = ANY($4::${this.keyType}[]) AND t.claim_id = $2 RETURNING t.${key}`,
            [tenantId, claimId, new Date(this.now().getTime() + this.leaseMs), keys],
          ),
        ).length,
    );
  }

  /**
   * Hands back claimed jobs not begun (a worker stopping mid-claim): due again at once, no attempt
   * counted, claim released, only where the claim still holds; in its own transaction, in the
   * caller's tenant context. Whichever worker claims next does them, without waiting out the
   * lease. Returns how many were handed back.
   */
  async release(tenantId: string, claimId: string, keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const { table, key, touchedColumn } = this.spec;
    const now = this.now();
    const params: unknown[] = [tenantId, claimId, keys, now];
    const touch = touchedColumn ? `, ${touchedColumn} = $4` : '';
    return this.database.transaction(
      async (em) =>
        returnedRows(
          await em.query(
            `UPDATE ${table} t SET next_attempt_at = $4, claim_id = NULL${touch}
              WHERE t.tenant_id = $1 AND t.${key} = ANY($3::${this.keyType}[]) AND t.claim_id = $2 RETURNING t.${key}`,
            params,
          ),
        ).length,
    );
  }

  /**
   * Records a failed attempt of claimed jobs, in the caller's transaction and only where the claim
   * still holds: while `retryable` and attempts remain, the job goes back with a backoff (claim
   * released); otherwise its attempts and error are recorded and it stays claimed, for the caller
   * to record as given up in the same transaction. Two statements at most, whatever the number of jobs.
   */
  async fail(
    em: EntityManager,
    tenantId: string,
    claimId: string,
    jobs: readonly FailedJob[],
    error: Error,
    retryable: boolean,
  ): Promise<FailureOutcome> {
    const { table, key, touchedColumn } = this.spec;
    const now = this.now();
    const message = error.message.slice(0, 2000);
    const retry = jobs.filter((job) => retryable && job.attempts + 1 < this.maxAttempts);
    const giveUp = jobs.filter((job) => !retry.includes(job));
    let retried: string[] = [];
    if (retry.length > 0) {
      const params: unknown[] = [
        tenantId,
        claimId,
        message,
        retry.map((job) => job.key),
        retry.map((job) => job.attempts + 1),
        retry.map((job) => new Date(now.getTime() + this.backoffMs(job.attempts + 1))),
      ];
      // Only a parameter the statement uses: PostgreSQL cannot type an unused one.
      const touch = touchedColumn ? `, ${touchedColumn} = $${params.push(now)}` : '';
      retried = returnedRows<Record<string, unknown>>(
        await em.query(
          `UPDATE ${table} t SET attempts = u.attempts, next_attempt_at = u.next, last_error = $3, claim_id = NULL${touch}
             FROM unnest($4::${this.keyType}[], $5::int[], $6::timestamptz[]) AS u(key, attempts, next)
            WHERE t.tenant_id = $1 AND t.${key} = u.key AND t.claim_id = $2
            RETURNING t.${key}`,
          params,
        ),
      ).map((row) => String(row[key]));
    }
    let exhausted: FailureOutcome['exhausted'] = [];
    if (giveUp.length > 0) {
      const held = returnedRows<Record<string, unknown>>(
        await em.query(
          `UPDATE ${table} t SET attempts = u.attempts, last_error = $3
             FROM unnest($4::${this.keyType}[], $5::int[]) AS u(key, attempts)
            WHERE t.tenant_id = $1 AND t.${key} = u.key AND t.claim_id = $2
            RETURNING t.${key}`,
          [tenantId, claimId, message, giveUp.map((job) => job.key), giveUp.map((job) => job.attempts + 1)],
        ),
      );
      const keys = new Set(held.map((row) => String(row[key])));
      exhausted = giveUp.filter((job) => keys.has(job.key)).map((job) => ({ key: job.key, attempt: job.attempts + 1, error: message }));
    }
    return { retried, exhausted };
  }
}
