import { randomBytes } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { AckPolicy, connect, DeliverPolicy, NatsConnection } from 'nats';
import { Database, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { TENANT_EXTENSION } from './cloud-event';
import { NatsEventBridge } from './nats-bridge';
import { EVENT_STREAM, tenantEventSubjects } from './nats-subjects';
import { EventHandler, OutboxDispatcher, OutboxEvent } from './outbox-dispatcher';
import { recordEvent } from './record-event';

// The NATS server of these machines and CI (JetStream enabled); NATS_URL overrides it.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('NATS JetStream bridge (real server)', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);
  // Slugs of this run only: the stream on the shared server outlives the test.
  const run = randomBytes(4).toString('hex');
  let first: Tenant;
  let second: Tenant;
  let bridge: NatsEventBridge;
  let nc: NatsConnection;
  beforeAll(async () => {
    [first, second] = await createTestTenants(db(), { slug: `sundsvall-${run}` }, { slug: `timra-${run}` });
    const slugs = new Map([first, second].map((t) => [t.id, t.slug]));
    bridge = await NatsEventBridge.connect(NATS_URL, { slugOf: (id) => slugs.get(id) });
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await bridge?.close();
    await nc?.drain();
  });

  const emit = (tenant: Tenant, data: Record<string, unknown>, database: Database = db()) =>
    requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
      database.transaction((em) =>
        recordEvent(em, { type: EVENT_TYPES.formCompletionRequested, source: '/e-forms', subject: String(data.submissionId), data }),
      ),
    );
  const completion = (n: number) => ({
    submissionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    errandNumber: `E-${n}`,
    message: { sv: 'Komplettera', en: 'Complete' },
    requestedAt: '2026-03-01T10:00:00.000Z',
    subjectPartyId: null,
  });

  /** Everything stored on one municipality's subjects, read back through a fresh ordered consumer. */
  async function storedFor(tenant: Tenant): Promise<CloudEvent<unknown>[]> {
    const manager = await nc.jetstreamManager();
    const consumer = await manager.consumers.add(EVENT_STREAM, {
      filter_subject: tenantEventSubjects(tenant.slug),
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: 30_000_000_000,
    });
    const pending = consumer.num_pending;
    const events: CloudEvent<unknown>[] = [];
    if (pending > 0) {
      const messages = await (
        await nc.jetstream().consumers.get(EVENT_STREAM, consumer.name)
      ).fetch({ max_messages: pending, expires: 5000 });
      for await (const message of messages) {
        const headers = Object.fromEntries(
          [...(message.headers?.keys() ?? [])].map((key) => [key.toLowerCase(), message.headers?.get(key) ?? '']),
        );
        events.push(HTTP.toEvent({ headers, body: message.string() }) as CloudEvent<unknown>);
        if (events.length === pending) break;
      }
    }
    await manager.consumers.delete(EVENT_STREAM, consumer.name);
    return events;
  }

  it('publishes each outbox event once, as a CloudEvent, to its own municipality subject only', async () => {
    const ids = [await emit(first, completion(1)), await emit(first, completion(2)), await emit(second, completion(3))];
    expect(await new OutboxDispatcher(db(), [bridge]).drain()).toBe(3);

    const firsts = await storedFor(first);
    expect(firsts.map((e) => e.id).sort()).toEqual([ids[0], ids[1]].sort());
    for (const event of firsts) {
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({
        type: 'se.kommuna.eforms.completion.requested.v1',
        source: '/e-forms',
        [TENANT_EXTENSION]: first.slug,
      });
    }
    expect(firsts.map((e) => (e.data as { errandNumber: string }).errandNumber).sort()).toEqual(['E-1', 'E-2']);
    const seconds = await storedFor(second);
    expect(seconds.map((e) => [e.id, e[TENANT_EXTENSION]])).toEqual([[ids[2], second.slug]]);
  });

  it('stores an event once when the outbox delivers it again (same Nats-Msg-Id)', async () => {
    const id = await emit(second, completion(4));
    // A batch neighbour fails after the bridge published: the batch is rolled back and every
    // event handed to the handlers again, the bridge included.
    let batchCalls = 0;
    const flaky: EventHandler = {
      name: 'flaky',
      types: [EVENT_TYPES.formCompletionRequested],
      handle: async () => undefined,
      handleBatch: async () => {
        batchCalls++;
        throw new Error('down for a moment');
      },
    };
    const dispatcher = new OutboxDispatcher(db(), [bridge, flaky], { backoffMs: () => 0 });
    expect(await dispatcher.drain()).toBe(1);
    expect(batchCalls).toBe(1);
    const stored = (await storedFor(second)).filter((e) => e.id === id);
    expect(stored).toHaveLength(1);
    // And directly: a second publish of the same event is acknowledged as a duplicate.
    const event: OutboxEvent = {
      id,
      tenantId: second.id,
      type: EVENT_TYPES.formCompletionRequested,
      source: '/e-forms',
      subject: null,
      data: completion(4),
      occurredAt: new Date(),
      attempts: 1,
    };
    expect((await bridge.publish(event)).duplicate).toBe(true);
    expect((await storedFor(second)).filter((e) => e.id === id)).toHaveLength(1);
  });

  it('fails a publish the server cannot take, keeps that event in the outbox and publishes its batch neighbours', async () => {
    // Over the server's max_payload (1 MB by default): the client refuses it before anything is sent.
    const tooLarge = await emit(first, { ...completion(6), message: { sv: 'x'.repeat(1_100_000), en: 'Complete' } });
    const neighbour = await emit(first, completion(7));
    const errors: string[] = [];
    // Its retry an hour away, so the other tests' rounds leave it alone.
    const dispatcher = new OutboxDispatcher(db(), [bridge], { onError: (error) => errors.push(error.message), backoffMs: () => 3_600_000 });
    const published = await dispatcher.dispatchOnce();
    expect(published).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/MAX_PAYLOAD_EXCEEDED/i)]);
    const stored = (await storedFor(first)).map((e) => e.id);
    expect(stored).toContain(neighbour);
    expect(stored).not.toContain(tooLarge);
    const [kept] = await requestContext.run({ requestId: 't', tenantId: first.id }, () =>
      db().transaction((em) => em.query(`SELECT published_at, attempts, last_error FROM outbox_event WHERE id = $1`, [tooLarge])),
    );
    expect(kept).toMatchObject({ published_at: null, attempts: 1, last_error: expect.stringContaining('nats-bridge') });
  });

  it('keeps an event of an unknown municipality in the outbox with the reason', async () => {
    const [stranger] = await createTestTenants(db(), { slug: `ange-${run}` });
    await emit(stranger, completion(5));
    const errors: string[] = [];
    await new OutboxDispatcher(db(), [bridge], { onError: (error) => errors.push(error.message) }).dispatchOnce();
    expect(errors).toEqual([expect.stringContaining(`No municipality is known for tenant ${stranger.id}`)]);
    expect(await storedFor(stranger)).toEqual([]);
  });
});
