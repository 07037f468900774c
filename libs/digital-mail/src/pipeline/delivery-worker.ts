import { FairTenantRounds } from '@kommuna/platform-jobs';
import { requestContext } from '@kommuna/platform-tenancy';
import { Database, PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { DigitalMailAdapters, MAX_REACHABILITY_BATCH } from '../adapters/types';
import { digitalMailSettingsOf } from '../settings';
import { DeliveryQueue } from './delivery-queue';
import { expandSendBatches } from './expand-batches';
import { PrintRenderer, PrintRenderPool, renderInProcess } from './print-render-pool';
import { StepScheduler } from './step-scheduler';
import { deliverDigitally } from './steps/digital-delivery';
import { preparePaper } from './steps/paper';
import { releasePrintBatches } from './steps/print-release';
import { checkReachability } from './steps/reachability';
import { emptyRound, RoundResult, StepContext, workDone } from './steps/step-context';

export { defaultDeliveryBackoffMs } from './delivery-queue';
export type { RoundResult } from './steps/step-context';

export type AdaptersForTenant = (tenant: Tenant) => DigitalMailAdapters;

export interface DeliveryWorkerOptions {
  /** The clock; tests move it to pass backoff delays without waiting. */
  now?: () => Date;
  /** How long a claimed job is held before another worker may take it over (crash recovery). */
  leaseMs?: number;
  /** Attempts per step before a transient fault becomes FAILED. */
  maxAttempts?: number;
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
  reachabilityBatchSize?: number;
  digitalBatchSize?: number;
  /** Digital deliveries in flight at once (each letter is its own idempotent call). */
  digitalConcurrency?: number;
  paperBatchSize?: number;
  expandChunkSize?: number;
  /** A bulk send is expanded no further ahead than this many letters waiting for the reachability check (default 1,000). */
  maxWaitingLetters?: number;
  /**
   * Municipalities whose rounds run side by side in one process (default 4), so one municipality's
   * slow round (a bulk send's paper letters, a print batch handed over) does not hold up another's
   * letter. For runOnce() and drain(); the background task schedules claims (`claimConcurrency`).
   */
  tenantConcurrency?: number;
  /**
   * The background task's claims in flight at once (default half the database pool, 1 to 8), each one step of one municipality
   * (StepScheduler): a bulk send's steps overlap, and a free place goes to whichever unit has waited longest.
   */
  claimConcurrency?: number;
  /** While busy, how often the background task looks for municipalities with newly due work (default 100 ms). */
  pollMs?: number;
  /** Threads rendering print letters' PDFs (default: the cores but one, at most 4); 0 renders on the worker's own thread. */
  renderThreads?: number;
  /** The process's party register (one per process, its cache shared); a new one when absent. */
  parties?: PartyRegister;
  /** An open print batch is released after this long even if single letters keep arriving. */
  maxPrintBatchAgeMs?: number;
  /**
   * A print batch is closed once it holds this many letters (default 500; it may exceed it by less
   * than one paper claim) and handed over while the send goes on, so a large send's paper letters
   * progress with its digital ones and one hand-over stays a bounded piece of work.
   */
  maxPrintBatchLetters?: number;
  onError?: (error: Error, context: { tenantId: string; step: string }) => void;
}

/**
 * The digital-mail delivery pipeline (issue 6, part 2). Delivery rows are the jobs of a lease
 * queue (DeliveryQueue, on @kommuna/platform-jobs); each round gives every municipality with due
 * work one claim per step, fairly (FairTenantRounds: rotating order, several municipalities at
 * once), and the steps do the business: expand bulk sends, check reachability, deliver digitally
 * and prepare paper side by side, release print batches (steps/). A worker that dies mid-step
 * leaves its lease to expire and the job is taken again; the message id is the operator's
 * idempotency key, so a repeated delivery is still one letter.
 *
 * apps/worker (and the api on the embedded database) compose this with adapters and a schedule.
 */
export class DeliveryWorker {
  private readonly queue: DeliveryQueue;
  private readonly parties: PartyRegister;
  private readonly rounds: FairTenantRounds;
  private readonly renderPool: PrintRenderPool | undefined;
  private readonly render: PrintRenderer;
  private loop: ReturnType<DeliveryWorker['task']> | undefined;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly adapters: DigitalMailAdapters | AdaptersForTenant,
    private readonly options: DeliveryWorkerOptions = {},
  ) {
    this.queue = new DeliveryQueue(database, {
      now: options.now,
      leaseMs: options.leaseMs,
      maxAttempts: options.maxAttempts,
      backoffMs: options.backoffMs,
    });
    this.parties = options.parties ?? new PartyRegister(database);
    // Threads start on the first paper letter, so a worker that sends none has none.
    this.renderPool = options.renderThreads === 0 ? undefined : new PrintRenderPool(options.renderThreads);
    this.render = this.renderPool?.render ?? renderInProcess;
    this.rounds = new FairTenantRounds({
      label: 'digital-mail',
      concurrency: options.tenantConcurrency ?? 4,
      contextOf: (id) => {
        const tenant = this.tenantOf(id);
        return tenant ? { tenantSlug: tenant.slug } : undefined;
      },
    });
  }

  /** One round: every tenant with due work, every step once. */
  async runOnce(): Promise<RoundResult> {
    const results = await this.rounds.run(
      await this.dueTenants(),
      // contextOf above skips a tenant the directory does not know, so every id here has one.
      async (id) => {
        const tenant = this.tenantOf(id);
        return tenant ? this.runTenant(tenant) : emptyRound();
      },
    );
    const total = emptyRound();
    for (const result of results) for (const key of Object.keys(total) as Array<keyof RoundResult>) total[key] += result[key];
    return total;
  }

  /** Rounds until nothing more is due now (jobs in backoff wait for a later round). */
  async drain(maxRounds = 1000): Promise<RoundResult> {
    return (await this.drainRounds(maxRounds)).total;
  }

  /**
   * The pipeline as a background task: every step of every municipality with due work claimed on
   * its own, `claimConcurrency` at a time, fairly (StepScheduler); when nothing is due, it looks
   * again after `intervalMs`.
   */
  task(intervalMs = 1000, name = 'digital-mail-delivery'): { readonly name: string; start(): void; stop(): Promise<void> } {
    const scheduler = new StepScheduler({
      name,
      steps: STEPS,
      concurrency: this.options.claimConcurrency ?? this.defaultClaimConcurrency(),
      pollMs: this.options.pollMs ?? 100,
      dueTenants: () => this.dueTenants(),
      run: ({ tenantId, step }, stopping) => {
        const tenant = this.tenantOf(tenantId);
        if (!tenant) return Promise.resolve(0);
        return requestContext.run({ requestId: `digital-mail-${tenantId}`, tenantId, tenantSlug: tenant.slug }, () =>
          this.runStep(tenant, step as Step, stopping),
        );
      },
      onError: (error, unit) => this.options.onError?.(error, { tenantId: unit?.tenantId ?? '-', step: unit?.step ?? 'round' }),
    });
    return {
      name,
      start: () => scheduler.start(intervalMs),
      stop: async () => {
        await scheduler.stop();
        await this.renderPool?.close();
      },
    };
  }

  /** Runs the background task until stop(). */
  start(intervalMs = 1000): void {
    this.loop ??= this.task(intervalMs);
    this.loop.start();
  }

  /** Stops the background task, if started, and the render threads. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.renderPool?.close();
  }

  private async drainRounds(maxRounds: number): Promise<{ total: RoundResult }> {
    const total = emptyRound();
    for (let round = 0; round < maxRounds; round++) {
      const result = await this.runOnce();
      for (const key of Object.keys(total) as Array<keyof RoundResult>) total[key] += result[key];
      if (workDone(result) === 0) break;
    }
    return { total };
  }

  private tenantOf(id: string): Tenant | undefined {
    return this.tenants.all().find((t) => t.id === id);
  }

  private adaptersFor(tenant: Tenant): DigitalMailAdapters {
    return typeof this.adapters === 'function' ? this.adapters(tenant) : this.adapters;
  }

  /**
   * Half the database pool, between 1 and 8: every claim's lease is renewed through the pool while
   * its letters are delivered, and the process's other tasks (the outbox) need connections too. A
   * renewal kept waiting for a connection past the lease let another replica take the claim over.
   */
  private defaultClaimConcurrency(): number {
    const poolSize = (this.database.dataSource.options as { poolSize?: number }).poolSize ?? 8;
    return Math.max(1, Math.min(8, Math.floor(poolSize / 2)));
  }

  private async dueTenants(): Promise<string[]> {
    const due: Array<{ id: string }> = await this.database.dataSource.query(
      `SELECT t AS id FROM digital_mail_tenants_with_due_work($1) t`,
      [this.queue.now()],
    );
    return due.map((d) => d.id);
  }

  private contextFor(tenant: Tenant, stopping?: AbortSignal): StepContext {
    return {
      stopping,
      database: this.database,
      queue: this.queue,
      tenant,
      settings: digitalMailSettingsOf(tenant),
      adapters: this.adaptersFor(tenant),
      result: emptyRound(),
      render: this.render,
      onError: this.options.onError,
    };
  }

  /** One claim of one step for one municipality (the background task's unit); the work it did. */
  private async runStep(tenant: Tenant, step: Step, stopping: AbortSignal): Promise<number> {
    const ctx = this.contextFor(tenant, stopping);
    await this.steps[step](ctx);
    return workDone(ctx.result);
  }

  private readonly steps: Record<Step, (ctx: StepContext) => Promise<void>> = {
    expand: async (ctx) =>
      void (ctx.result.expanded += await expandSendBatches(
        this.database,
        this.parties,
        ctx.tenant.id,
        this.options.expandChunkSize ?? 500,
        this.options.maxWaitingLetters ?? 1000,
      )),
    // Letters that can go digitally are delivered in the reachability step's own claim, so its claim is
    // no larger than a digital one (a claim's lease is renewed while its letters are delivered).
    reachability: (ctx) =>
      checkReachability(
        ctx,
        Math.min(this.options.reachabilityBatchSize ?? MAX_REACHABILITY_BATCH, this.options.digitalBatchSize ?? 200),
        this.options.digitalConcurrency ?? 16,
      ),
    digital: (ctx) => deliverDigitally(ctx, this.options.digitalBatchSize ?? 200, this.options.digitalConcurrency ?? 16),
    paper: (ctx) =>
      preparePaper(ctx, this.options.paperBatchSize ?? 100, this.options.maxPrintBatchLetters ?? DEFAULT_MAX_PRINT_BATCH_LETTERS),
    print: (ctx) => releasePrintBatches(ctx, this.options.maxPrintBatchAgeMs ?? 3_600_000),
  };

  /** runOnce's unit: every step once, in order, so a letter can go all the way in one round. */
  private async runTenant(tenant: Tenant): Promise<RoundResult> {
    const ctx = this.contextFor(tenant);
    const step = async (name: Step): Promise<void> => {
      try {
        await this.steps[name](ctx);
      } catch (error) {
        // One step's fault (e.g. a database hiccup) must not stop the other steps or tenants.
        this.options.onError?.(error as Error, { tenantId: tenant.id, step: name });
      }
    };
    await step('expand');
    await step('reachability');
    // Digital delivery waits on the operator, paper rendering on the CPU: side by side they overlap.
    // They claim different stages, so no job is in both.
    await Promise.all([step('digital'), step('paper')]);
    await step('print');
    return ctx.result;
  }
}

/**
 * Letters per print batch before it is closed and handed over: about 0.4 s of one step's work on
 * the bench machine (the release of 907 letters held a step for 0.7 s), and a common size for a
 * print provider's batch.
 */
const DEFAULT_MAX_PRINT_BATCH_LETTERS = 500;

/** The pipeline's steps; each claims its own stage, so any of them may run beside the others. */
const STEPS = ['expand', 'reachability', 'digital', 'paper', 'print'] as const;
type Step = (typeof STEPS)[number];
