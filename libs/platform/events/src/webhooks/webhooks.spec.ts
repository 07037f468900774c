import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { AUDIT_DATABASE_SCHEMA, AuditLog } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { TENANT_EXTENSION } from '../cloud-event';
import { EventHandler, OutboxDispatcher } from '../outbox-dispatcher';
import { OutboxHousekeeping } from '../outbox-housekeeping';
import { recordEvent, recordEvents } from '../record-event';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS, WebhookDeliveryWorker } from './delivery-worker';
import {
  DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS,
  DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS,
  WebhookDeliveryLogHousekeeping,
  WebhookEventLogHousekeeping,
} from './log-housekeeping';
import { WebhookFanOut } from './fan-out';
import { WEBHOOKS_DATABASE_SCHEMA } from './schema';
import { WebhookSubscriptions } from './subscriptions';
import { isAllowedAddress, WebhookTargetRefusedError } from './target-policy';

const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, WEBHOOKS_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = { entities: SCHEMAS.flatMap((s) => s.entities as []), migrations: SCHEMAS.flatMap((s) => s.migrations) };
const COMPLETION = 'se.kommuna.eforms.completion.requested.v1';
const RECEIVED = 'se.kommuna.eforms.submission.received.v1';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1: answers `answer()` (a status, or 'hang' to never answer). */
async function startReceiver(answer: () => number | 'hang' = () => 204) {
  const received: Received[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])), body });
      const status = answer();
      if (status === 'hang') open.add(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('webhooks', () => {
  const db = useTestDatabase(SCHEMA);
  let sundsvall: Tenant;
  let timra: Tenant;
  /** Only the ten-minute outage test's: no other test's subscription (a hanging receiver) shares its events. */
  let ange: Tenant;
  /** Only the concurrent-claims and fairness tests': their own subscriptions and backlogs. */
  let kramfors: Tenant;
  let solleftea: Tenant;
  /** Only the old-replay test's: its housekeeping runs weeks ahead. */
  let harnosand: Tenant;
  /** Only the delivery log's housekeeping test's: their deliveries are backdated. */
  let ljusdal: Tenant;
  let bollnas: Tenant;
  /** Only the hand-over tests': each its own municipality, so no other test's subscription shares its events. */
  let lulea: Tenant;
  let kalix: Tenant;
  let pitea: Tenant;
  let slugOf: (id: string) => string | undefined;
  let subscriptions: WebhookSubscriptions;
  const receivers: Array<{ close(): Promise<void> }> = [];
  let n = 0;

  beforeAll(async () => {
    [sundsvall, timra, ange, kramfors, solleftea, harnosand, ljusdal, bollnas, lulea, kalix, pitea] = await createTestTenants(
      db(),
      { slug: 'sundsvall' },
      { slug: 'timra' },
      { slug: 'ange' },
      { slug: 'kramfors' },
      { slug: 'solleftea' },
      { slug: 'harnosand' },
      { slug: 'ljusdal' },
      { slug: 'bollnas' },
      { slug: 'lulea' },
      { slug: 'kalix' },
      { slug: 'pitea' },
    );
    const slugs = new Map(
      [sundsvall, timra, ange, kramfors, solleftea, harnosand, ljusdal, bollnas, lulea, kalix, pitea].map((t) => [t.id, t.slug]),
    );
    slugOf = (id) => slugs.get(id);
    subscriptions = new WebhookSubscriptions(db(), 'test', slugOf);
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
  });

  const as = <T>(tenant: Tenant, work: () => Promise<T>) =>
    requestContext.run({ requestId: 't', tenantId: tenant.id, tenantSlug: tenant.slug }, work);
  const receiver = async (answer?: () => number | 'hang') => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  const emit = (tenant: Tenant, type: string = EVENT_TYPES.formCompletionRequested) =>
    as(tenant, () =>
      db().transaction((em) =>
        recordEvent(em, {
          type,
          source: '/e-forms',
          subject: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
          data: {
            submissionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            errandNumber: `E-${n}`,
            message: { sv: 'Komplettera', en: 'Complete' },
            requestedAt: '2026-03-01T10:00:00.000Z',
            subjectPartyId: null,
          },
        }),
      ),
    );
  const publish = () => new OutboxDispatcher(db(), [new WebhookFanOut(slugOf)]).drain();
  const worker = (options: Partial<ConstructorParameters<typeof WebhookDeliveryWorker>[1]> = {}) =>
    new WebhookDeliveryWorker(db(), { env: 'test', ...options });
  /** Rounds until `done` holds (deliveries in a short backoff become due between rounds). */
  const until = async (w: WebhookDeliveryWorker, done: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await done()); i++) {
      await w.runOnce();
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('delivers each subscribed event as a structured CloudEvent signed per Standard Webhooks, to its own municipality only', async () => {
    const sundsvallHook = await receiver();
    const timraHook = await receiver();
    const created = await as(sundsvall, () =>
      subscriptions.create({ url: sundsvallHook.url, eventTypes: [COMPLETION], description: 'Ärendesystem' }, 'admin-sundsvall'),
    );
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    // The secret is shown once: no read gives it again.
    expect(JSON.stringify(await as(sundsvall, () => subscriptions.list()))).not.toContain(created.secret.slice(6));
    const timraSub = await as(timra, () => subscriptions.create({ url: timraHook.url, eventTypes: [COMPLETION] }, 'admin-timra'));

    const ids = [await emit(sundsvall), await emit(timra), await emit(sundsvall, EVENT_TYPES.formSubmissionReceived)];
    await publish();
    expect(await worker().drain()).toBe(2);

    expect(sundsvallHook.received).toHaveLength(1);
    const [delivery] = sundsvallHook.received;
    // The reference library verifies id, timestamp and signature over the exact body.
    expect(() => new Webhook(created.secret).verify(delivery.body, delivery.headers)).not.toThrow();
    expect(() => new Webhook(timraSub.secret).verify(delivery.body, delivery.headers)).toThrow();
    expect(delivery.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    const event = HTTP.toEvent({ headers: delivery.headers, body: delivery.body }) as CloudEvent<{ errandNumber: string }>;
    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({ id: ids[0], type: COMPLETION, source: '/e-forms', [TENANT_EXTENSION]: 'sundsvall' });
    expect(timraHook.received.map((r) => JSON.parse(r.body))).toEqual([
      expect.objectContaining({ id: ids[1], [TENANT_EXTENSION]: 'timra' }),
    ]);

    const log = await as(sundsvall, () => subscriptions.deliveries(created.subscription.id));
    expect(log).toEqual([
      expect.objectContaining({
        id: delivery.headers['webhook-id'],
        eventId: ids[0],
        status: 'DELIVERED',
        attempts: 1,
        lastStatusCode: 204,
      }),
    ]);
  });

  it('retries a receiver that is down until it is up: every event arrives, each under one webhook-id', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const { subscription, secret } = await as(sundsvall, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
    const ids = [await emit(sundsvall), await emit(sundsvall), await emit(sundsvall)];
    await publish();
    const w = worker({ retryScheduleMs: [20, 20, 20, 20, 20, 20, 20, 20] });
    await until(w, () => hook.received.length >= 6);
    expect(hook.received.length).toBeGreaterThanOrEqual(6);
    const log = await as(sundsvall, () => subscriptions.deliveries(subscription.id));
    expect(log.every((d) => d.status === 'PENDING' && d.attempts >= 2 && d.lastStatusCode === 503 && d.lastError === 'HTTP 503')).toBe(
      true,
    );

    up = true;
    const delivered = async () =>
      (await as(sundsvall, () => subscriptions.deliveries(subscription.id))).every((d) => d.status === 'DELIVERED');
    await until(w, delivered);
    expect(await delivered()).toBe(true);
    const accepted = hook.received.slice(-3);
    for (const r of accepted) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    expect(accepted.map((r) => JSON.parse(r.body).id).sort()).toEqual([...ids].sort());
    // Every attempt of one event carried the same webhook-id: one id per event, three in all.
    const idsByEvent = new Map<string, Set<string>>();
    for (const r of hook.received)
      idsByEvent.set(JSON.parse(r.body).id, (idsByEvent.get(JSON.parse(r.body).id) ?? new Set()).add(r.headers['webhook-id']));
    expect([...idsByEvent.values()].map((s) => s.size)).toEqual([1, 1, 1]);
  });

  it('disables a subscription after persistent failure with the reason, and a replay after enabling it sends the range again', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 204 : 500));
    const { subscription } = await as(sundsvall, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
    const from = new Date();
    const id = await emit(sundsvall);
    await publish();
    const w = worker({ retryScheduleMs: [10, 10] });
    await until(w, async () => (await as(sundsvall, () => subscriptions.get(subscription.id))).status === 'DISABLED');

    const disabled = await as(sundsvall, () => subscriptions.get(subscription.id));
    expect(disabled.status).toBe('DISABLED');
    expect(disabled.disabledReason).toMatch(/failed on all 3 attempts .*the last: HTTP 500/);
    const [failed] = await as(sundsvall, () => subscriptions.deliveries(subscription.id));
    expect(failed).toMatchObject({ eventId: id, status: 'FAILED', attempts: 3, lastStatusCode: 500 });
    // Disabled: new events are not queued for it.
    await emit(sundsvall);
    await publish();
    expect(await as(sundsvall, () => subscriptions.deliveries(subscription.id))).toHaveLength(1);
    await expect(as(sundsvall, () => subscriptions.replay(subscription.id, from, new Date(), 'admin'))).rejects.toThrow(
      /Enable the subscription/,
    );

    up = true;
    const enabled = await as(sundsvall, () => subscriptions.update(subscription.id, { enabled: true }, 'admin'));
    expect(enabled).toMatchObject({ status: 'ACTIVE', disabledReason: null });
    // Both events of the range: the failed one again under its webhook-id, the missed one new.
    expect(await as(sundsvall, () => subscriptions.replay(subscription.id, from, new Date(Date.now() + 1000), 'admin'))).toBe(2);
    await w.drain();
    const log = await as(sundsvall, () => subscriptions.deliveries(subscription.id));
    expect(log.map((d) => d.status)).toEqual(['DELIVERED', 'DELIVERED']);
    expect(log.find((d) => d.eventId === id)?.id).toBe(failed.id);
    const accepted = hook.received.filter((r) => r.headers['webhook-id'] === failed.id);
    expect(accepted.length).toBe(4);
  });

  it('replays a delivered range under the same webhook-ids', async () => {
    const hook = await receiver();
    const { subscription } = await as(timra, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION, RECEIVED] }, 'admin'));
    const from = new Date();
    await emit(timra);
    await emit(timra, EVENT_TYPES.formSubmissionReceived);
    await publish();
    await worker().drain();
    const first = hook.received.map((r) => r.headers['webhook-id']).sort();
    expect(first).toHaveLength(2);
    await expect(as(timra, () => subscriptions.replay(subscription.id, new Date(), from, 'admin'))).rejects.toThrow(/from before to/);
    expect(await as(timra, () => subscriptions.replay(subscription.id, from, new Date(Date.now() + 1000), 'admin'))).toBe(2);
    await worker().drain();
    expect(
      hook.received
        .slice(2)
        .map((r) => r.headers['webhook-id'])
        .sort(),
    ).toEqual(first);
  });

  it("never shows or lets another municipality's admin manage a subscription", async () => {
    const hook = await receiver();
    const { subscription } = await as(sundsvall, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
    expect((await as(timra, () => subscriptions.list())).map((s) => s.id)).not.toContain(subscription.id);
    for (const attempt of <Array<() => Promise<unknown>>>[
      () => subscriptions.get(subscription.id),
      () => subscriptions.update(subscription.id, { url: 'http://127.0.0.1:1/elsewhere' }, 'admin'),
      () => subscriptions.delete(subscription.id, 'admin'),
      () => subscriptions.deliveries(subscription.id),
      () => subscriptions.replay(subscription.id, new Date(0), new Date(), 'admin'),
    ]) {
      await expect(as(timra, attempt)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await as(sundsvall, () => subscriptions.get(subscription.id))).url).toBe(hook.url);
  });

  it('refuses unknown event types and malformed targets with a clear error', async () => {
    await expect(as(sundsvall, () => subscriptions.create({ url: 'http://127.0.0.1:1/x', eventTypes: [] }, 'a'))).rejects.toThrow(
      /at least one event type/,
    );
    await expect(
      as(sundsvall, () => subscriptions.create({ url: 'http://127.0.0.1:1/x', eventTypes: ['se.kommuna.nothing.v1'] }, 'a')),
    ).rejects.toThrow(/Unknown event type se\.kommuna\.nothing\.v1/);
    await expect(as(sundsvall, () => subscriptions.create({ url: 'ftp://example.se/x', eventTypes: [COMPLETION] }, 'a'))).rejects.toThrow(
      /http or https/,
    );
    await expect(as(sundsvall, () => subscriptions.create({ url: 'not a url', eventTypes: [COMPLETION] }, 'a'))).rejects.toBeInstanceOf(
      WebhookTargetRefusedError,
    );
  });

  it('refuses private, loopback and link-local targets in production, at creation and at sending', async () => {
    const production = new WebhookSubscriptions(db(), 'production', slugOf);
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://192.168.0.10/',
      'https://169.254.169.254/latest',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/',
      'https://localhost/hook',
    ]) {
      await expect(as(sundsvall, () => production.create({ url, eventTypes: [COMPLETION] }, 'a'))).rejects.toMatchObject({
        code: 'WEBHOOK_TARGET_REFUSED',
      });
    }
    await expect(
      as(sundsvall, () => production.create({ url: 'http://93.184.215.14/hook', eventTypes: [COMPLETION] }, 'a')),
    ).rejects.toThrow(/must use https/);
    expect(isAllowedAddress('93.184.215.14', 'production')).toBe(true);
    expect(isAllowedAddress('100.64.0.1', 'production')).toBe(false);
    expect(isAllowedAddress('fd00::1', 'production')).toBe(false);
    expect(isAllowedAddress('127.0.0.1', 'development')).toBe(true);

    // A loopback subscription made in development is still refused by a production worker.
    const hook = await receiver();
    const { subscription } = await as(timra, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'a'));
    await emit(timra);
    await publish();
    await worker({ env: 'production', retryScheduleMs: [60_000] }).runOnce();
    expect(hook.received).toEqual([]);
    const [refused] = await as(timra, () => subscriptions.deliveries(subscription.id));
    expect(refused).toMatchObject({ status: 'PENDING', attempts: 1, lastError: '127.0.0.1 is an internal address: refused' });
    await as(timra, () => subscriptions.delete(subscription.id, 'admin'));
  });

  it("keeps a slow receiver from delaying another municipality's deliveries, and gives up on one at its timeout", async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    const slowSub = await as(sundsvall, () => subscriptions.create({ url: slow.url, eventTypes: [RECEIVED] }, 'a'));
    await as(timra, () => subscriptions.create({ url: fast.url, eventTypes: [RECEIVED] }, 'a'));
    await emit(sundsvall, EVENT_TYPES.formSubmissionReceived);
    await publish();
    const w = worker({ timeoutMs: 2000, retryScheduleMs: [60_000] });
    w.start(10);
    try {
      // Sundsvall's request is open (the receiver holds it) before Timrå's event even exists.
      for (let i = 0; i < 200 && slow.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(slow.received).toHaveLength(1);
      await emit(timra, EVENT_TYPES.formSubmissionReceived);
      await publish();
      for (let i = 0; i < 200 && fast.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(fast.received).toHaveLength(1);
      const [stillOpen] = await as(sundsvall, () => subscriptions.deliveries(slowSub.subscription.id));
      expect(stillOpen).toMatchObject({ status: 'PENDING', attempts: 0 });
    } finally {
      await w.stop();
    }
    const [timedOut] = await as(sundsvall, () => subscriptions.deliveries(slowSub.subscription.id));
    expect(timedOut).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: 'no answer within 2000 ms' });
  });

  /** `count` events of `type` in one transaction. */
  const emitMany = (tenant: Tenant, count: number, type: string = EVENT_TYPES.formSubmissionReceived) =>
    as(tenant, () =>
      db().transaction((em) =>
        recordEvents(
          em,
          Array.from({ length: count }, () => {
            const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
            return {
              type,
              source: '/e-forms',
              subject: id,
              data: { submissionId: id, errandNumber: `E-${n}`, formId: 'f', receivedAt: '2026-03-01T10:00:00.000Z', subjectPartyId: null },
            };
          }),
        ),
      ),
    );

  it('never sends a delivery twice when several workers claim the same backlog at once', async () => {
    const hook = await receiver();
    const subs = [];
    for (let i = 0; i < 3; i++)
      subs.push((await as(kramfors, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'))).subscription);
    await emitMany(kramfors, 100);
    await publish();
    // Three workers (as three replicas would), small claims, so many claims race for the same rows.
    const workers = [0, 1, 2].map(() => worker({ batchSize: 15, perSubscription: 4, maxInFlight: 12 }));
    const sent = await Promise.all(workers.map((w) => w.drain()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(300);
    const ids = hook.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    for (const sub of subs) {
      const log = await as(kramfors, () => subscriptions.deliveries(sub.id, { first: 200 }));
      expect(log).toHaveLength(100);
      expect(log.every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
    }
  });

  it("keeps one municipality's backlog to a slow receiver from holding up another's, and holds only a few of it at a time", async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    const slowSub = await as(kramfors, () => subscriptions.create({ url: slow.url, eventTypes: [COMPLETION] }, 'a'));
    const fastSub = await as(solleftea, () => subscriptions.create({ url: fast.url, eventTypes: [COMPLETION] }, 'a'));
    // The slow municipality's backlog is older, so a claim in order of due time would take it first.
    await emitMany(kramfors, 60, EVENT_TYPES.formCompletionRequested);
    await emitMany(solleftea, 40, EVENT_TYPES.formCompletionRequested);
    await publish();
    const w = worker({ timeoutMs: 4000, retryScheduleMs: [60_000], perSubscription: 4, maxInFlight: 8, batchSize: 20 });
    const started = Date.now();
    w.start(10);
    try {
      for (let i = 0; i < 400 && fast.received.length < 40; i++) await new Promise((r) => setTimeout(r, 10));
      // Every one of Solleftea's deliveries went out while Kramfors' first requests still hung.
      expect(fast.received).toHaveLength(40);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(slow.received).toHaveLength(4);
      const held: Array<{ n: string }> = await as(kramfors, () =>
        db().transaction((em) =>
          em.query(`SELECT count(*) AS n FROM webhook_delivery WHERE tenant_id = $1 AND claim_id IS NOT NULL`, [kramfors.id]),
        ),
      );
      // Claimed at most twice the subscription's requests at once: the other 52 stay free for other workers.
      expect(Number(held[0].n)).toBeLessThanOrEqual(8);
      // Their outcomes recorded too (each a moment after its answer), still before the slow ones' timeout.
      const fastDelivered = async () =>
        (await as(solleftea, () => subscriptions.deliveries(fastSub.subscription.id, { first: 100 }))).filter(
          (d) => d.status === 'DELIVERED',
        ).length;
      for (let i = 0; i < 100 && (await fastDelivered()) < 40; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await fastDelivered()).toBe(40);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await w.stop();
    }
    const slowLog = await as(kramfors, () => subscriptions.deliveries(slowSub.subscription.id, { first: 100 }));
    expect(slowLog.filter((d) => d.lastError === 'no answer within 4000 ms').length).toBeGreaterThanOrEqual(4);
    expect(slowLog.every((d) => d.status === 'PENDING')).toBe(true);
    await as(kramfors, () => subscriptions.delete(slowSub.subscription.id, 'a'));
  }, 60_000);

  it('replays events older than the outbox keeps, from the webhook event log, until its own retention has passed', async () => {
    const DAY = 86_400_000;
    const from = new Date(Date.now() - 1000);
    const ids = await emitMany(harnosand, 3);
    await publish();
    const to = new Date(Date.now() + 1000);
    // Twenty days on: the outbox's housekeeping (7 days) has deleted the published events.
    const inTwentyDays = () => new Date(Date.now() + 20 * DAY);
    expect(await new OutboxHousekeeping(db(), () => [harnosand.id], { now: inTwentyDays }).purgeOnce()).toBe(3);
    const outboxLeft: Array<{ n: string }> = await as(harnosand, () =>
      db().transaction((em) =>
        em.query(`SELECT count(*) AS n FROM outbox_event WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [harnosand.id, ids]),
      ),
    );
    expect(Number(outboxLeft[0].n)).toBe(0);
    // The event log keeps them for its own retention, which the housekeeping of that day leaves alone.
    expect(DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS).toBeGreaterThan(20);
    expect(await new WebhookEventLogHousekeeping(db(), () => [harnosand.id], { now: inTwentyDays }).purgeOnce()).toBe(0);

    // A subscription made then, which never had these events, is sent them by a replay of their range.
    const hook = await receiver();
    const { subscription, secret } = await as(harnosand, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'));
    expect(await as(harnosand, () => subscriptions.replay(subscription.id, from, to, 'admin'))).toBe(3);
    await worker().drain();
    expect(hook.received).toHaveLength(3);
    for (const r of hook.received) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    const events = hook.received.map((r) => HTTP.toEvent({ headers: r.headers, body: r.body }) as CloudEvent<unknown>);
    expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.type === RECEIVED && e[TENANT_EXTENSION] === 'harnosand' && e.validate())).toBe(true);

    // Once the log's retention has passed too, they are gone and a replay finds nothing.
    const pastRetention = () => new Date(Date.now() + (DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS + 1) * DAY);
    expect(await new WebhookEventLogHousekeeping(db(), () => [harnosand.id], { now: pastRetention, chunkSize: 2 }).purgeOnce()).toBe(3);
    expect(await as(harnosand, () => subscriptions.replay(subscription.id, from, to, 'admin'))).toBe(0);
    await as(harnosand, () => subscriptions.delete(subscription.id, 'admin'));
  });

  it("purges finished deliveries past their retention in bounded chunks, keeping pending and recent ones and other municipalities'", async () => {
    // In each municipality: a receiver that takes its events (DELIVERED), one that refuses them
    // until the subscription is given up (FAILED) and one its admin disabled (PENDING, parked).
    const subs = new Map<string, { ok: string; failing: string; parked: string }>();
    for (const tenant of [ljusdal, bollnas]) {
      const [ok, failing, parked] = [await receiver(), await receiver(() => 500), await receiver()];
      const created = await as(tenant, async () => ({
        ok: (await subscriptions.create({ url: ok.url, eventTypes: [COMPLETION] }, 'admin')).subscription.id,
        failing: (await subscriptions.create({ url: failing.url, eventTypes: [RECEIVED] }, 'admin')).subscription.id,
        parked: (await subscriptions.create({ url: parked.url, eventTypes: [COMPLETION] }, 'admin')).subscription.id,
      }));
      subs.set(tenant.id, created);
      await emitMany(tenant, 3, EVENT_TYPES.formCompletionRequested);
      await emitMany(tenant, 1, EVENT_TYPES.formSubmissionReceived);
      await publish();
      await as(tenant, () => subscriptions.update(created.parked, { enabled: false }, 'admin'));
    }
    const w = worker({ retryScheduleMs: [10] });
    const statuses = (tenant: Tenant) =>
      as(tenant, async () => {
        const { ok, failing, parked } = subs.get(tenant.id)!;
        const of = async (id: string) => (await subscriptions.deliveries(id, { first: 200 })).map((d) => d.status).join(',');
        return { ok: await of(ok), failing: await of(failing), parked: await of(parked) };
      });
    const settled = { ok: 'DELIVERED,DELIVERED,DELIVERED', failing: 'FAILED', parked: 'PENDING,PENDING,PENDING' };
    await until(w, async () =>
      (await Promise.all([ljusdal, bollnas].map(statuses))).every((s) => JSON.stringify(s) === JSON.stringify(settled)),
    );
    for (const tenant of [ljusdal, bollnas]) expect(await statuses(tenant)).toEqual(settled);

    // These events are from long ago; then two new ones arrive in Ljusdal and are delivered.
    for (const tenant of [ljusdal, bollnas])
      await as(tenant, () =>
        db().transaction((em) =>
          em.query(`UPDATE webhook_delivery SET event_time = event_time - interval '100 days' WHERE tenant_id = $1`, [tenant.id]),
        ),
      );
    await emitMany(ljusdal, 2, EVENT_TYPES.formCompletionRequested);
    await publish();
    await w.drain();

    // A purge in Ljusdal's context, three at a time: each chunk its own transaction of at most three.
    const chunks: unknown[] = [];
    const counted = Object.create(db()) as Database;
    counted.transaction = async (work) => {
      const result = await db().transaction(work);
      chunks.push(result);
      return result;
    };
    expect(DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS).toBeLessThan(100);
    expect(await new WebhookDeliveryLogHousekeeping(counted, () => [ljusdal.id], { chunkSize: 3 }).purgeOnce()).toBe(4);
    expect(chunks).toEqual([3, 1]);
    expect(await statuses(ljusdal)).toEqual({ ok: 'DELIVERED,DELIVERED', failing: '', parked: 'PENDING,PENDING,PENDING' });
    const recent = await as(ljusdal, () => subscriptions.deliveries(subs.get(ljusdal.id)!.ok));
    expect(recent.every((d) => Date.now() - d.eventTime.getTime() < 3_600_000)).toBe(true);
    // Bollnäs's deliveries, as old, are untouched until a purge in its own context.
    expect(await statuses(bollnas)).toEqual(settled);
    expect(await new WebhookDeliveryLogHousekeeping(db(), () => [ljusdal.id, bollnas.id]).purgeOnce()).toBe(4);
    expect(await statuses(bollnas)).toEqual({ ok: '', failing: '', parked: 'PENDING,PENDING,PENDING' });
    // Before their retention has passed, nothing goes.
    const beforeRetention = () => new Date(Date.now() + (DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS - 1) * 86_400_000);
    expect(await new WebhookDeliveryLogHousekeeping(db(), () => [ljusdal.id], { now: beforeRetention }).purgeOnce()).toBe(0);
  });

  it('keeps deliveries at least as long as the event log, so a replay never sends an event again under a new webhook-id', () => {
    expect(DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS).toBeGreaterThanOrEqual(DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS);
    expect(new WebhookDeliveryLogHousekeeping(db(), () => [], { eventRetentionDays: 365 }).retentionDays).toBe(365);
    expect(new WebhookDeliveryLogHousekeeping(db(), () => [], { retentionDays: 400, eventRetentionDays: 365 }).retentionDays).toBe(400);
    expect(() => new WebhookDeliveryLogHousekeeping(db(), () => [], { retentionDays: 30 })).toThrow(
      /webhook delivery retention \(30 days\) may not be shorter than the webhook event log's \(90 days\)/,
    );
    expect(() => new WebhookDeliveryLogHousekeeping(db(), () => [], { retentionDays: 0, eventRetentionDays: 0.5 })).toThrow(
      /more than 0 days/,
    );
  });

  it('still replays events published before the event log existed, from the outbox while it keeps them', async () => {
    const from = new Date(Date.now() - 1000);
    const [older, logged] = await emitMany(harnosand, 2, EVENT_TYPES.formCompletionRequested);
    await publish();
    const to = new Date(Date.now() + 1000);
    // As an event published before the log's migration: in the outbox only.
    await as(harnosand, () =>
      db().transaction((em) => em.query(`DELETE FROM webhook_event WHERE tenant_id = $1 AND id = $2`, [harnosand.id, older])),
    );
    const hook = await receiver();
    const { subscription } = await as(harnosand, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
    expect(await as(harnosand, () => subscriptions.replay(subscription.id, from, to, 'admin'))).toBe(2);
    await worker().drain();
    const events = hook.received.map((r) => HTTP.toEvent({ headers: r.headers, body: r.body }) as CloudEvent<unknown>);
    expect(events.map((e) => e.id).sort()).toEqual([older, logged].sort());
    expect(events.every((e) => e.type === COMPLETION && e[TENANT_EXTENSION] === 'harnosand' && e.validate())).toBe(true);
    await as(harnosand, () => subscriptions.delete(subscription.id, 'admin'));
  });

  it('audits every change with its actor and what changed, never the secret; a refused change leaves no entry', async () => {
    const audit = new AuditLog(db());
    const hook = await receiver();
    const before = (await as(timra, () => audit.list({ first: 500 }))).length;
    const { subscription, secret } = await as(timra, () =>
      subscriptions.create({ url: hook.url, eventTypes: [COMPLETION], description: 'Diarium' }, 'staff:admin-timra'),
    );
    await expect(
      as(timra, () => subscriptions.update(subscription.id, { eventTypes: ['se.kommuna.nothing.v1'] }, 'staff:admin-timra')),
    ).rejects.toThrow(/Unknown event type/);
    await as(timra, () => subscriptions.update(subscription.id, { eventTypes: [COMPLETION, RECEIVED] }, 'staff:admin-timra'));
    await as(timra, () => subscriptions.update(subscription.id, { enabled: false }, 'service:timra-system'));
    await as(timra, () => subscriptions.update(subscription.id, { enabled: true }, 'staff:admin-timra'));
    const from = new Date('2026-01-01T00:00:00Z');
    await as(timra, () => subscriptions.replay(subscription.id, from, new Date(from.getTime() + 86_400_000), 'staff:admin-timra'));
    await as(timra, () => subscriptions.delete(subscription.id, 'staff:admin-timra'));

    const entries = (await as(timra, () => audit.list({ first: 500 }))).slice(0, -before || undefined).reverse();
    expect(entries.map((e) => [e.action, e.actor, e.targetType, e.targetId])).toEqual([
      ['webhook.subscription.created', 'staff:admin-timra', 'webhook_subscription', subscription.id],
      ['webhook.subscription.updated', 'staff:admin-timra', 'webhook_subscription', subscription.id],
      ['webhook.subscription.disabled', 'service:timra-system', 'webhook_subscription', subscription.id],
      ['webhook.subscription.enabled', 'staff:admin-timra', 'webhook_subscription', subscription.id],
      ['webhook.deliveries.replayed', 'staff:admin-timra', 'webhook_subscription', subscription.id],
      ['webhook.subscription.deleted', 'staff:admin-timra', 'webhook_subscription', subscription.id],
    ]);
    expect(entries[0].details).toEqual({ url: hook.url, eventTypes: [COMPLETION], description: 'Diarium', status: 'ACTIVE' });
    expect(entries[1].details).toEqual({
      changed: ['eventTypes'],
      before: { eventTypes: [COMPLETION] },
      after: { eventTypes: [COMPLETION, RECEIVED] },
    });
    expect(entries[2].details).toEqual({ changed: ['status'], before: { status: 'ACTIVE' }, after: { status: 'DISABLED' } });
    expect(entries[4].details).toEqual({ from: from.toISOString(), to: '2026-01-02T00:00:00.000Z', queued: 0 });
    expect(JSON.stringify(entries)).not.toContain(secret.slice(6));
    expect((await as(timra, () => audit.verify())).intact).toBe(true);
    // Sundsvall's trail holds none of Timrå's subscription.
    expect(JSON.stringify(await as(sundsvall, () => audit.list({ first: 500 })))).not.toContain(subscription.id);
  });

  it('gets every event to a receiver down for ten minutes (simulated clock, default schedule), duplicates only under one webhook-id', async () => {
    // The simulated clock: advancing it moves every waiting delivery's due time back by as much,
    // so the worker (which asks the database for now()) finds due what would be due by then.
    let clock = 0;
    const advance = async (ms: number) => {
      clock += ms;
      await as(ange, () =>
        db().transaction((em) =>
          em.query(
            `UPDATE webhook_delivery SET next_attempt_at = next_attempt_at - make_interval(secs => $2)
              WHERE tenant_id = $1 AND status = 'PENDING' AND next_attempt_at <> 'infinity'`,
            [ange.id, ms / 1000],
          ),
        ),
      );
    };
    const TEN_MINUTES = 600_000;
    let lostAnswer = true;
    const hook = await receiver(() => {
      if (clock < TEN_MINUTES) return 503;
      // The first request after the outage is stored but its answer is lost: it is sent again.
      if (lostAnswer) {
        lostAnswer = false;
        return 502;
      }
      return 200;
    });
    const { subscription, secret } = await as(ange, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'));
    const w = worker();
    const emitted: string[] = [];
    const settledAt: number[] = [];
    /** Runs the worker as the clock moves, in steps to the next due delivery (at most a minute apart), until `end`. */
    const runUntil = async (end: number) => {
      while (clock < end) {
        await w.drain();
        const [next]: Array<{ due: Date | null }> = await as(ange, () =>
          db().transaction((em) =>
            em.query(
              `SELECT min(next_attempt_at) AS due FROM webhook_delivery WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING'`,
              [ange.id, subscription.id],
            ),
          ),
        );
        const wait = next.due ? Math.max(new Date(next.due).getTime() - Date.now(), 0) + 1 : 60_000;
        await advance(Math.min(wait, 60_000, end - clock));
        settledAt.push(clock);
      }
    };
    // Events keep coming during the outage: at 0, 2, 5 and 9 minutes.
    for (const at of [0, 120_000, 300_000, 540_000]) {
      await runUntil(at);
      emitted.push(await emit(ange, EVENT_TYPES.formSubmissionReceived));
      emitted.push(await emit(ange, EVENT_TYPES.formSubmissionReceived));
      await publish();
    }
    await runUntil(TEN_MINUTES);
    expect(hook.received.length).toBeGreaterThanOrEqual(emitted.length * 2);
    expect((await as(ange, () => subscriptions.get(subscription.id))).status).toBe('ACTIVE');
    // Up again: within the default schedule's next waits (at most 30 min) every event is accepted.
    await runUntil(TEN_MINUTES + 3_600_000);
    const log = await as(ange, () => subscriptions.deliveries(subscription.id));
    expect(log.map((d) => d.status)).toEqual(emitted.map(() => 'DELIVERED'));

    const accepted = new Map<string, Set<string>>();
    const attemptsByEvent = new Map<string, Set<string>>();
    for (const r of hook.received) {
      const event = JSON.parse(r.body) as { id: string };
      expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
      attemptsByEvent.set(event.id, (attemptsByEvent.get(event.id) ?? new Set()).add(r.headers['webhook-id']));
    }
    for (const d of log) accepted.set(d.eventId, new Set([d.id]));
    // None lost: every event arrived; every attempt of one event, the duplicate included, under its one webhook-id.
    expect([...attemptsByEvent.keys()].sort()).toEqual([...emitted].sort());
    expect([...attemptsByEvent.entries()].map(([event, ids]) => [event, [...ids]])).toEqual(
      [...attemptsByEvent.keys()].map((event) => [event, [...accepted.get(event)!]]),
    );
    expect(lostAnswer).toBe(false);
  }, 120_000);

  it('retries over more than a day by default', () => {
    expect(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3_600_000);
  });

  describe('hand-over from the fan-out to the worker in the same process', () => {
    const waitFor = async (done: () => boolean | Promise<boolean>, tries = 500) => {
      for (let i = 0; i < tries && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const handOvers = (tenant: Tenant) =>
      as(tenant, () =>
        db().transaction(async (em) =>
          Number((await em.query(`SELECT count(*) AS n FROM webhook_hand_over WHERE tenant_id = $1`, [tenant.id]))[0].n),
        ),
      );
    const log = (tenant: Tenant, subscriptionId: string) => as(tenant, () => subscriptions.deliveries(subscriptionId, { first: 200 }));

    it('sends a batch straight from the fan-out, without a claim, signed and logged as any delivery', async () => {
      const hook = await receiver();
      const { subscription, secret } = await as(lulea, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'));
      await emitMany(lulea, 15);
      const w = worker();
      w.start(20);
      try {
        // The outbox dispatched once the worker runs, as the worker process composes them.
        await new OutboxDispatcher(db(), [new WebhookFanOut(slugOf, w)]).drain();
        await waitFor(async () => (await log(lulea, subscription.id)).every((d) => d.status === 'DELIVERED'));
      } finally {
        await w.stop();
      }
      expect(w.statistics()).toMatchObject({ handedOver: 15, claimedDeliveries: 0 });
      const delivered = await log(lulea, subscription.id);
      expect(delivered).toHaveLength(15);
      expect(delivered.every((d) => d.status === 'DELIVERED' && d.attempts === 1 && d.nextAttemptAt === null)).toBe(true);
      expect(hook.received.map((r) => r.headers['webhook-id']).sort()).toEqual(delivered.map((d) => d.id).sort());
      for (const r of hook.received) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
      // The lease went with the last record.
      expect(await handOvers(lulea)).toBe(0);
    });

    it('hands a receiver not yet known only two rounds of requests; the rest is queued and claimed', async () => {
      const hook = await receiver();
      const { subscription } = await as(kalix, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'));
      await emitMany(kalix, 50);
      const w = worker({ perSubscription: 10 });
      w.start(20);
      try {
        await new OutboxDispatcher(db(), [new WebhookFanOut(slugOf, w)]).drain();
        await waitFor(async () => (await log(kalix, subscription.id)).filter((d) => d.status === 'DELIVERED').length === 50);
      } finally {
        await w.stop();
      }
      expect(w.statistics()).toMatchObject({ handedOver: 20, claimedDeliveries: 30 });
      expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(50);
      expect(hook.received).toHaveLength(50);
    });

    it('puts back what a worker that died after the hand-over never sent, once its lease runs out, under the same webhook-ids', async () => {
      const hook = await receiver();
      const { subscription } = await as(pitea, () => subscriptions.create({ url: hook.url, eventTypes: [RECEIVED] }, 'admin'));
      await emitMany(pitea, 5);
      // Dies between the outbox's commit and taking the deliveries: they are written held, and nobody sends them.
      class DiesAtHandOver extends WebhookDeliveryWorker {
        override takeHandOver(): void {
          // Gone: nobody takes them.
        }
      }
      const dead = new DiesAtHandOver(db(), { env: 'test', leaseMs: 400 });
      dead.start(10_000);
      await new OutboxDispatcher(db(), [new WebhookFanOut(slugOf, dead)]).drain();
      await dead.stop();
      const written = await log(pitea, subscription.id);
      expect(written).toHaveLength(5);
      expect(written.every((d) => d.status === 'PENDING' && d.nextAttemptAt === null)).toBe(true);
      expect(await handOvers(pitea)).toBe(1);

      // While the lease holds, no claim takes them.
      const other = worker({ leaseMs: 400 });
      expect(await other.runOnce()).toBe(0);
      expect(hook.received).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 500));
      await until(other, async () => (await log(pitea, subscription.id)).every((d) => d.status === 'DELIVERED'));
      const delivered = await log(pitea, subscription.id);
      expect(delivered.every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
      expect(hook.received.map((r) => r.headers['webhook-id']).sort()).toEqual(written.map((d) => d.id).sort());
      expect(await handOvers(pitea)).toBe(0);
    });

    it('sends again under the same webhook-id what a worker sent but died before recording', async () => {
      const hook = await receiver();
      const { subscription } = await as(pitea, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
      await emitMany(pitea, 4, EVENT_TYPES.formCompletionRequested);
      const dying = worker({ leaseMs: 400 });
      // Its records never reach the database (the process is gone by then).
      Object.assign(dying, { record: () => Promise.reject(new Error('the process died')) });
      dying.start(10_000);
      await new OutboxDispatcher(db(), [new WebhookFanOut(slugOf, dying)]).drain();
      await waitFor(() => hook.received.length === 4);
      await dying.stop();
      expect(hook.received).toHaveLength(4);
      expect((await log(pitea, subscription.id)).every((d) => d.status === 'PENDING' && d.attempts === 0)).toBe(true);

      await new Promise((r) => setTimeout(r, 500));
      const other = worker({ leaseMs: 400 });
      await until(other, async () => (await log(pitea, subscription.id)).every((d) => d.status === 'DELIVERED'));
      expect(hook.received).toHaveLength(8);
      // Each event twice, both times under its one webhook-id.
      const idsByEvent = new Map<string, Set<string>>();
      for (const r of hook.received)
        idsByEvent.set(JSON.parse(r.body).id, (idsByEvent.get(JSON.parse(r.body).id) ?? new Set()).add(r.headers['webhook-id']));
      expect([...idsByEvent.values()].map((ids) => ids.size)).toEqual([1, 1, 1, 1]);
      expect(await handOvers(pitea)).toBe(0);
    });

    it('hands nothing over from a batch whose transaction rolled back; its events are queued when the outbox retries them', async () => {
      const hook = await receiver();
      const { subscription } = await as(lulea, () => subscriptions.create({ url: hook.url, eventTypes: [COMPLETION] }, 'admin'));
      const ids = [await emit(lulea), await emit(lulea), await emit(lulea)];
      // Another handler, after the fan-out, fails the batch (and then the second event): the fast path rolls back after the fan-out wrote its hand-over.
      const failing: EventHandler = {
        name: 'failing',
        types: [EVENT_TYPES.formCompletionRequested],
        handle: async (event) => {
          if (event.id === ids[1]) throw new Error('refused');
        },
        handleBatch: async () => {
          throw new Error('refused');
        },
      };
      const w = worker();
      w.start(20);
      try {
        await new OutboxDispatcher(db(), [new WebhookFanOut(slugOf, w), failing], { backoffMs: () => 60_000 }).dispatchOnce();
        await waitFor(async () => (await log(lulea, subscription.id)).filter((d) => d.status === 'DELIVERED').length === 2);
      } finally {
        await w.stop();
      }
      expect(w.statistics().handedOver).toBe(0);
      const delivered = await log(lulea, subscription.id);
      expect(delivered.map((d) => d.eventId).sort()).toEqual([ids[0], ids[2]].sort());
      expect(delivered.every((d) => d.status === 'DELIVERED')).toBe(true);
      expect(hook.received).toHaveLength(2);
      expect(await handOvers(lulea)).toBe(0);
    });
  });
});
