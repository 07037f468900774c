// The platform under test, as separate production-mode processes on a fresh database: the api
// (GraphQL), worker(s) and the digital-mail simulator; tokens from a test realm whose JWKS the
// api trusts (KEYCLOAK_URL points at it), signed like Keycloak's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestRealm, TestRealm, testPersonnummer } from '@kommuna/platform-testing';
import { BenchDatabase, REPO_ROOT } from './postgres';
import { Running, startProcess } from './processes';

/** Production start-up requires a scrape token for /metrics (the bench never scrapes). */
const METRICS = { KOMMUNA_METRICS_TOKEN: 'bench-metrics-token-not-secret' };

export const UNLIMITED = { KOMMUNA_RATE_LIMIT_PER_CLIENT: '100000000', KOMMUNA_RATE_LIMIT_PER_TENANT: '100000000' };

export interface Api extends Running {
  url: string;
  /** The api's own start-up time from its ready line (ms from main() to listening). */
  selfReportedMs?: number;
  /** What the process did since the last call (or its start): collections, event-loop delay, allocation (bench/lib/runtime-probe.cjs). */
  runtimeWindow(): Promise<RuntimeWindow>;
}

/** One window of bench/lib/runtime-probe.cjs, preloaded into every api the bench starts. */
export interface RuntimeWindow {
  seconds: number;
  /** Heap allocated in the window (MB), from V8's heap size before and after each collection. */
  allocatedMb: number;
  /** Pauses by kind (young: scavenge; full: mark-compact; incremental: marking steps; weak: callbacks). */
  gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
  gcPauseTotalMs: number;
  gcPauseMaxMs: number;
  /** How late a 10 ms timer fired (perf_hooks.monitorEventLoopDelay). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** The share of the window the main thread was busy (performance.eventLoopUtilization). */
  eventLoopUtilisation: number;
  heapUsedMb: number;
}

const PROBE = path.join(__dirname, 'runtime-probe.cjs');
const PROBE_LINE = 'runtime-probe ';

/** A Dockerfile stage's NODE_OPTIONS, so the bench starts each app with the flags its image starts it with. */
export function imageNodeOptions(stageName: 'api' | 'worker'): string | undefined {
  const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'infra/docker/Dockerfile'), 'utf8');
  const from = dockerfile.slice(dockerfile.search(new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${stageName}\\s*$`, 'm')));
  const stage = from.split(/^(?=FROM\s)/m)[0];
  return /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(stage)?.[1];
}

export async function startApi(
  db: BenchDatabase | null,
  realm: TestRealm,
  options: { port: number; tenantsDir?: string; env?: Record<string, string>; nodeFlags?: string[]; dataDir?: string },
): Promise<Api> {
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(options.port),
    KEYCLOAK_URL: realm.realmUrl.replace(/\/realms\/[^/]+$/, ''),
    KOMMUNA_TENANTS_DIR: options.tenantsDir ?? path.join(REPO_ROOT, 'tenants'),
    ...UNLIMITED,
    ...METRICS,
    ...(db ? { DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl } : { KOMMUNA_DATA_DIR: options.dataDir! }),
    ...options.env,
  };
  // The api image's NODE_OPTIONS (its young generation's size), unless the caller sets its own.
  const nodeOptions = imageNodeOptions('api');
  if (nodeOptions !== undefined && env.NODE_OPTIONS === undefined) env.NODE_OPTIONS = nodeOptions;
  const api = await startProcess({
    name: 'api',
    script: 'apps/api/src/main.ts',
    env,
    readyText: 'Kommuna api ready',
    nodeFlags: ['-r', PROBE, ...(options.nodeFlags ?? [])],
    timeoutMs: 120_000,
    keepLines: (line) => line.startsWith(PROBE_LINE),
  });
  let selfReportedMs: number | undefined;
  try {
    selfReportedMs = JSON.parse(api.readyLine).ms;
  } catch {
    /* not JSON */
  }
  const runtimeWindow = async (): Promise<RuntimeWindow> => {
    const before = api.kept.length;
    api.child.kill('SIGUSR2');
    for (let waited = 0; api.kept.length === before; waited += 10) {
      if (waited > 5_000) throw new Error('api: no runtime-probe line within 5 s of SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines = api.kept.splice(0);
    const line = lines[lines.length - 1];
    return JSON.parse(line.slice(line.indexOf(PROBE_LINE) + PROBE_LINE.length)) as RuntimeWindow;
  };
  return { ...api, url: `http://127.0.0.1:${options.port}`, selfReportedMs, runtimeWindow };
}

/** The worker image's NODE_OPTIONS (its heap cap), so the bench starts workers as the image does. */
export function workerImageNodeOptions(): string {
  const options = imageNodeOptions('worker');
  if (options === undefined) throw new Error('infra/docker/Dockerfile: the worker stage sets no NODE_OPTIONS');
  return options;
}

export async function startWorker(
  db: BenchDatabase,
  options: {
    healthPort: number;
    simulatorUrl?: string;
    printDir?: string;
    tenantsDir?: string;
    env?: Record<string, string>;
    nodeFlags?: string[];
  },
): Promise<Running> {
  return startProcess({
    name: `worker:${options.healthPort}`,
    script: 'apps/worker/src/main.ts',
    env: {
      HOST: '127.0.0.1',
      DATABASE_URL: db.appUrl,
      KOMMUNA_TENANTS_DIR: options.tenantsDir ?? path.join(REPO_ROOT, 'tenants'),
      KOMMUNA_WORKER_HEALTH_PORT: String(options.healthPort),
      NODE_OPTIONS: workerImageNodeOptions(),
      ...METRICS,
      // Required of every production process's configuration; the worker verifies no tokens.
      KEYCLOAK_URL: 'https://keycloak.bench.invalid',
      ...(options.simulatorUrl ? { DIGITAL_MAIL_SIMULATOR_URL: options.simulatorUrl } : {}),
      ...(options.printDir ? { DIGITAL_MAIL_PRINT_DIR: options.printDir } : {}),
      ...options.env,
    },
    readyText: 'Kommuna worker ready',
    nodeFlags: options.nodeFlags,
  });
}

export async function startSimulator(port: number, env: Record<string, string> = {}): Promise<Running & { url: string }> {
  const sim = await startProcess({
    name: 'simulator',
    script: 'apps/digital-mail-simulator/src/main.ts',
    env: { DIGITAL_MAIL_SIMULATOR_PORT: String(port), ...env },
    readyText: 'digital-mail-simulator ready',
  });
  return { ...sim, url: `http://127.0.0.1:${port}` };
}

export interface GraphQLResult<T = unknown> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** One GraphQL request; throws with the errors unless it succeeded. */
export async function graphql<T = unknown>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResult<T>;
  if (response.status !== 200 || body.errors)
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 2000)}`);
  return body.data as T;
}

const HOUR = 3600;
const longLived = () => ({ exp: Math.floor(Date.now() / 1000) + 2 * HOUR });

export function citizenToken(realm: TestRealm, index: number): string {
  const personnummer = testPersonnummer(index);
  return realm.token({ sub: `bench-citizen-${index}`, realm_access: { roles: ['citizen'] }, personnummer, ...longLived() });
}

export function staffToken(realm: TestRealm, tenant: string, roles: string[], extra: Record<string, unknown> = {}): string {
  return realm.token({
    sub: `bench-${tenant}-${roles.join('-')}`,
    realm_access: { roles },
    organization: [tenant],
    ...extra,
    ...longLived(),
  });
}

export function serviceToken(realm: TestRealm, tenant: string): string {
  return realm.token({
    sub: `service-account-${tenant}-system`,
    realm_access: { roles: ['service_account'] },
    organization: [tenant],
    azp: `${tenant}-system`,
    clientId: `${tenant}-system`,
    ...longLived(),
  });
}

export { startTestRealm, testPersonnummer };
export type { TestRealm };
