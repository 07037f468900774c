import { randomUUID } from 'node:crypto';
import { Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants, useTestDatabase } from '@kommuna/platform-testing';
import { LeaseQueue } from './lease-queue';
import { TEST_JOB_SCHEMA, TestJobEntity } from './testing/test-job-table';

interface TestJob {
  id: string;
  kind: string;
  attempts: number;
}

describe('LeaseQueue', () => {
  const db = useTestDatabase(TEST_JOB_SCHEMA);
  let sundsvall: Tenant;
  let ange: Tenant;
  let clock = new Date('2026-12-07T10:00:00Z');
  const now = () => clock;
  beforeAll(async () => {
    [sundsvall, ange] = await createTestTenants(db(), { slug: 'sundsvall' }, { slug: 'ange' });
  });

  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>): Promise<T> =>
    requestContext.run({ requestId: 't', tenantId: tenant.id }, work);
  const addJobs = (tenant: Tenant, kind: string, count: number) =>
    inTenant(tenant, async () => {
      const ids = Array.from({ length: count }, () => randomUUID());
      await db().transaction((em) =>
        em.query(
          `INSERT INTO test_job (tenant_id, id, kind, next_attempt_at, created_at)
           SELECT $1, id, $2, $3::timestamptz, $3::timestamptz + make_interval(secs => n) FROM unnest($4::uuid[]) WITH ORDINALITY AS u(id, n)`,
          [tenant.id, kind, clock, ids],
        ),
      );
      return ids;
    });
  const jobsOf = (tenant: Tenant, kind: string) =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        em.query(
          `SELECT id, claim_id, attempts, last_error, next_attempt_at, updated_at FROM test_job WHERE kind = $1 ORDER BY created_at`,
          [kind],
        ),
      ),
    );
  const queue = (options: { maxAttempts?: number } = {}) =>
    new LeaseQueue<TestJob>(
      db(),
      { table: 'test_job', key: 'id', returning: ['kind', 'attempts'], order: 'next_attempt_at, created_at', touchedColumn: 'updated_at' },
      { now, leaseMs: 60_000, backoffMs: (attempt) => attempt * 1000, ...options },
    );
  const claim = <Row extends object>(q: LeaseQueue<Row>, tenant: Tenant, kind: string, limit: number) =>
    inTenant(tenant, () => q.claim(tenant.id, (param) => `kind = ${param(kind)} AND completed_at IS NULL`, limit));

  it("claims a municipality's due jobs of a kind, oldest first, up to the limit, and leases them", async () => {
    const ids = await addJobs(sundsvall, 'claim', 5);
    await addJobs(sundsvall, 'other', 2);
    await addJobs(ange, 'claim', 2);
    const q = queue();
    const first = await claim(q, sundsvall, 'claim', 3);
    const idsOf = (rows: TestJob[]) => rows.map((r) => r.id).sort();
    expect(idsOf(first.rows)).toEqual(ids.slice(0, 3).sort());
    expect(first.rows.find((r) => r.id === ids[0])).toEqual({ id: ids[0], kind: 'claim', attempts: 0 });
    // The leased ones are not due again; the rest are.
    expect(idsOf((await claim(q, sundsvall, 'claim', 10)).rows)).toEqual(ids.slice(3).sort());
    expect((await claim(q, sundsvall, 'claim', 10)).rows).toEqual([]);
    const rows = await jobsOf(sundsvall, 'claim');
    expect(rows.slice(0, 3).every((r: { claim_id: string }) => r.claim_id === first.claimId)).toBe(true);
    expect(new Date(rows[0].next_attempt_at)).toEqual(new Date(clock.getTime() + 60_000));
    // A lease that ran out (its worker died) is claimed again.
    clock = new Date(clock.getTime() + 60_000);
    expect((await claim(q, sundsvall, 'claim', 10)).rows).toHaveLength(5);
  });

  it('holds its limit however many jobs are due (a claim once took every due row)', async () => {
    await addJobs(ange, 'many', 250);
    const q = queue();
    expect((await claim(q, ange, 'many', 100)).rows).toHaveLength(100);
    expect((await claim(q, ange, 'many', 100)).rows).toHaveLength(100);
    expect((await claim(q, ange, 'many', 100)).rows).toHaveLength(50);
  });

  it('takes at most perGroup.limit jobs of one group, so one backlog does not fill the claim', async () => {
    const backlog = await addJobs(sundsvall, 'group-a', 30);
    const small = [...(await addJobs(sundsvall, 'group-b', 5)), ...(await addJobs(sundsvall, 'group-c', 5))];
    const q = queue();
    const claimGrouped = (limit: number) =>
      inTenant(sundsvall, () =>
        q.claim(sundsvall.id, () => `kind LIKE 'group-%' AND completed_at IS NULL`, limit, undefined, { column: 'kind', limit: 6 }),
      );
    const countByKind = (rows: TestJob[]) => rows.reduce<Record<string, number>>((n, r) => ({ ...n, [r.kind]: (n[r.kind] ?? 0) + 1 }), {});
    const first = await claimGrouped(20);
    expect(countByKind(first.rows)).toEqual({ 'group-a': 6, 'group-b': 5, 'group-c': 5 });
    // The backlog's oldest six, not any six.
    expect(
      first.rows
        .filter((r) => r.kind === 'group-a')
        .map((r) => r.id)
        .sort(),
    ).toEqual(backlog.slice(0, 6).sort());
    expect(
      first.rows
        .filter((r) => r.kind !== 'group-a')
        .map((r) => r.id)
        .sort(),
    ).toEqual(small.sort());
    // The overall limit still holds, and what was locked but not taken is claimed next.
    const second = await claimGrouped(4);
    expect(second.rows.map((r) => r.id).sort()).toEqual(backlog.slice(6, 10).sort());
    // A group named as raised takes up to its own limit.
    const raised = await inTenant(sundsvall, () =>
      q.claim(sundsvall.id, () => `kind LIKE 'group-%' AND completed_at IS NULL`, 50, undefined, {
        column: 'kind',
        limit: 6,
        raised: { groups: ['group-a'], limit: 15 },
      }),
    );
    expect(raised.rows.map((r) => r.id).sort()).toEqual(backlog.slice(10, 25).sort());
    await expect(q.claim(sundsvall.id, () => 'true', 1, undefined, { column: 'kind; DROP TABLE test_job', limit: 1 })).rejects.toThrow(
      /not a plain column name/,
    );
  });

  it('records a failure only under its claim: back with a backoff while attempts remain, handed back once they are spent', async () => {
    const [a, b] = await addJobs(sundsvall, 'fail', 2);
    const q = queue({ maxAttempts: 2 });
    const { claimId, rows } = await claim(q, sundsvall, 'fail', 10);
    const failOnce = (claim: string, retryable: boolean, jobs = rows) =>
      inTenant(sundsvall, () =>
        db().transaction((em) =>
          q.fail(
            em,
            sundsvall.id,
            claim,
            jobs.map((r) => ({ key: r.id, attempts: r.attempts })),
            new Error('operator down'),
            retryable,
          ),
        ),
      );
    // A stranger's claim (the lease ran out and another worker took the jobs) records nothing.
    expect(await failOnce(randomUUID(), true)).toEqual({ retried: [], exhausted: [] });
    expect((await failOnce(claimId, true)).retried.sort()).toEqual([a, b].sort());
    const after = await jobsOf(sundsvall, 'fail');
    expect(
      after.map((r: { claim_id: string | null; attempts: number; last_error: string }) => [r.claim_id, r.attempts, r.last_error]),
    ).toEqual([
      [null, 1, 'operator down'],
      [null, 1, 'operator down'],
    ]);
    expect(new Date(after[0].next_attempt_at)).toEqual(new Date(clock.getTime() + 1000));
    expect(new Date(after[0].updated_at)).toEqual(clock);
    expect((await claim(q, sundsvall, 'fail', 10)).rows).toEqual([]);
    clock = new Date(clock.getTime() + 1000);
    const again = await claim(q, sundsvall, 'fail', 10);
    expect(again.rows.map((r) => r.attempts)).toEqual([1, 1]);
    // The second attempt was the last: both are handed back, still claimed, for the caller's final state.
    const spent = await failOnce(again.claimId, true, again.rows);
    expect(spent.retried).toEqual([]);
    expect(spent.exhausted.map((e) => [e.attempt, e.error]).sort()).toEqual([
      [2, 'operator down'],
      [2, 'operator down'],
    ]);
    expect((await jobsOf(sundsvall, 'fail')).map((r: { claim_id: string }) => r.claim_id)).toEqual([again.claimId, again.claimId]);
  });

  it('hands back jobs of a claim not begun (a stopping worker): due at once, no attempt counted, only under its claim', async () => {
    const ids = await addJobs(sundsvall, 'release', 4);
    const q = queue();
    const held = await claim(q, sundsvall, 'release', 4);
    // Another worker's claim cannot be given back by this one.
    expect(await inTenant(sundsvall, () => q.release(sundsvall.id, randomUUID(), ids))).toBe(0);
    expect(await inTenant(sundsvall, () => q.release(sundsvall.id, held.claimId, ids.slice(2)))).toBe(2);
    const rows = await jobsOf(sundsvall, 'release');
    expect(rows.map((r: { claim_id: string | null; attempts: number }) => [r.claim_id, r.attempts])).toEqual([
      [held.claimId, 0],
      [held.claimId, 0],
      [null, 0],
      [null, 0],
    ]);
    expect(new Date(rows[2].next_attempt_at)).toEqual(clock);
    // Claimed again at once, without waiting out the lease.
    expect((await claim(q, sundsvall, 'release', 10)).rows.map((r) => r.id).sort()).toEqual(ids.slice(2).sort());
  });

  it('gives up at once on a failure that is not retryable', async () => {
    const [id] = await addJobs(ange, 'permanent', 1);
    const q = queue();
    const { claimId, rows } = await claim(q, ange, 'permanent', 1);
    const outcome = await inTenant(ange, () =>
      db().transaction((em) => q.fail(em, ange.id, claimId, [{ key: rows[0].id, attempts: 0 }], new Error('refused'), false)),
    );
    expect(outcome).toEqual({ retried: [], exhausted: [{ key: id, attempt: 1, error: 'refused' }] });
  });

  it('renews the lease while the work runs, so a claim that outlasts one lease is not taken over', async () => {
    await addJobs(sundsvall, 'slow', 3);
    const q = new LeaseQueue<TestJob>(
      db(),
      { table: 'test_job', key: 'id', returning: ['kind', 'attempts'], order: 'next_attempt_at, created_at' },
      { now, leaseMs: 300 },
    );
    const held = await claim(q, sundsvall, 'slow', 10);
    expect(held.rows).toHaveLength(3);
    const leaseEnd = async () =>
      Math.min(...(await jobsOf(sundsvall, 'slow')).map((r: { next_attempt_at: Date }) => new Date(r.next_attempt_at).getTime()));
    const taken = await inTenant(sundsvall, () =>
      q.whileHeld(sundsvall.id, held, async () => {
        // The work outlasts its first lease: the clock passes it, and the queue renews the lease from there.
        clock = new Date(clock.getTime() + 1000);
        while ((await leaseEnd()) <= clock.getTime()) await new Promise((resolve) => setTimeout(resolve, 20));
        return (await claim(q, sundsvall, 'slow', 10)).rows;
      }),
    );
    expect(taken).toEqual([]);
    // Once the work is done the renewals stop: the lease runs out and the jobs can be claimed again.
    clock = new Date(clock.getTime() + 1000);
    expect((await claim(q, sundsvall, 'slow', 10)).rows).toHaveLength(3);
  });

  it("reads a claim as the table's entity when given one, and renews and fails its jobs by the entity's key", async () => {
    const ids = await addJobs(sundsvall, 'typed', 2);
    const q = new LeaseQueue<Pick<TestJobEntity, 'id' | 'kind' | 'attempts' | 'nextAttemptAt'>>(
      db(),
      {
        table: 'test_job',
        key: 'id',
        returning: ['kind', 'attempts', 'next_attempt_at'],
        order: 'next_attempt_at, created_at',
        entity: TestJobEntity,
      },
      { now, leaseMs: 300 },
    );
    const held = await claim(q, sundsvall, 'typed', 10);
    expect(held.rows).toEqual(ids.map((id) => ({ id, kind: 'typed', attempts: 0, nextAttemptAt: new Date(clock.getTime() + 300) })));
    const leaseEnd = async () =>
      Math.min(...(await jobsOf(sundsvall, 'typed')).map((r: { next_attempt_at: Date }) => new Date(r.next_attempt_at).getTime()));
    await inTenant(sundsvall, () =>
      q.whileHeld(sundsvall.id, held, async () => {
        // The clock passes the first lease: the renewal finds the jobs by the entity's key (id).
        clock = new Date(clock.getTime() + 1000);
        while ((await leaseEnd()) <= clock.getTime()) await new Promise((resolve) => setTimeout(resolve, 20));
      }),
    );
    const outcome = await inTenant(sundsvall, () =>
      db().transaction((em) =>
        q.fail(
          em,
          sundsvall.id,
          held.claimId,
          held.rows.map((row) => ({ key: row.id, attempts: row.attempts })),
          new Error('down'),
          true,
        ),
      ),
    );
    expect(outcome.retried.sort()).toEqual([...ids].sort());
  });

  it('never hands one job to two claims running at once', async () => {
    const ids = await addJobs(sundsvall, 'shared', 60);
    const queues = [queue(), queue(), queue()];
    const claimed: string[] = [];
    await Promise.all(
      queues.map(async (q) => {
        for (;;) {
          const { rows } = await claim(q, sundsvall, 'shared', 7);
          if (rows.length === 0) return;
          claimed.push(...rows.map((r) => r.id));
        }
      }),
    );
    expect(claimed.sort()).toEqual([...ids].sort());
  });

  it('refuses table and column names that are not plain identifiers', () => {
    expect(() => new LeaseQueue(db(), { table: 'test_job; DROP TABLE tenant', key: 'id', returning: [], order: 'created_at' })).toThrow(
      'is not a plain column or table name',
    );
    expect(() => new LeaseQueue(db(), { table: 'test_job', key: 'id', returning: [], order: 'created_at; --' })).toThrow(
      'is not a list of columns to order by',
    );
  });
});
