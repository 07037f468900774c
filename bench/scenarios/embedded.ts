// Scenario 5: the api as `npm start` runs it on the embedded database (PGlite, no DATABASE_URL,
// environment development: demo content seeded, the embedded worker running), from a clean data
// folder to its ready line; then a second start on the same folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { graphql, startApi, startTestRealm } from '../lib/platform';
import { goal, ScenarioResult } from '../lib/results';

export async function runEmbedded(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const realm = await startTestRealm('kommuna');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-embedded-'));
  try {
    const env = { NODE_ENV: 'development', DIGITAL_MAIL_PRINT_DIR: path.join(dataDir, 'print') };
    const first = await startApi(null, realm, { port: 4306, dataDir: path.join(dataDir, 'pglite'), env });
    const firstRssMb = +first.peakRssMb().toFixed(1);
    // Ready means serving: the shipped tenants answer.
    const { tenants } = await graphql(first.url, '{ tenants { slug } }');
    await first.stop();
    log(`  clean data folder: ready in ${first.readyMs} ms (api's own count ${first.selfReportedMs} ms), ${tenants.length} tenants, peak RSS ${firstRssMb} MB`);
    const second = await startApi(null, realm, { port: 4306, dataDir: path.join(dataDir, 'pglite'), env });
    await second.stop();
    log(`  same folder again: ready in ${second.readyMs} ms`);
    return {
      scenario: 'embedded',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [goal('start from a clean data folder to ready (ms)', '< 10000', first.readyMs, first.readyMs < 10_000)],
      figures: {
        cleanStartMs: first.readyMs,
        cleanStartSelfReportedMs: first.selfReportedMs,
        restartMs: second.readyMs,
        restartSelfReportedMs: second.selfReportedMs,
        peakRssMb: firstRssMb,
        tenants: tenants.length,
        table: [
          { start: 'clean data folder (migrations, tenants, shipped forms, demo data)', 'spawn to ready ms': first.readyMs, "api's own ms": first.selfReportedMs, 'peak RSS MB': firstRssMb },
          { start: 'same folder again', 'spawn to ready ms': second.readyMs, "api's own ms": second.selfReportedMs, 'peak RSS MB': '' },
        ],
      },
      notes: ['Spawn to ready includes loading and compiling the TypeScript with @swc-node/register, as `npm start` and the production image run it; the api\'s own count starts at main().'],
    };
  } finally {
    await realm.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
