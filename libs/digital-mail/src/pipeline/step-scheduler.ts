/** One claim's worth of work: a step of one municipality's pipeline. */
export interface StepUnit {
  readonly tenantId: string;
  readonly step: string;
}

export interface StepSchedulerOptions {
  readonly name: string;
  /** The pipeline's steps, each claimed independently of the others. */
  readonly steps: readonly string[];
  /** Units (municipality × step) running at once in this process. */
  readonly concurrency: number;
  /**
   * While units run, due municipalities are looked up again this often: a municipality whose first
   * letter arrives during another's bulk send waits at most this long to be seen.
   */
  readonly pollMs: number;
  /** The municipalities with due work now. */
  readonly dueTenants: () => Promise<string[]>;
  /**
   * One claim of `step` for the municipality (in its tenant context); how much it did (0: nothing
   * to do now). `stopping` is aborted by stop(): the claim hands back what it has not begun.
   */
  readonly run: (unit: StepUnit, stopping: AbortSignal) => Promise<number>;
  readonly onError?: (error: Error, unit: StepUnit | undefined) => void;
}

/**
 * Fair, continuous claiming across municipalities (issue 24 item 1). Every step of every
 * municipality with due work is its own unit, and a unit is one claim of at most the step's batch
 * size. Up to `concurrency` units run at once, without rounds: when one finishes, the free place
 * goes to the unit that has waited longest since it last ran (never run: first), whichever
 * municipality it belongs to. So another municipality's single letter never waits behind a round
 * of a bulk send's steps (the slowest of which, a print batch handed over, used to hold every
 * municipality's next round), only for a free place, and at most one claim of each of the others'
 * units goes before it.
 *
 * A unit that found nothing rests until due work is looked up again (`pollMs`), or until another
 * step of its municipality did something (a letter checked for reachability is work for digital
 * delivery at once).
 */
export class StepScheduler {
  /** When each unit last started (a running count); units never started count 0. */
  private readonly lastStarted = new Map<string, number>();
  private started = 0;
  private loop: Promise<void> | undefined;
  /** The running loop's: aborted by stop(). */
  private stopping: AbortController | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: StepSchedulerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new Error(`StepScheduler: concurrency must be a whole number of at least 1, not ${options.concurrency}`);
  }

  get name(): string {
    return this.options.name;
  }

  /** Runs until stop(), pausing `idleMs` whenever nothing is due. */
  start(idleMs: number): void {
    if (this.loop) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        const done = await this.runUntilIdle(() => !stopping.signal.aborted, stopping.signal);
        if (done === 0 && !stopping.signal.aborted) await new Promise<void>((resolve) => this.sleepUnlessStopped(idleMs, resolve));
      }
    })();
  }

  /**
   * Stops starting units, tells those running to stop (they finish the calls under way and hand
   * back the rest of their claims) and waits for them.
   */
  async stop(): Promise<void> {
    this.stopping?.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Runs units until none has anything to do (every due unit found nothing since the last look-up)
   * or `keepGoing` says stop; returns the work done. Units are given `stopping` (stop()'s signal in the background task).
   */
  async runUntilIdle(keepGoing: () => boolean = () => true, stopping: AbortSignal = new AbortController().signal): Promise<number> {
    const { steps, concurrency, pollMs } = this.options;
    const running = new Map<string, Promise<void>>();
    const resting = new Set<string>();
    let due: string[] = [];
    let lookedUpAt = -Infinity;
    let total = 0;
    // A unit finished since the loop last looked: look again before waiting.
    let finished = false;
    while (keepGoing()) {
      finished = false;
      if (Date.now() - lookedUpAt >= pollMs) {
        try {
          due = await this.options.dueTenants();
        } catch (error) {
          this.options.onError?.(error as Error, undefined);
          due = [];
        }
        lookedUpAt = Date.now();
        resting.clear();
      }
      const waiting = due
        .flatMap((tenantId) => steps.map((step) => ({ tenantId, step, key: keyOf(tenantId, step) })))
        .filter((unit) => !running.has(unit.key) && !resting.has(unit.key));
      // Longest since it last started first; a stable sort keeps the look-up's order among equals.
      waiting.sort((a, b) => (this.lastStarted.get(a.key) ?? 0) - (this.lastStarted.get(b.key) ?? 0));
      for (const unit of waiting.slice(0, Math.max(0, concurrency - running.size))) {
        const before = this.lastStarted.get(unit.key);
        this.lastStarted.set(unit.key, ++this.started);
        const work = this.runUnit(unit, stopping).then((done) => {
          total += done;
          if (done > 0) {
            // Its municipality's other steps may have work now.
            for (const step of steps) resting.delete(keyOf(unit.tenantId, step));
          } else {
            resting.add(unit.key);
            // A claim that found nothing does not count as its turn: the unit keeps its place in line.
            if (before === undefined) this.lastStarted.delete(unit.key);
            else this.lastStarted.set(unit.key, before);
          }
          running.delete(unit.key);
          finished = true;
          this.wake?.();
        });
        running.set(unit.key, work);
      }
      if (running.size === 0) break;
      if (finished) continue;
      // Until a unit finishes or it is time to look up due work again.
      await new Promise<void>((resolve) => this.sleepUnlessStopped(Math.max(0, lookedUpAt + pollMs - Date.now()), resolve));
    }
    await Promise.all(running.values());
    return total;
  }

  private async runUnit(unit: StepUnit, stopping: AbortSignal): Promise<number> {
    try {
      return await this.options.run({ tenantId: unit.tenantId, step: unit.step }, stopping);
    } catch (error) {
      this.options.onError?.(error as Error, { tenantId: unit.tenantId, step: unit.step });
      return 0;
    }
  }

  /** One wait at a time (the loop's): ended early by a finished unit or stop(). */
  private sleepUnlessStopped(ms: number, resolve: () => void): void {
    const done = () => {
      clearTimeout(timer);
      if (this.wake === done) this.wake = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    this.wake = done;
  }
}

const keyOf = (tenantId: string, step: string) => `${tenantId} ${step}`;
