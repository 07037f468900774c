import { inChunks } from './chunked';
import { drainRounds, PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('goes on at once while a round leaves work due, and waits the interval once it leaves none', async () => {
    const outcomes = [true, true, false, false];
    let rounds = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 1000, run: async () => outcomes[rounds++] ?? false });
    task.start();
    // "At once" is Node's shortest timer, 1 ms: three rounds by 10 ms, the third leaving nothing due.
    await jest.advanceTimersByTimeAsync(10);
    expect(rounds).toBe(3);
    await jest.advanceTimersByTimeAsync(990);
    expect(rounds).toBe(3);
    await jest.advanceTimersByTimeAsync(20);
    expect(rounds).toBe(4);
    await task.stop();
  });

  it('never overlaps rounds, and stop() waits for the round in hand and starts no other', async () => {
    let release!: () => void;
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 10,
      run: async () => {
        rounds++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => (release = resolve));
        active--;
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(1);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(1000);
    expect({ rounds, maxActive, active }).toEqual({ rounds: 1, maxActive: 1, active: 0 });
  });

  it('stop() ends a draining round after the claim in hand, not after the backlog (a worker stopped at the end of a bulk send)', async () => {
    // Each claim waits for the test to let it finish; the backlog is far more than one round drains.
    let release!: () => void;
    let claims = 0;
    const claimOnce = async () => {
      claims++;
      await new Promise<void>((resolve) => (release = resolve));
      return 250;
    };
    const task = new PeriodicTask({
      name: 'outbox',
      intervalMs: 10,
      run: async (stopping) => (await drainRounds(10, claimOnce, stopping)).more,
    });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(claims).toBe(2);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    // The claim in hand is finished, never cut short...
    expect(stopped).toBe(false);
    release();
    await stopping;
    // ...and no other begins, in this round or a next one.
    await jest.advanceTimersByTimeAsync(1000);
    expect(claims).toBe(2);
  });

  it('stop() ends the wait between rounds at once, and a task can be started again', async () => {
    let rounds = 0;
    const task = new PeriodicTask({ name: 'retention', intervalMs: 3_600_000, run: async () => void rounds++ });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(1);
    await task.stop();
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(2);
    await task.stop();
  });

  it('reports a failed round and carries on', async () => {
    const errors: string[] = [];
    let rounds = 0;
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 100,
      run: async () => {
        rounds++;
        if (rounds === 1) throw new Error('database away');
      },
      onError: (error) => errors.push(error.message),
    });
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    expect({ rounds, errors }).toEqual({ rounds: 2, errors: ['database away'] });
    await task.stop();
  });

  it('waits one interval before the first round when told to', async () => {
    let rounds = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 500, runAtStart: false, run: async () => void rounds++ });
    task.start();
    await jest.advanceTimersByTimeAsync(499);
    expect(rounds).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds).toBe(1);
    await task.stop();
  });
});

describe('drainRounds', () => {
  it('stops at the first empty round, or after the last allowed one saying more is due', async () => {
    const found = [3, 2, 0, 5];
    let i = 0;
    expect(await drainRounds(10, async () => found[i++])).toEqual({ total: 5, more: false });
    expect(i).toBe(3);
    expect(await drainRounds(2, async () => 4)).toEqual({ total: 8, more: true });
  });

  it('begins no further round once told to stop, and says more is due', async () => {
    const stopping = new AbortController();
    let rounds = 0;
    const drained = drainRounds(
      1000,
      async () => {
        if (++rounds === 3) stopping.abort();
        return 250;
      },
      stopping.signal,
    );
    expect(await drained).toEqual({ total: 750, more: true });
    expect(rounds).toBe(3);
  });
});

describe('inChunks', () => {
  it('goes on while chunks are full; once told to stop, begins no further chunk', async () => {
    const full = [1000, 1000, 400];
    let i = 0;
    expect(await inChunks(1000, async () => full[i++])).toBe(2400);
    const stopping = new AbortController();
    let chunks = 0;
    const purged = await inChunks(
      1000,
      async () => {
        if (++chunks === 2) stopping.abort();
        return 1000;
      },
      stopping.signal,
    );
    expect({ purged, chunks }).toEqual({ purged: 2000, chunks: 2 });
  });
});
