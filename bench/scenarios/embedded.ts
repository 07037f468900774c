// Scenario 5: `npm start` as a fresh machine runs it (no DATABASE_URL: PGlite, environment
// development, demo content, the embedded worker): it compiles dist/, then starts the api and dev-idp,
// and once the api is ready the simulators, the portal and the web; timed from spawn to its "Kommuna is running"
// line, from a clean data folder and then again on the same folder. Uses npm start's own ports
// (3000, 3001, 3003, 3004).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { graphql } from '../lib/platform';
import { startProcess, treeRssMb } from '../lib/processes';
import { goal, ScenarioResult } from '../lib/results';

const PORTS = [3000, 3001, 3003, 3004];

function assertFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () => reject(new Error(`embedded: port ${port} is in use; npm start needs it (stop what runs there)`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function npmStart(dataDir: string) {
  const platform = await startProcess({
    name: 'npm start',
    script: 'tools/scripts/start-platform.mjs',
    env: { NODE_ENV: 'development', KOMMUNA_DATA_DIR: path.join(dataDir, 'pglite'), DIGITAL_MAIL_PRINT_DIR: path.join(dataDir, 'print') },
    readyText: 'Kommuna is running',
    keepLines: (line) => line.includes('Kommuna api ready'),
    timeoutMs: 120_000,
  });
  let apiMs: number | undefined;
  try {
    apiMs = JSON.parse(platform.kept[0]).ms;
  } catch {
    /* not JSON */
  }
  // Ready means serving: the shipped tenants answer.
  const { tenants } = await graphql<{ tenants: Array<{ slug: string }> }>('http://127.0.0.1:3000', '{ tenants { slug } }');
  const rssMb = +treeRssMb(platform.child.pid!).toFixed(1);
  await platform.stop();
  return { readyMs: platform.readyMs, apiMs, tenants: tenants.length, rssMb };
}

export async function runEmbedded(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  for (const port of PORTS) await assertFree(port);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-embedded-'));
  try {
    const first = await npmStart(dataDir);
    log(
      `  clean data folder: running in ${first.readyMs} ms (api's own count ${first.apiMs} ms), ${first.tenants} tenants, RSS of all processes ${first.rssMb} MB`,
    );
    const second = await npmStart(dataDir);
    log(`  same folder again: running in ${second.readyMs} ms (api's own count ${second.apiMs} ms)`);
    return {
      scenario: 'embedded',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [goal('npm start from a clean data folder to running (ms)', '< 10000', first.readyMs, first.readyMs < 10_000)],
      figures: {
        cleanStartMs: first.readyMs,
        cleanStartApiMs: first.apiMs,
        restartMs: second.readyMs,
        restartApiMs: second.apiMs,
        platformRssMb: first.rssMb,
        tenants: first.tenants,
        table: [
          {
            start: 'clean data folder (migrations, tenants, shipped forms, demo data)',
            'spawn to running ms': first.readyMs,
            "api's own ms": first.apiMs,
            'RSS all processes MB': first.rssMb,
          },
          {
            start: 'same folder again',
            'spawn to running ms': second.readyMs,
            "api's own ms": second.apiMs,
            'RSS all processes MB': second.rssMb,
          },
        ],
      },
      notes: [
        "Spawn to running covers all of `npm start`: compiling dist/ (swc), then the api and dev-idp and, once the api is ready, the simulators, the portal and the web together; the api's own count starts at its main().",
      ],
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
