/** Something the worker stops at shutdown: a background task, the NATS connection, the database. */
export interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

export interface ShutdownReport {
  /** What has not stopped yet, by name. */
  waitingFor: string[];
  /** Since the shutdown began. */
  elapsedMs: number;
}

/**
 * Stops `stages` in turn, the parts of a stage side by side (the background tasks together, then
 * NATS, then the database): a later stage may be needed by an earlier one's last work. Every
 * `reportEveryMs` while parts are still stopping, `report` is told which: a shutdown that outlasts
 * its grace period (Kubernetes' 30 s, the tests' 15 s) then says what it was waiting for. A part
 * whose stop fails is reported to `failed` and the shutdown goes on; resolves whether all stopped cleanly.
 */
export async function stopInStages(
  stages: readonly (readonly Stoppable[])[],
  options: {
    report: (report: ShutdownReport) => void;
    failed: (name: string, error: Error) => void;
    reportEveryMs?: number;
  },
): Promise<boolean> {
  const began = Date.now();
  const waiting = new Set<string>();
  const timer = setInterval(
    () => options.report({ waitingFor: [...waiting], elapsedMs: Date.now() - began }),
    options.reportEveryMs ?? 3000,
  );
  let clean = true;
  try {
    for (const stage of stages) {
      for (const part of stage) waiting.add(part.name);
      await Promise.all(
        stage.map(async (part) => {
          try {
            await part.stop();
          } catch (error) {
            clean = false;
            options.failed(part.name, error instanceof Error ? error : new Error(String(error)));
          } finally {
            waiting.delete(part.name);
          }
        }),
      );
    }
  } finally {
    clearInterval(timer);
  }
  return clean;
}
