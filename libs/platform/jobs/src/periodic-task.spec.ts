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
});
