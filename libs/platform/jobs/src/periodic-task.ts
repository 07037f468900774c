/**
 * What one round of a periodic task reports: `true` when it stopped with work still due (a bulk
 * send, an outbox backlog), so the next round starts at once; anything else waits the interval.
 */
export type RoundOutcome = boolean | void;

export interface PeriodicTaskOptions {
  readonly name: string;
  /** Pause after a round that left nothing due (idle polling), or between scheduled runs. */
  readonly intervalMs: number;
  /** One round. A rejection goes to onError; the next round is scheduled either way. */
  readonly run: () => Promise<RoundOutcome>;
  /** Whether the first round runs at start (default) or one interval after it. */
  readonly runAtStart?: boolean;
  readonly onError?: (error: Error) => void;
}

/**
 * A loop a worker process runs until shutdown (the shape of platform-services' BackgroundTask):
 * one round at a time, never overlapping within the process, the next one scheduled when the last
 * has settled. Between replicas the rounds' own claims (SKIP LOCKED, leases) keep them apart.
 * `stop()` waits for the round in hand, so claimed work is committed or rolled back, never half-done.
 */
export class PeriodicTask {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.name = options.name;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(this.options.runAtStart === false ? this.options.intervalMs : 0);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.round().then((more) => {
        if (this.started) this.schedule(more ? 0 : this.options.intervalMs);
      });
    }, delayMs);
  }

  /** Never rejects: a failed round is reported and counts as idle. */
  private async round(): Promise<boolean> {
    try {
      return (await this.options.run()) === true;
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }
}

/**
 * Runs `round` up to `maxRounds` times in a row while each finds work; reports whether the last
 * one still did (so a PeriodicTask goes on at once instead of pausing with work due).
 */
export async function drainRounds(maxRounds: number, round: () => Promise<number>): Promise<{ total: number; more: boolean }> {
  let total = 0;
  for (let i = 0; i < maxRounds; i++) {
    const done = await round();
    total += done;
    if (done === 0) return { total, more: false };
  }
  return { total, more: maxRounds > 0 };
}
