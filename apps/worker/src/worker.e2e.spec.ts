import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { recordEvent } from '@kommuna/platform-events';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { createTestDatabase, freePort } from '@kommuna/platform-testing';
import { WORKER_DATABASE_SCHEMA } from './background-tasks';

const REPO_ROOT = path.resolve(__dirname, '../../..');

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
  return { child, exited, output: () => output };
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
        const worker = spawnWorker({ DATABASE_URL: url, DATABASE_MIGRATION_URL: undefined, KOMMUNA_WORKER_HEALTH_PORT: String(port), NODE_ENV: 'test' });
        try {
          const published = async () =>
            requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
              database.transaction((em) => em.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`)),
            );
          for (let i = 0; i < 100 && (await published())[0].n > 0; i++) await new Promise((r) => setTimeout(r, 100));
          // The composed services' work (@kommuna/services), the same list the api runs on the embedded database.
          expect(worker.output()).toMatch(/Kommuna worker ready.*"tasks":\["outbox","digital-mail-delivery","digital-mail-retention","e-forms-retention"\]/);
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
    }, 60_000);
  }
});
