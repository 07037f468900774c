import { requestContext } from '@kommuna/platform-tenancy';
import { FairTenantRounds } from './fair-rounds';

describe('FairTenantRounds', () => {
  it('rotates which municipality goes first, so none is always last', () => {
    const rounds = new FairTenantRounds({ label: 'test' });
    expect(rounds.order(['c', 'a', 'b'])).toEqual(['a', 'b', 'c']);
    expect(rounds.order(['a', 'b', 'c'])).toEqual(['b', 'c', 'a']);
    expect(rounds.order(['c', 'b', 'a'])).toEqual(['c', 'a', 'b']);
    expect(rounds.order(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    // The one after the last first goes first, even when that one has nothing due now.
    expect(rounds.order(['c', 'd'])).toEqual(['c', 'd']);
    expect(rounds.order(['a', 'b'])).toEqual(['a', 'b']);
    expect(rounds.order([])).toEqual([]);
  });

  it("runs each municipality's work in its own tenant context and request id", async () => {
    const rounds = new FairTenantRounds({ label: 'outbox', contextOf: (id) => ({ tenantSlug: `slug-${id}` }) });
    const seen = await rounds.run(['t2', 't1'], async (id) => ({
      id,
      tenant: requestContext.tenantId(),
      slug: requestContext.peek()?.tenantSlug,
      requestId: requestContext.peek()?.requestId,
    }));
    expect(seen).toEqual([
      { id: 't1', tenant: 't1', slug: 'slug-t1', requestId: 'outbox-t1' },
      { id: 't2', tenant: 't2', slug: 'slug-t2', requestId: 'outbox-t2' },
    ]);
  });

  it("works on several at once: a slow municipality's round does not hold up the others'", async () => {
    const rounds = new FairTenantRounds({ label: 'test', concurrency: 2 });
    let releaseSlow!: () => void;
    const done: string[] = [];
    const round = rounds.run(['a', 'b', 'c', 'd'], async (id) => {
      if (id === 'a') await new Promise<void>((resolve) => (releaseSlow = resolve));
      done.push(id);
      return id;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual(['b', 'c', 'd']);
    releaseSlow();
    // Results come in the round's order, whenever each finished.
    expect(await round).toEqual(['a', 'b', 'c', 'd']);
  });

  it('finishes the round when one municipality fails, then reports the failure; skips one it cannot place', async () => {
    const rounds = new FairTenantRounds({ label: 'test', contextOf: (id) => (id === 'gone' ? undefined : {}) });
    const done: string[] = [];
    await expect(
      rounds.run(['a', 'b', 'c', 'gone'], async (id) => {
        if (id === 'a') throw new Error('a failed');
        done.push(id);
      }),
    ).rejects.toThrow('a failed');
    expect(done).toEqual(['b', 'c']);
  });

  it('begins no further municipality once told to stop: those under way finish, their results alone are returned', async () => {
    const rounds = new FairTenantRounds({ label: 'test', concurrency: 2 });
    const stopping = new AbortController();
    const begun: string[] = [];
    const results = await rounds.run(
      ['a', 'b', 'c', 'd', 'e'],
      async (id) => {
        begun.push(id);
        if (id === 'c') stopping.abort();
        await new Promise((resolve) => setImmediate(resolve));
        return id;
      },
      stopping.signal,
    );
    expect({ begun, results }).toEqual({ begun: ['a', 'b', 'c'], results: ['a', 'b', 'c'] });
  });
});
