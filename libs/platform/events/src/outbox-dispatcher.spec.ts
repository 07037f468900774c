import { Database, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext, TenantContextMissingError } from '@kommuna/platform-tenancy';
import { createTestDatabase, createTestTenants, useTestDatabase } from '@kommuna/platform-testing';
import { DEFAULT_OUTBOX_BATCH_SIZE, EventHandler, OutboxDispatcher, OutboxEvent } from './outbox-dispatcher';
import { OutboxEventNotFoundError, OutboxHousekeeping, outboxDeadLetters } from './outbox-housekeeping';
import { recordEvent, recordEvents } from './record-event';

describe('transactional outbox', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);
  let sundsvall: Tenant;
  let ange: Tenant;
  beforeAll(async () => {
    [sundsvall, ange] = await createTestTenants(db(), { slug: 'sundsvall' }, { slug: 'ange' });
  });

  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>): Promise<T> =>
    requestContext.run({ requestId: 't', tenantId: tenant.id }, work);
  /** The test events' data is { n }: their number. */
  const nOf = (event: OutboxEvent): number => (event.data as { n: number }).n;
  const emit = (tenant: Tenant, type: string, data: Record<string, unknown>) =>
    inTenant(tenant, () => db().transaction((em) => recordEvent(em, { type, source: '/test', data })));
  const outboxRows = (tenant: Tenant) =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        em.query(`SELECT type, data, published_at, attempts, last_error FROM outbox_event ORDER BY occurred_at, id`),
      ),
    );

  afterEach(async () => {
    for (const tenant of [sundsvall, ange]) {
      await inTenant(tenant, () =>
        db().transaction((em) => em.query(`UPDATE outbox_event SET published_at = now() WHERE published_at IS NULL`)),
      );
    }
  });

  it('refuses to record an event outside a tenant', async () => {
    await expect(db().platformTransaction((em) => recordEvent(em, { type: 'x', source: '/test', data: {} }))).rejects.toBeInstanceOf(
      TenantContextMissingError,
    );
  });

  it('publishes each event to the handlers of its type, in its own tenant, once', async () => {
    await emit(sundsvall, 'test.a', { n: 1 });
    await emit(ange, 'test.a', { n: 2 });
    await emit(ange, 'test.b', { n: 3 });
    const seen: Array<{ type: string; n: number; tenant: string; contextTenant: string }> = [];
    const handler: EventHandler = {
      name: 'collector',
      types: ['test.a'],
      handle: async (event) => {
        seen.push({ type: event.type, n: nOf(event), tenant: event.tenantId, contextTenant: requestContext.tenantId() });
      },
    };
    const dispatcher = new OutboxDispatcher(db(), [handler]);
    expect(await dispatcher.drain()).toBe(3);
    expect(seen.sort((a, b) => a.n - b.n)).toEqual([
      { type: 'test.a', n: 1, tenant: sundsvall.id, contextTenant: sundsvall.id },
      { type: 'test.a', n: 2, tenant: ange.id, contextTenant: ange.id },
    ]);
    expect(await dispatcher.drain()).toBe(0);
    expect(seen).toHaveLength(2);
    expect((await outboxRows(ange)).every((r: any) => r.published_at !== null)).toBe(true);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    await expect(
      inTenant(sundsvall, () =>
        db().transaction(async (em) => {
          await recordEvent(em, { type: 'test.lost', source: '/test', data: {} });
          throw new Error('the change failed');
        }),
      ),
    ).rejects.toThrow('the change failed');
    const seen: OutboxEvent[] = [];
    await new OutboxDispatcher(db(), [{ name: 'c', types: ['test.lost'], handle: async (e) => void seen.push(e) }]).drain();
    expect(seen).toEqual([]);
  });

  it("records many events in one statement, in the caller's tenant and transaction, each published once", async () => {
    const ids = await inTenant(sundsvall, () =>
      db().transaction((em) =>
        recordEvents(em, [
          { type: 'test.many', source: '/test', subject: 'one', data: { n: 1 } },
          { type: 'test.many', source: '/test', data: { n: 2 } },
          { type: 'test.other', source: '/test', subject: 'three', data: { n: 3 } },
        ]),
      ),
    );
    expect(new Set(ids).size).toBe(3);
    const rows = await inTenant(sundsvall, () =>
      db().transaction((em) => em.query(`SELECT id, tenant_id, type, subject, data FROM outbox_event WHERE id = ANY($1::uuid[])`, [ids])),
    );
    const byId = new Map(rows.map((r: any) => [r.id, r]));
    expect(
      ids.map((id) => {
        const r: any = byId.get(id);
        return [r.tenant_id, r.type, r.subject, r.data];
      }),
    ).toEqual([
      [sundsvall.id, 'test.many', 'one', { n: 1 }],
      [sundsvall.id, 'test.many', null, { n: 2 }],
      [sundsvall.id, 'test.other', 'three', { n: 3 }],
    ]);
    expect(
      await inTenant(ange, () => db().transaction((em) => em.query(`SELECT id FROM outbox_event WHERE id = ANY($1::uuid[])`, [ids]))),
    ).toEqual([]);
    const seen: number[] = [];
    const dispatcher = new OutboxDispatcher(db(), [
      { name: 'many', types: ['test.many'], handle: async (event) => void seen.push(nOf(event)) },
    ]);
    await dispatcher.drain();
    expect(seen.sort()).toEqual([1, 2]);
    // Rolled back with its transaction, like a single event; nothing at all outside a tenant.
    await expect(
      inTenant(sundsvall, () =>
        db().transaction(async (em) => {
          await recordEvents(em, [{ type: 'test.many', source: '/test', data: { n: 9 } }]);
          throw new Error('undo');
        }),
      ),
    ).rejects.toThrow('undo');
    expect(await dispatcher.drain()).toBe(0);
    expect(seen).toHaveLength(2);
    await expect(db().platformTransaction((em) => recordEvents(em, [{ type: 'x', source: '/test', data: {} }]))).rejects.toBeInstanceOf(
      TenantContextMissingError,
    );
  });

  it('keeps a failing event with its error, undoes the handler writes, and retries it', async () => {
    await emit(sundsvall, 'test.flaky', { n: 1 });
    let calls = 0;
    const errors: string[] = [];
    const flaky: EventHandler = {
      name: 'flaky',
      types: ['test.flaky'],
      handle: async (_event, em) => {
        calls++;
        // A write that must vanish with the failure: it would be a second event otherwise.
        await recordEvent(em, { type: 'test.side-effect', source: '/test', data: { call: calls } });
        if (calls === 1) throw new Error('operator unavailable');
      },
    };
    const dispatcher = new OutboxDispatcher(db(), [flaky], {
      backoffMs: () => 0,
      onError: (e, f) => errors.push(`${f?.handler}: ${e.message}`),
    });
    expect(await dispatcher.dispatchOnce()).toBe(0);
    expect(errors).toEqual(['flaky: operator unavailable']);
    let rows = await outboxRows(sundsvall);
    expect(rows.filter((r: any) => r.type === 'test.flaky')).toEqual([
      expect.objectContaining({ published_at: null, attempts: 1, last_error: 'flaky: operator unavailable' }),
    ]);
    expect(rows.filter((r: any) => r.type === 'test.side-effect')).toEqual([]);

    expect(await dispatcher.dispatchOnce()).toBe(1);
    rows = await outboxRows(sundsvall);
    expect(rows.filter((r: any) => r.type === 'test.side-effect').map((r: any) => r.data)).toEqual([{ call: 2 }]);
    expect(rows.find((r: any) => r.type === 'test.flaky')).toEqual(expect.objectContaining({ attempts: 1, last_error: null }));
  });

  it('publishes the rest of a batch when one of its events fails, each write kept once', async () => {
    for (let n = 1; n <= 5; n++) await emit(sundsvall, 'test.mixed', { n });
    const calls: number[] = [];
    const handler: EventHandler = {
      name: 'mixed',
      types: ['test.mixed'],
      handle: async (event, em) => {
        calls.push(nOf(event));
        // Idempotent by event id, as handlers must be: the batch may be run a second time.
        await em.query(
          `INSERT INTO outbox_event (tenant_id, id, type, source, data) VALUES ($1, $2, 'test.mixed-done', '/test', $3) ON CONFLICT DO NOTHING`,
          [
            event.tenantId,
            // A fresh id per source event, derived from it (a uuid with its last digit changed).
            `${event.id.slice(0, -1)}${event.id.endsWith('0') ? '1' : '0'}`,
            { n: nOf(event) },
          ],
        );
        if (nOf(event) === 3) throw new Error('refused');
      },
    };
    const errors: string[] = [];
    const dispatcher = new OutboxDispatcher(db(), [handler], {
      backoffMs: () => 60_000,
      onError: (e, f) => errors.push(`${f?.handler}: ${e.message}`),
    });
    expect(await dispatcher.dispatchOnce()).toBe(4);
    expect(errors).toEqual(['mixed: refused']);
    // The failing event reached the handler once this round; the others were run again after the rollback.
    expect(calls.filter((n) => n === 3)).toHaveLength(1);
    const rows = await outboxRows(sundsvall);
    expect(
      rows
        .filter((r: any) => r.type === 'test.mixed-done')
        .map((r: any) => r.data.n)
        .sort(),
    ).toEqual([1, 2, 4, 5]);
    expect(rows.filter((r: any) => r.type === 'test.mixed').map((r: any) => [r.data.n, r.published_at === null, r.attempts])).toEqual(
      expect.arrayContaining([
        [1, false, 0],
        [2, false, 0],
        [3, true, 1],
        [4, false, 0],
        [5, false, 0],
      ]),
    );
  });

  it("hands a batch handler all of a batch's events of its types at once, in order", async () => {
    // Each a millisecond apart: events written in the same clock tick have no order of their own
    // (PGlite's clock can tick in whole milliseconds), and this test is about the order.
    const start = Date.now();
    for (let n = 1; n <= 4; n++)
      await inTenant(sundsvall, () =>
        db().transaction((em) =>
          em.query(`INSERT INTO outbox_event (tenant_id, type, source, data, occurred_at) VALUES ($1, $2, '/test', $3, $4)`, [
            sundsvall.id,
            n % 2 ? 'test.odd' : 'test.even',
            JSON.stringify({ n }),
            new Date(start + n),
          ]),
        ),
      );
    const batches: number[][] = [];
    const single: number[] = [];
    const handlers: EventHandler[] = [
      {
        name: 'odd-batch',
        types: ['test.odd'],
        handle: async () => void batches.push([-1]),
        handleBatch: async (events) => void batches.push(events.map((e) => nOf(e))),
      },
      { name: 'each', types: ['test.odd', 'test.even'], handle: async (event) => void single.push(nOf(event)) },
    ];
    expect(await new OutboxDispatcher(db(), handlers).dispatchOnce()).toBe(4);
    expect(batches).toEqual([[1, 3]]);
    expect(single).toEqual([1, 2, 3, 4]);
  });

  it('after a batch handler fails, runs the batch event by event: only the failing event is kept', async () => {
    for (let n = 1; n <= 4; n++) await emit(sundsvall, 'test.batched', { n });
    const handler: EventHandler = {
      name: 'batched',
      types: ['test.batched'],
      handle: async (event, em) => {
        if (nOf(event) === 2) throw new Error('refused');
        await em.query(
          `INSERT INTO outbox_event (tenant_id, id, type, source, data) VALUES ($1, $2, 'test.batched-done', '/test', $3) ON CONFLICT DO NOTHING`,
          [event.tenantId, `${event.id.slice(0, -1)}${event.id.endsWith('0') ? '1' : '0'}`, { n: nOf(event) }],
        );
      },
      handleBatch: async (events, em) => {
        // Writes something, then fails on event 2: the write must not survive.
        await em.query(`INSERT INTO outbox_event (tenant_id, type, source, data) VALUES ($1, 'test.batched-partial', '/test', '{}')`, [
          events[0].tenantId,
        ]);
        if (events.some((e) => nOf(e) === 2)) throw new Error('refused in batch');
      },
    };
    const errors: string[] = [];
    const dispatcher = new OutboxDispatcher(db(), [handler], {
      backoffMs: () => 60_000,
      onError: (e, f) => errors.push(`${f?.handler}: ${f && nOf(f.event)}: ${e.message}`),
    });
    expect(await dispatcher.dispatchOnce()).toBe(3);
    expect(errors).toEqual(['batched: 2: refused']);
    const rows = await outboxRows(sundsvall);
    expect(rows.filter((r: any) => r.type === 'test.batched-partial')).toEqual([]);
    expect(
      rows
        .filter((r: any) => r.type === 'test.batched-done')
        .map((r: any) => r.data.n)
        .sort(),
    ).toEqual([1, 3, 4]);
    expect(rows.filter((r: any) => r.type === 'test.batched').map((r: any) => [r.data.n, r.published_at === null, r.attempts])).toEqual(
      expect.arrayContaining([
        [1, false, 0],
        [2, true, 1],
        [3, false, 0],
        [4, false, 0],
      ]),
    );
  });

  it('waits out the backoff before retrying', async () => {
    await emit(sundsvall, 'test.down', {});
    let calls = 0;
    const dispatcher = new OutboxDispatcher(db(), [
      {
        name: 'down',
        types: ['test.down'],
        handle: async () => {
          calls++;
          throw new Error('down');
        },
      },
    ]);
    await dispatcher.drain();
    await dispatcher.drain();
    expect(calls).toBe(1);
  });

  it("is fair between municipalities: one's backlog of 1,000 events does not hold back another's single event", async () => {
    await inTenant(sundsvall, () =>
      db().transaction((em) =>
        recordEvents(
          em,
          Array.from({ length: 1000 }, (_, n) => ({ type: 'test.backlog', source: '/test', data: { n } })),
        ),
      ),
    );
    await emit(ange, 'test.backlog', { n: -1 });
    const rounds: Array<Array<{ tenant: string; n: number }>> = [];
    let current: Array<{ tenant: string; n: number }> = [];
    const dispatcher = new OutboxDispatcher(db(), [
      { name: 'collector', types: ['test.backlog'], handle: async (event) => void current.push({ tenant: event.tenantId, n: nOf(event) }) },
    ]);
    for (let round = 0; round < 3; round++) {
      current = [];
      await dispatcher.dispatchOnce();
      rounds.push(current);
    }
    // The first round takes one batch of the backlog and Ånge's event; Ånge has nothing more.
    const batch = DEFAULT_OUTBOX_BATCH_SIZE;
    expect(rounds[0].filter((e) => e.tenant === ange.id)).toEqual([{ tenant: ange.id, n: -1 }]);
    expect(rounds[0].filter((e) => e.tenant === sundsvall.id)).toHaveLength(batch);
    expect(rounds[1].map((e) => e.tenant)).toEqual(Array(batch).fill(sundsvall.id));
    expect(await dispatcher.drain()).toBe(1000 - 3 * batch);
  });

  it("does not hold one municipality's next batches while another's batch is still under way", async () => {
    // On a server each batch has its own connection; the embedded database's one session runs them one after another.
    const overlapping = Boolean(process.env.DATABASE_URL);
    await emit(ange, 'test.overlap', { n: 0 });
    for (let n = 1; n <= 15; n++) await emit(sundsvall, 'test.overlap', { n });
    const handled: number[] = [];
    let sundsvallDone: () => void = () => undefined;
    const allOfSundsvall = new Promise<void>((resolve) => (sundsvallDone = resolve));
    const dispatcher = new OutboxDispatcher(
      db(),
      [
        {
          name: 'overlap',
          types: ['test.overlap'],
          handle: async (event) => {
            // Ånge's batch ends only once Sundsvall's three batches are handled (or after 10 s, which fails the test):
            // with rounds that wait for their slowest batch, Sundsvall's second would wait for this one.
            if (overlapping && event.tenantId === ange.id) await Promise.race([allOfSundsvall, new Promise((r) => setTimeout(r, 10_000))]);
            handled.push(nOf(event));
            if (handled.filter((n) => n > 0).length === 15) sundsvallDone();
          },
        },
      ],
      { batchSize: 5 },
    );
    expect(await dispatcher.drain()).toBe(16);
    expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, n) => n));
    // Ånge's event, the first claimed, was handled last: Sundsvall's three batches went on meanwhile.
    if (overlapping) expect(handled.indexOf(0)).toBe(15);
  });

  it('makes an event whose attempts are spent a dead letter, which a tenant admin sees and queues again', async () => {
    const id = await emit(sundsvall, 'test.dead', { n: 1 });
    let broken = true;
    let calls = 0;
    const failures: string[] = [];
    const dispatcher = new OutboxDispatcher(
      db(),
      [
        {
          name: 'fragile',
          types: ['test.dead'],
          handle: async () => {
            calls++;
            if (broken) throw new Error('the receiving table is missing');
          },
        },
      ],
      { maxAttempts: 3, backoffMs: () => 0, onError: (error) => failures.push(error.message) },
    );
    for (let round = 0; round < 5; round++) await dispatcher.dispatchOnce();
    // Three attempts, then no more: the dead letter waits for a person.
    expect(calls).toBe(3);
    expect(failures).toHaveLength(3);
    const [row] = await inTenant(sundsvall, () =>
      db().transaction((em) =>
        em.query(`SELECT attempts, last_error, published_at, dead_lettered_at FROM outbox_event WHERE id = $1`, [id]),
      ),
    );
    expect(row).toMatchObject({ attempts: 3, last_error: 'fragile: the receiving table is missing', published_at: null });
    expect(row.dead_lettered_at).not.toBeNull();
    expect(await db().dataSource.query(`SELECT t AS id FROM outbox_tenants_with_due_events() t`)).not.toContainEqual({ id: sundsvall.id });

    const listed = await inTenant(sundsvall, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 10 })));
    expect(listed.items).toEqual([
      expect.objectContaining({ id, type: 'test.dead', attempts: 3, lastError: 'fragile: the receiving table is missing' }),
    ]);
    expect(listed.nextCursor).toBeNull();
    // Another municipality neither sees nor retries it.
    expect((await inTenant(ange, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 10 })))).items).toEqual([]);
    await expect(inTenant(ange, () => db().transaction((em) => outboxDeadLetters.retry(em, id)))).rejects.toBeInstanceOf(
      OutboxEventNotFoundError,
    );
    expect(await dispatcher.drain()).toBe(0);

    broken = false;
    const retried = await inTenant(sundsvall, () => db().transaction((em) => outboxDeadLetters.retry(em, id)));
    expect(retried).toMatchObject({ id, attempts: 0, lastError: 'fragile: the receiving table is missing' });
    expect(await dispatcher.drain()).toBe(1);
    expect(calls).toBe(4);
    expect((await inTenant(sundsvall, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 10 })))).items).toEqual([]);
    // A published event is no dead letter: retrying it again is refused.
    await expect(inTenant(sundsvall, () => db().transaction((em) => outboxDeadLetters.retry(em, id)))).rejects.toBeInstanceOf(
      OutboxEventNotFoundError,
    );
  });

  it('pages dead letters newest first and refuses a cursor it did not give out', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push(await emit(ange, 'test.page', { n }));
    await inTenant(ange, () =>
      db().transaction((em) =>
        em.query(
          `UPDATE outbox_event SET next_attempt_at = 'infinity', attempts = 25, last_error = 'x',
                  dead_lettered_at = now() - make_interval(mins => (data->>'n')::int) WHERE id = ANY($1::uuid[])`,
          [ids],
        ),
      ),
    );
    const page1 = await inTenant(ange, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 2 })));
    expect(page1.items.map((i) => i.id)).toEqual([ids[0], ids[1]]);
    const page2 = await inTenant(ange, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 2, after: page1.nextCursor })));
    expect(page2).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
    await expect(
      inTenant(ange, () => db().transaction((em) => outboxDeadLetters.list(em, { first: 2, after: 'bm90LWEtY3Vyc29y' }))),
    ).rejects.toThrow('The cursor is not one this list gave out');
  });

  it('housekeeping deletes published events past their retention, chunk by chunk, and keeps the rest', async () => {
    const old = async (tenant: Tenant, type: string, n: number) => {
      const id = await emit(tenant, type, { n });
      await inTenant(tenant, () =>
        db().transaction((em) => em.query(`UPDATE outbox_event SET occurred_at = now() - interval '8 days' WHERE id = $1`, [id])),
      );
      return id;
    };
    for (let n = 0; n < 5; n++) await old(sundsvall, 'test.aged', n);
    await old(ange, 'test.aged', 5);
    await emit(sundsvall, 'test.aged', { n: 6 });
    await new OutboxDispatcher(db(), []).drain();
    // Old but not published: a pending event and a dead letter.
    const pending = await old(sundsvall, 'test.aged-pending', 7);
    const dead = await old(sundsvall, 'test.aged-dead', 8);
    await inTenant(sundsvall, () =>
      db().transaction((em) =>
        em.query(`UPDATE outbox_event SET next_attempt_at = 'infinity', dead_lettered_at = now(), attempts = 25 WHERE id = $1`, [dead]),
      ),
    );
    // Pushed out of reach of the dispatcher for the moment (as an event in backoff is).
    await inTenant(sundsvall, () =>
      db().transaction((em) => em.query(`UPDATE outbox_event SET next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [pending])),
    );
    const housekeeping = new OutboxHousekeeping(db(), () => [sundsvall.id, ange.id], { retentionDays: 7, chunkSize: 2 });
    const before = await inTenant(sundsvall, () =>
      db().transaction((em) =>
        em.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NOT NULL AND occurred_at < now() - interval '7 days'`),
      ),
    );
    expect(await housekeeping.purgeOnce()).toBe(before[0].n + 1);
    const left = async (tenant: Tenant) =>
      (await outboxRows(tenant)).filter((r: any) => String(r.type).startsWith('test.aged')).map((r: any) => [r.type, r.data.n]);
    expect(await left(sundsvall)).toEqual(
      expect.arrayContaining([
        ['test.aged', 6],
        ['test.aged-pending', 7],
        ['test.aged-dead', 8],
      ]),
    );
    expect(await left(sundsvall)).toHaveLength(3);
    expect(await left(ange)).toEqual([]);
    expect(await housekeeping.purgeOnce()).toBe(0);
    expect(() => new OutboxHousekeeping(db(), () => [], { retentionDays: 0 })).toThrow('more than 0 days');
  });

  it('hands each event to exactly one of several dispatchers running at once', async () => {
    // On a server each dispatcher holds its own connection and SKIP LOCKED splits the rows;
    // embedded, the one PGlite session serialises them and the outcome must be the same.
    for (let i = 0; i < 60; i++) await emit(i % 2 ? sundsvall : ange, 'test.shared', { n: i });
    const handled: number[] = [];
    const handler: EventHandler = {
      name: 'shared',
      types: ['test.shared'],
      handle: async (event) => {
        handled.push(nOf(event));
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    };
    const dispatchers = [0, 1, 2].map(() => new OutboxDispatcher(db(), [handler], { batchSize: 7 }));
    const counts = await Promise.all(dispatchers.map((d) => d.drain()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describe('outbox tenant scan', () => {
  it('lets the tenant list through and nothing else', async () => {
    const database: Database = await createTestDatabase(PLATFORM_DATABASE_SCHEMA);
    try {
      const [tenant] = await createTestTenants(database, { slug: 'timra' });
      await requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
        database.transaction((em) => recordEvent(em, { type: 'test.x', source: '/test', data: { secret: 'x' } })),
      );
      expect(await database.dataSource.query(`SELECT t AS id FROM outbox_tenants_with_due_events() t`)).toEqual([{ id: tenant.id }]);
      // Outside a tenant context the events themselves stay invisible to the app role.
      expect(await database.platformTransaction((em) => em.query(`SELECT * FROM outbox_event`))).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
