import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { AckPolicy, connect, DeliverPolicy, NatsConnection } from 'nats';
import { CitizenFormsService, loadEFormsContent } from '@kommuna/e-forms';
import { EVENT_STREAM, eventSubject, recordEvent, TENANT_EXTENSION } from '@kommuna/platform-events';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { createTestDatabase, freePort, spawnNodeProcess } from '@kommuna/platform-testing';
import { eventContractOf, EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { WORKER_DATABASE_SCHEMA } from './background-tasks';

const REPO_ROOT = path.resolve(__dirname, '../../..');
// The NATS server of these machines and CI (JetStream enabled); NATS_URL overrides it.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function spawnWorker(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Start-up (swc compiling the sources) takes seconds on a busy machine: the tests' polls count from the ready line, not the spawn.
  const ready = async (timeoutMs = 45_000) => {
    const until = Date.now() + timeoutMs;
    while (!/Kommuna worker ready/.test(output) && child.exitCode === null && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    return output;
  };
  return { child, exited, output: () => output, ready };
}

/** Every message stored on one subject, read through a fresh consumer (the stream is shared with other runs). */
async function storedOn(nc: NatsConnection, subject: string): Promise<CloudEvent<unknown>[]> {
  const manager = await nc.jetstreamManager();
  const consumer = await manager.consumers.add(EVENT_STREAM, {
    filter_subject: subject,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    inactive_threshold: 30_000_000_000,
  });
  const events: CloudEvent<unknown>[] = [];
  if (consumer.num_pending > 0) {
    const messages = await (
      await nc.jetstream().consumers.get(EVENT_STREAM, consumer.name)
    ).fetch({ max_messages: consumer.num_pending, expires: 5000 });
    for await (const message of messages) {
      const headers = Object.fromEntries(
        [...(message.headers?.keys() ?? [])].map((key) => [key.toLowerCase(), message.headers?.get(key) ?? '']),
      );
      events.push(HTTP.toEvent({ headers, body: message.string() }) as CloudEvent<unknown>);
      if (events.length === consumer.num_pending) break;
    }
  }
  await manager.consumers.delete(EVENT_STREAM, consumer.name);
  return events;
}

describe('worker process', () => {
  it('refuses the embedded database with a plain explanation', async () => {
    const worker = spawnWorker({ DATABASE_URL: undefined, DATABASE_MIGRATION_URL: undefined });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/needs a PostgreSQL server \(DATABASE_URL\)/);
  }, 30_000);

  // A second process can only share a PostgreSQL server, never an embedded PGlite folder.
  if (process.env.DATABASE_URL) {
    it('publishes the outbox, answers health checks and stops cleanly on SIGTERM', async () => {
      const database = await createTestDatabase(WORKER_DATABASE_SCHEMA);
      const url = (database.dataSource.options as { url: string }).url;
      try {
        const [tenant] = await new TenantDirectory(database).sync(loadTenantConfigs(path.join(REPO_ROOT, 'tenants')).map((t) => t.config));
        await requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
          database.transaction((em) => recordEvent(em, { type: 'se.kommuna.test.ping', source: '/test', data: {} })),
        );
        const port = await freePort();
        const worker = spawnWorker({
          DATABASE_URL: url,
          DATABASE_MIGRATION_URL: undefined,
          KOMMUNA_WORKER_HEALTH_PORT: String(port),
          NODE_ENV: 'test',
          NATS_URL: undefined,
        });
        try {
          const published = async () =>
            requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
              database.transaction((em) => em.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`)),
            );
          // The composed services' work (@kommuna/services), the same list the api runs on the embedded database.
          expect(await worker.ready()).toMatch(
            /Kommuna worker ready.*"tasks":\["outbox","outbox-housekeeping","webhook-event-log-housekeeping","webhook-delivery-log-housekeeping","webhook-delivery","digital-mail-delivery","digital-mail-retention","e-forms-retention"[^\]]*\],"nats":"off"/,
          );
          for (let i = 0; i < 100 && (await published())[0].n > 0; i++) await new Promise((r) => setTimeout(r, 100));
          expect(await published()).toEqual([{ n: 0 }]);
          const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
          expect(health.status).toBe(200);
          const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          expect(metrics).toMatch(new RegExp(`kommuna_outbox_lag_seconds_count\\{tenant="${tenant.slug}"\\} 1`));
        } finally {
          worker.child.kill('SIGTERM');
        }
        expect(await worker.exited).toBe(0);
        expect(worker.output()).toMatch(/worker stopping/);
      } finally {
        await database.close();
      }
    }, 90_000);

    it('stops on SIGTERM after the outbox batch in hand, leaving the rest of a large backlog to the next worker', async () => {
      const database = await createTestDatabase(WORKER_DATABASE_SCHEMA);
      const url = (database.dataSource.options as { url: string }).url;
      try {
        const [tenant] = await new TenantDirectory(database).sync(loadTenantConfigs(path.join(REPO_ROOT, 'tenants')).map((t) => t.config));
        const inTenant = <T>(query: string, params: unknown[] = []) =>
          requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
            database.transaction((em) => em.query(query, params) as Promise<T>),
          );
        // The status events of a bulk send's last 20,000 letters, as a worker stopped at the end of a send finds them.
        const backlog = 20_000;
        await inTenant(
          `INSERT INTO outbox_event (tenant_id, type, source, subject, data)
           SELECT $1, $2, '/digital-mail', m.id::text,
                  jsonb_build_object('messageId', m.id, 'recipientPartyId', gen_random_uuid(), 'status', 'SENT', 'channel', 'digital',
                                     'statusDetail', null, 'externalReferences', '{}'::jsonb)
             FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $3)) m`,
          [tenant.id, EVENT_TYPES.mailDeliveryStatusChanged, backlog],
        );
        const published = async () =>
          (await inTenant<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NOT NULL`))[0].n;
        const worker = spawnNodeProcess({
          script: 'apps/worker/src/main.ts',
          env: {
            DATABASE_URL: url,
            DATABASE_MIGRATION_URL: undefined,
            KOMMUNA_WORKER_HEALTH_PORT: '0',
            NODE_ENV: 'test',
            NATS_URL: undefined,
          },
          readyText: 'Kommuna worker ready',
        });
        try {
          // The outbox's first round starts with the worker: it is publishing the backlog when told to stop.
          await worker.ready;
          const before = await published();
          // Within the grace the tests and a container platform give (SIGKILL after it: exit code null).
          const signalled = Date.now();
          const code = await worker.stop(15_000);
          const after = await published();
          process.stdout.write(
            `SIGTERM with an outbox backlog: exit ${code ?? worker.child.signalCode} after ${Date.now() - signalled} ms, ${after - before} events published meanwhile\n`,
          );
          if (code !== 0) process.stdout.write(`The worker's last output:\n${worker.output().slice(-4000)}\n`);
          expect({ code, stopped: /"msg":"worker stopped".*"clean":true/.test(worker.output()) }).toEqual({ code: 0, stopped: true });
          // The batch in hand (250 events, perhaps one more begun before the signal arrived), not the round's ten
          // batches or the backlog: the rest is the next worker's, published by whichever replica claims it.
          expect(after - before).toBeLessThanOrEqual(2 * 250);
          expect(after).toBeLessThan(backlog);
        } finally {
          await worker.kill();
        }
      } finally {
        await database.close();
      }
    }, 120_000);

    it('publishes a submitted e-form’s event once to kommuna.events.<municipality>.<type>', async () => {
      const database = await createTestDatabase(WORKER_DATABASE_SCHEMA);
      const url = (database.dataSource.options as { url: string }).url;
      const nc = await connect({ servers: NATS_URL });
      try {
        const tenants = new TenantDirectory(database);
        await tenants.sync(loadTenantConfigs(path.join(REPO_ROOT, 'tenants')).map((t) => t.config));
        await loadEFormsContent({ database, tenants, tenantsDir: path.join(REPO_ROOT, 'tenants') });
        const sundsvall = tenants.get('sundsvall');
        const answers = {
          fastighetsbeteckning: 'Norrmalm 3:12',
          atgard: 'attefall',
          beskrivning: 'Ett attefallshus',
          namn: 'Kim',
          svarsform: 'epost',
          epost: 'kim@example.se',
        };
        const { submissionId } = await requestContext.run({ requestId: 't', tenantId: sundsvall.id, tenantSlug: sundsvall.slug }, () =>
          new CitizenFormsService(database, tenants).submit({
            formSlug: 'bygglov-forfragan',
            data: answers,
            idempotencyKey: `nats-${Date.now()}`,
          }),
        );
        const [{ id: eventId }] = await requestContext.run({ requestId: 't', tenantId: sundsvall.id }, () =>
          database.transaction((em) =>
            em.query(`SELECT id FROM outbox_event WHERE type = $1 AND subject = $2`, [EVENT_TYPES.formSubmissionReceived, submissionId]),
          ),
        );
        const subject = eventSubject('sundsvall', eventContractOf(EVENT_TYPES.formSubmissionReceived)?.cloudEventType ?? 'unpublished');

        const port = await freePort();
        const worker = spawnWorker({
          DATABASE_URL: url,
          DATABASE_MIGRATION_URL: undefined,
          KOMMUNA_WORKER_HEALTH_PORT: String(port),
          NODE_ENV: 'test',
          NATS_URL,
        });
        try {
          const pending = () =>
            requestContext.run({ requestId: 't', tenantId: sundsvall.id }, () =>
              database.transaction((em) => em.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`)),
            );
          expect(await worker.ready()).toMatch(/Kommuna worker ready.*"nats":"connected"/);
          for (let i = 0; i < 150 && (await pending())[0].n > 0; i++) await new Promise((r) => setTimeout(r, 100));
          expect(await pending()).toEqual([{ n: 0 }]);
        } finally {
          worker.child.kill('SIGTERM');
        }
        expect(await worker.exited).toBe(0);

        const stored = (await storedOn(nc, subject)).filter((event) => event.id === eventId);
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({
          type: 'se.kommuna.eforms.submission.received.v1',
          source: '/e-forms',
          subject: submissionId,
          [TENANT_EXTENSION]: 'sundsvall',
        });
        // Only Sundsvall's subject carries it.
        expect((await storedOn(nc, eventSubject('timra', '>'))).filter((event) => event.id === eventId)).toEqual([]);
      } finally {
        await nc.drain();
        await database.close();
      }
    }, 90_000);
  }
});
