import { ShutdownReport, stopInStages } from './shutdown';

describe('stopInStages (the worker on SIGTERM)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A part that stops when the test says so, noting when it was asked to. */
  function part(name: string, asked: string[]) {
    let done!: () => void;
    const stopped = new Promise<void>((resolve) => (done = resolve));
    return {
      part: {
        name,
        stop: () => {
          asked.push(name);
          return stopped;
        },
      },
      done,
    };
  }

  it('stops a stage’s parts together, the next stage after them, and says every few seconds what it still waits for', async () => {
    const asked: string[] = [];
    const reports: ShutdownReport[] = [];
    const [outbox, delivery, database] = [part('outbox', asked), part('digital-mail-delivery', asked), part('database', asked)];
    const stopping = stopInStages([[outbox.part, delivery.part], [database.part]], {
      report: (report) => reports.push(report),
      failed: () => undefined,
      reportEveryMs: 3000,
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(asked).toEqual(['outbox', 'digital-mail-delivery']);
    outbox.done();
    await jest.advanceTimersByTimeAsync(3000);
    expect(reports).toEqual([{ waitingFor: ['digital-mail-delivery'], elapsedMs: 3000 }]);
    delivery.done();
    await jest.advanceTimersByTimeAsync(3000);
    expect(asked).toEqual(['outbox', 'digital-mail-delivery', 'database']);
    expect(reports.at(-1)).toEqual({ waitingFor: ['database'], elapsedMs: 6000 });
    database.done();
    expect(await stopping).toBe(true);
    // No report once all have stopped.
    await jest.advanceTimersByTimeAsync(10_000);
    expect(reports).toHaveLength(2);
  });

  it('goes on past a part whose stop fails, names it, and says the shutdown was not clean', async () => {
    const failures: string[] = [];
    const closed: string[] = [];
    const clean = await stopInStages(
      [
        [
          {
            name: 'nats',
            stop: async () => {
              throw new Error('connection lost');
            },
          },
        ],
        [{ name: 'database', stop: async () => void closed.push('database') }],
      ],
      { report: () => undefined, failed: (name, error) => failures.push(`${name}: ${error.message}`) },
    );
    expect({ clean, failures, closed }).toEqual({ clean: false, failures: ['nats: connection lost'], closed: ['database'] });
  });
});
