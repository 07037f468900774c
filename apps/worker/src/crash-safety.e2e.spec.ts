import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SendBatchService, TemplateService, WHOLE_MUNICIPALITY } from '@kommuna/digital-mail';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { createTestDatabase, NodeProcess, spawnNodeProcess, startNodeProcess, testPersonnummer } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { WORKER_DATABASE_SCHEMA, workerSettingsFromEnv } from './background-tasks';

/**
 * Crash safety of the worker (issue 10, part 1): worker processes are killed with SIGKILL at
 * random moments while they deliver a 10,000-letter bulk send to the digital-mail simulator (its
 * own process, whose records are the operator's truth), and restarted; for part of the run two
 * replicas work at once. Afterwards every accepted letter was delivered exactly once and none is
 * lost. A second test runs two replicas against two simulators, without kills, to show that the
 * SKIP LOCKED claims split the work with no letter claimed twice.
 */
const REPO_ROOT = path.resolve(__dirname, '../../..');
const LETTERS = Number(process.env.KOMMUNA_CRASH_TEST_LETTERS ?? 10_000);
const LEASE_MS = 2000;

interface Simulator {
  url: string;
  records(): Promise<{
    deliveries: Array<{ messageId: string; transactionId: string }>;
    deliveryCounts: Record<string, { accepted: number; requests: number }>;
  }>;
  stop(): Promise<void>;
}

/**
 * The index-th test personnummer of someone 19 or older: Mina meddelanden takes no letters to
 * children (the sender computes the age from the number), and every letter here must go digitally.
 */
function adultTestPersonnummer(index: number): string {
  const latestBirthYear = new Date().getUTCFullYear() - 19;
  for (let i = index; ; i += 1_000_000) {
    const candidate = testPersonnummer(i);
    if (Number(candidate.slice(0, 4)) <= latestBirthYear) return candidate;
  }
}

/** apps/digital-mail-simulator as its own process, every recipient reachable (all letters go digitally). */
async function startSimulator(): Promise<Simulator> {
  const simulator = await startNodeProcess({
    script: 'apps/digital-mail-simulator/src/main.ts',
    args: ['--port=0', '--reachable-share=1', '--unreachable='],
    readyText: /ready on (http:\/\/\S+)/,
  });
  const [, url] = await simulator.ready;
  return {
    url,
    records: async () => (await (await fetch(`${url}/_records`)).json()) as Awaited<ReturnType<Simulator['records']>>,
    async stop() {
      await simulator.stop();
    },
  };
}

function spawnWorker(databaseUrl: string, simulatorUrl: string, printDir: string): NodeProcess {
  return spawnNodeProcess({
    script: 'apps/worker/src/main.ts',
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATION_URL: undefined,
      DATABASE_POOL_SIZE: '4',
      DIGITAL_MAIL_SIMULATOR_URL: simulatorUrl,
      DIGITAL_MAIL_PRINT_DIR: printDir,
      KOMMUNA_WORKER_HEALTH_PORT: '0',
      KOMMUNA_DELIVERY_LEASE_MS: String(LEASE_MS),
      KOMMUNA_DELIVERY_INTERVAL_MS: '50',
    },
    readyText: 'Kommuna worker ready',
  });
}

/** A small seeded generator, so a failing run can be repeated (the seed is printed). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('worker settings from the environment', () => {
  it('reads the lease and intervals and refuses nonsense with the variable’s name', () => {
    expect(workerSettingsFromEnv({ KOMMUNA_DELIVERY_LEASE_MS: '5000', KOMMUNA_RETENTION_INTERVAL_MS: '60000' })).toEqual({
      deliveryLeaseMs: 5000,
      deliveryIntervalMs: undefined,
      retentionIntervalMs: 60000,
      outboxRetentionDays: undefined,
      webhookEventRetentionDays: undefined,
      webhookDeliveryRetentionDays: undefined,
    });
    expect(workerSettingsFromEnv({ KOMMUNA_OUTBOX_RETENTION_DAYS: '30' }).outboxRetentionDays).toBe(30);
    expect(workerSettingsFromEnv({ KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS: '365' }).webhookEventRetentionDays).toBe(365);
    expect(workerSettingsFromEnv({ KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS: '120' }).webhookDeliveryRetentionDays).toBe(120);
    expect(() => workerSettingsFromEnv({ KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS: '30' })).toThrow(
      /KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS \(30\) may not be shorter than .*KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS \(90 days\)/,
    );
    expect(
      workerSettingsFromEnv({ KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS: '30', KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS: '30' })
        .webhookDeliveryRetentionDays,
    ).toBe(30);
    expect(() => workerSettingsFromEnv({ KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS: '0' })).toThrow(
      /KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS must be a whole number of days, at least 1/,
    );
    expect(() => workerSettingsFromEnv({ KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS: '-1' })).toThrow(
      /KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS must be a whole number of days, at least 1/,
    );
    expect(() => workerSettingsFromEnv({ KOMMUNA_OUTBOX_RETENTION_DAYS: '0' })).toThrow(
      /KOMMUNA_OUTBOX_RETENTION_DAYS must be a whole number of days, at least 1/,
    );
    expect(() => workerSettingsFromEnv({ KOMMUNA_DELIVERY_LEASE_MS: '5s' })).toThrow(/KOMMUNA_DELIVERY_LEASE_MS must be a whole number/);
    expect(() => workerSettingsFromEnv({ KOMMUNA_DELIVERY_LEASE_MS: '10' })).toThrow(/at least 1000/);
  });
});

// Two processes can share only a PostgreSQL server, never an embedded PGlite folder.
if (process.env.DATABASE_URL) {
  describe('worker crash safety on PostgreSQL', () => {
    let database: Database;
    let databaseUrl: string;
    let sundsvall: Tenant;
    let directory: TenantDirectory;
    const printDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-crash-print-'));
    const workers: NodeProcess[] = [];
    const simulators: Simulator[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(WORKER_DATABASE_SCHEMA);
      databaseUrl = (database.dataSource.options as { url: string }).url;
      directory = new TenantDirectory(database);
      [sundsvall] = await directory.sync(loadTenantConfigs(path.join(REPO_ROOT, 'tenants')).map((t) => t.config));
    }, 60_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill()));
      await Promise.all(simulators.map((s) => s.stop()));
      await database?.close();
      fs.rmSync(printDir, { recursive: true, force: true });
    }, 30_000);

    const inSundsvall = <T>(work: () => Promise<T>) =>
      requestContext.run({ requestId: 'crash-test', tenantId: sundsvall.id, tenantSlug: sundsvall.slug }, work);
    const sql = (query: string, params: unknown[] = []) => inSundsvall(() => database.transaction((em) => em.query(query, params)));
    const start = (simulator: Simulator) => {
      const worker = spawnWorker(databaseUrl, simulator.url, printDir);
      workers.push(worker);
      return worker;
    };
    const kill = (worker: NodeProcess) => worker.kill();
    const stop = async (worker: NodeProcess) => {
      // A worker signalled before it is ready has no SIGTERM handler yet and would not exit cleanly.
      await worker.ready;
      const code = await worker.stop();
      // A worker that had to be killed says in its last lines what it was still waiting for.
      if (code !== 0)
        process.stdout.write(`a worker did not stop cleanly (exit ${code}); its last output:\n${worker.output().slice(-6000)}\n`);
      expect(code).toBe(0);
    };

    /** Accepts a bulk send of `count` letters (recipients offset by `from`) as a case worker would. */
    async function acceptBatch(name: string, from: number, count: number): Promise<string> {
      const staff = { kind: 'user' as const, id: 'crash-test-staff' };
      const templates = new TemplateService(database);
      return inSundsvall(async () => {
        await templates.save(
          {
            name,
            subject: { sv: 'Ny tömningsdag, {{namn}}', en: 'New collection day, {{namn}}' },
            body: { sv: 'Hej {{namn}}!', en: 'Hi {{namn}}!' },
          },
          staff,
          WHOLE_MUNICIPALITY,
        );
        const recipients = Array.from({ length: count }, (_, i) => ({
          recipient: adultTestPersonnummer(from + i),
          values: { namn: `Mottagare ${from + i}` },
        }));
        const batch = await new SendBatchService(database, directory, templates).create(
          { template: { name }, allowPaper: false },
          recipients,
          staff,
          WHOLE_MUNICIPALITY,
        );
        expect(batch.total).toBe(count);
        return batch.id;
      });
    }

    const open = async (batchId: string): Promise<number> => {
      const [row] = await sql(
        `SELECT (SELECT total - expanded FROM mail_send_batch WHERE id = $1) + (SELECT count(*) FROM mail_delivery WHERE send_batch_id = $1 AND completed_at IS NULL) AS n`,
        [batchId],
      );
      return Number(row.n);
    };

    it(`delivers every letter of a ${LETTERS}-letter send exactly once while workers are killed -9 and restarted`, async () => {
      const seed = Number(process.env.KOMMUNA_CRASH_TEST_SEED ?? Date.now() % 1_000_000);
      const random = seededRandom(seed);
      process.stdout.write(`crash test seed ${seed} (KOMMUNA_CRASH_TEST_SEED to repeat)\n`);
      const simulator = await startSimulator();
      simulators.push(simulator);
      const started = Date.now();
      const batchId = await acceptBatch('crash-sophamtning', 1, LETTERS);
      const acceptedIn = Date.now() - started;

      let kills = 0;
      let running: NodeProcess[] = [];
      // Rounds alternate between one and two replicas; each round kills a replica at a random
      // moment. Kills go on for the first minute (most of the batch), and for at least three rounds
      // however slowly replicas start on a loaded machine, then the survivors finish.
      for (let round = 0; (round < 3 || Date.now() - started < 60_000) && (await open(batchId)) > 0; round++) {
        const replicas = round % 2 === 0 ? 1 : 2;
        while (running.length < replicas) running.push(start(simulator));
        await Promise.all(running.map((w) => w.ready));
        await sleep(300 + random() * 2500);
        const victim = running[Math.floor(random() * running.length)];
        await kill(victim);
        kills++;
        running = running.filter((w) => w !== victim);
      }
      // The last survivor finishes the job (leases of killed replicas expire after LEASE_MS).
      if (running.length === 0) running.push(start(simulator));
      // Each letter is signed twice and verified twice (Mina meddelanden's SOAP layers, a few ms of CPU
      // each, on the same two cores as the simulator): up to eight minutes for the survivors.
      for (let i = 0; i < 2400 && (await open(batchId)) > 0; i++) await sleep(200);
      expect(await open(batchId)).toBe(0);
      const deliveredIn = Date.now() - started - acceptedIn;
      // The survivors are stopped with the status events of the last letters still being published.
      const [backlog] = await sql(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`);
      const stoppedIn: number[] = [];
      for (const worker of running) {
        const stopping = Date.now();
        await stop(worker);
        stoppedIn.push(Date.now() - stopping);
      }

      // The operator's records: one letter per message, every message of the batch among them.
      const messages: Array<{ message_id: string; status: string; channel: string; operator_transaction_id: string }> = await sql(
        `SELECT message_id, status, channel, operator_transaction_id FROM mail_delivery WHERE send_batch_id = $1`,
        [batchId],
      );
      const records = await simulator.records();
      expect(messages).toHaveLength(LETTERS);
      expect(messages.filter((m) => m.status !== 'SENT' || m.channel !== 'digital')).toEqual([]);
      expect(records.deliveries).toHaveLength(LETTERS);
      expect(new Set(records.deliveries.map((d) => d.messageId)).size).toBe(LETTERS);
      const notOnce = Object.entries(records.deliveryCounts).filter(([, c]) => c.accepted !== 1);
      expect(notOnce).toEqual([]);
      // What the database recorded is the delivery the operator accepted, for every letter.
      const operatorTransaction = new Map(records.deliveries.map((d) => [d.messageId, d.transactionId]));
      expect(messages.filter((m) => operatorTransaction.get(m.message_id) !== m.operator_transaction_id)).toEqual([]);
      // Every letter's final status event is in the outbox once.
      const [events] = await sql(
        // The batch's message ids as a set to look events up in (a join on the cast took minutes on PostgreSQL).
        `SELECT count(*)::int AS n, count(DISTINCT e.subject)::int AS subjects FROM outbox_event e
          WHERE e.type = $1 AND e.data->>'status' = 'SENT'
            AND e.subject IN (SELECT d.message_id::text FROM mail_delivery d WHERE d.send_batch_id = $2)`,
        [EVENT_TYPES.mailDeliveryStatusChanged, batchId],
      );
      expect(events).toEqual({ n: LETTERS, subjects: LETTERS });
      const repeated = Object.values(records.deliveryCounts).reduce((sum, c) => sum + c.requests - 1, 0);
      expect(kills).toBeGreaterThan(2);
      process.stdout.write(
        `crash test: ${LETTERS} letters accepted in ${acceptedIn} ms, delivered in ${deliveredIn} ms through ${kills} kill -9s; ${repeated} repeated delivery requests (answered idempotently by the operator); stopped with ${backlog.n} outbox events unpublished in ${stoppedIn.join(', ')} ms\n`,
      );
      // Generous because CI may share the machine.
    }, 600_000);

    it('two replicas split the claims with SKIP LOCKED: no letter is claimed by both', async () => {
      // Each replica talks to its own simulator, so the operators' records show who did what.
      const [a, b] = [await startSimulator(), await startSimulator()];
      simulators.push(a, b);
      const count = 2000;
      const batchId = await acceptBatch('crash-replicas', 20_001, count);
      const replicas = [start(a), start(b)];
      await Promise.all(replicas.map((w) => w.ready));
      for (let i = 0; i < 1800 && (await open(batchId)) > 0; i++) await sleep(100);
      expect(await open(batchId)).toBe(0);
      for (const worker of replicas) await stop(worker);

      const [ra, rb] = [await a.records(), await b.records()];
      const ids = (await sql(`SELECT message_id FROM mail_delivery WHERE send_batch_id = $1`, [batchId])).map(
        (r: { message_id: string }) => r.message_id,
      );
      const requests = (id: string) => (ra.deliveryCounts[id]?.requests ?? 0) + (rb.deliveryCounts[id]?.requests ?? 0);
      expect(ids).toHaveLength(count);
      expect(ids.filter((id: string) => requests(id) !== 1)).toEqual([]);
      // Both replicas did part of the work.
      const byA = ids.filter((id: string) => ra.deliveryCounts[id]).length;
      expect(byA).toBeGreaterThan(0);
      expect(count - byA).toBeGreaterThan(0);
      process.stdout.write(`two replicas: ${byA} letters by one, ${count - byA} by the other, none by both\n`);
    }, 240_000);
  });
}
