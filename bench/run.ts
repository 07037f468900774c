// `npm run bench [-- scenario ...]`: runs the scenarios (default all five) against the local
// PostgreSQL server, each with its own fresh database and production-mode processes, writes
// bench/results/<scenario>.json and rewrites bench/RESULTS.md from every result present.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './lib/postgres';
import { runEmbedded } from './scenarios/embedded';
import { runFairness } from './scenarios/fairness';
import { runLatency } from './scenarios/latency';
import { runMailBulk } from './scenarios/mail-bulk';
import { runNational } from './national/run';
import { runOverview } from './scenarios/overview';
import { closeRequestsFixture } from './scenarios/requests-fixture';
import { runSubmit } from './scenarios/submit';
import { runTenants290 } from './scenarios/tenants-290';
import { writeResult, ScenarioResult } from './lib/results';
import { writeResultsMarkdown } from './lib/report';

const SCENARIOS: Record<string, (log: (line: string) => void) => Promise<ScenarioResult>> = {
  submit: runSubmit,
  overview: runOverview,
  'mail-bulk': runMailBulk,
  'tenants-290': runTenants290,
  embedded: runEmbedded,
  // Issue 24, item 3: submit and overview at half the ceiling's throughput, open loop.
  latency: runLatency,
  // Issue 24: the national data set (BENCH_NATIONAL_SCALE, default 0.01) and fairness between municipalities.
  national: (log) => runNational(log),
  fairness: runFairness,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((name) => !SCENARIOS[name]);
  if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const names = asked.length ? asked : Object.keys(SCENARIOS);
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  // The apps run from dist/, as the images run them: compiled fresh from this checkout.
  const build = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools/scripts/build-dist.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  let failed = false;
  for (const name of names) {
    log(`== ${name}`);
    try {
      const result = await SCENARIOS[name](log);
      writeResult(result);
      for (const g of result.goals) log(`  ${g.met ? 'MET   ' : 'MISSED'} ${g.name}: ${g.value} (goal ${g.target})`);
    } catch (error) {
      failed = true;
      log(`  FAILED: ${(error as Error).stack ?? error}`);
    }
  }
  // submit and overview share one set of processes; closed once, whatever order they ran in.
  await closeRequestsFixture().catch((error) => log(`  closing the shared processes failed: ${(error as Error).message}`));
  await writeResultsMarkdown();
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; bench/RESULTS.md written`);
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
