/**
 * What one round of a periodic task reports: `true` when it stopped with work still due (a bulk
 * send, an outbox backlog), so the next round starts at once; anything else waits the interval.
 */
export type RoundOutcome = boolean | void;

export interface PeriodicTaskOptions {
  readonly name: string;
  /** Pause after a round that left nothing due (idle polling), or between scheduled runs. */
  readonly intervalMs: number;
  /**
   * One round. A rejection goes to onError; the next round is scheduled either way. `stopping` is
   * aborted by stop(): a round that goes on claim after claim (a drain, a purge chunk by chunk,
   * every municipality in turn) ends after the claim in hand, and gives back or leaves to its
   * lease what it has not begun, so a shutdown is not held up by a backlog.
   */
  readonly run: (stopping: AbortSignal) => Promise<RoundOutcome>;
  /** Whether the first round runs at start (default) or one interval after it. */
  readonly runAtStart?: boolean;
  readonly onError?: (error: Error) => void;
}

/**
 * A loop a worker process runs until shutdown (the shape of platform-services' BackgroundTask):
 * one round at a time, never overlapping within the process, the next one scheduled when the last
 * has settled. Between replicas the rounds' own claims (SKIP LOCKED, leases) keep them apart.
 * `stop()` ends the wait between rounds at once, tells the round in hand to stop (its `stopping`
 * signal) and waits for it: claimed work is committed or rolled back, never half-done, and a
 * round draining a backlog stops after its current claim instead of draining it all.
 */
export class PeriodicTask {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The current run's signal (from start to stop); a new one for each start. */
  private stopping: AbortController | undefined;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.name = options.name;
  }

  start(): void {
    if (this.stopping && !this.stopping.signal.aborted) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.schedule(stopping.signal, this.options.runAtStart === false ? this.options.intervalMs : 0);
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(stopping: AbortSignal, delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.round(stopping).then((more) => {
        // Not after stop(), nor for a run a later start() has replaced.
        if (!stopping.aborted) this.schedule(stopping, more ? 0 : this.options.intervalMs);
      });
    }, delayMs);
  }

  /** Never rejects: a failed round is reported and counts as idle. */
  private async round(stopping: AbortSignal): Promise<boolean> {
    try {
      return (await this.options.run(stopping)) === true;
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }
}

/**
 * Runs `round` up to `maxRounds` times in a row while each finds work; reports whether the last
 * one still did (so a PeriodicTask goes on at once instead of pausing with work due). Once
 * `stopping` is aborted no further round begins, and it reports more due if the last found work.
 */
export async function drainRounds(
  maxRounds: number,
  round: () => Promise<number>,
  stopping?: AbortSignal,
): Promise<{ total: number; more: boolean }> {
  let total = 0;
  for (let i = 0; i < maxRounds; i++) {
    const done = await round();
    total += done;
    if (done === 0) return { total, more: false };
    if (stopping?.aborted) return { total, more: true };
  }
  return { total, more: maxRounds > 0 };
}
