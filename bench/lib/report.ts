// bench/RESULTS.md: the machine, the versions, and every scenario's goals and figures, from the
// JSON results present in bench/results/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { postgresVersion, REPO_ROOT } from './postgres';
import { RESULTS_DIR, ScenarioResult } from './results';

const ORDER = ['submit', 'overview', 'latency', 'mail-bulk', 'tenants-290', 'embedded', 'national', 'fairness'];
const KEY_PACKAGES = [
  '@nestjs/core',
  'fastify',
  'mercurius',
  'typeorm',
  'pg',
  '@electric-sql/pglite',
  'graphql',
  'autocannon',
  '@swc-node/register',
];

function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

export async function machineAndVersions(): Promise<Record<string, string>> {
  return {
    cpu: os.cpus()[0]?.model ?? '?',
    cores: String(os.cpus().length),
    ramGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgresql: await postgresVersion().catch(() => '?'),
    ...Object.fromEntries(KEY_PACKAGES.map((p) => [p, packageVersion(p)])),
  };
}

const fmt = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-GB', { maximumFractionDigits: 2 }) : String(v));

export async function writeResultsMarkdown(): Promise<void> {
  const results: ScenarioResult[] = fs.existsSync(RESULTS_DIR)
    ? fs
        .readdirSync(RESULTS_DIR)
        .filter((f) => f.endsWith('.json') && ORDER.includes(f.replace(/\.json$/, '')))
        .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ScenarioResult)
        .sort((a, b) => ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario))
    : [];
  const machine = await machineAndVersions();
  fs.writeFileSync(path.join(RESULTS_DIR, 'machine.json'), JSON.stringify({ date: new Date().toISOString(), ...machine }, null, 2) + '\n');
  const lines: string[] = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/README.md says how each figure is measured). Ratios and counts',
    'matter more than absolute figures: every ratio compares two measurements from the same run on the same machine.',
    '',
    '## Machine and versions',
    '',
    `${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB RAM, ${machine.os}; Node ${machine.node}, PostgreSQL ${machine.postgresql}.`,
    `Packages: ${KEY_PACKAGES.map((p) => `${p} ${machine[p]}`).join(', ')}.`,
    '',
    '## Goals',
    '',
    '| scenario | goal | target | measured | |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of results)
    for (const g of r.goals) lines.push(`| ${r.scenario} | ${g.name} | ${g.target} | ${fmt(g.value)} | ${g.met ? 'met' : '**missed**'} |`);
  lines.push(
    '',
    'What the figures changed, and what stands in the way of the missed goals: [docs/adr/0002-benchmark-driven-changes.md](../docs/adr/0002-benchmark-driven-changes.md).',
    '',
  );
  for (const r of results) lines.push(...scenarioSection(r));
  // Sections written by the scenarios run on their own (bench:events, bench:ai, …) stay as they are.
  const file = path.resolve(RESULTS_DIR, '../RESULTS.md');
  const written = new Set(['Machine and versions', 'Goals', ...results.map((r) => r.scenario)]);
  const kept = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split(/\n(?=## )/)
        .slice(1)
        .filter((section) => !written.has(section.slice(3, section.indexOf('\n')).trim()))
    : [];
  fs.writeFileSync(file, [lines.join('\n').trimEnd(), ...kept.map((section) => section.trimEnd())].join('\n\n') + '\n');
}

/** One scenario's section of RESULTS.md: its table and notes. */
function scenarioSection(r: ScenarioResult): string[] {
  const lines = [
    `## ${r.scenario}`,
    '',
    `Run ${r.date} (${r.durationS} s). Full figures: [results/${r.scenario}.json](results/${r.scenario}.json).`,
    '',
  ];
  const table = (r.figures.table as Array<Record<string, unknown>> | undefined) ?? defaultTable(r);
  if (table.length) {
    const cols = Object.keys(table[0]);
    lines.push(`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`);
    for (const row of table) lines.push(`| ${cols.map((c) => fmt(row[c])).join(' | ')} |`);
    lines.push('');
  }
  for (const note of r.notes) lines.push(`- ${note}`);
  if (r.notes.length) lines.push('');
  return lines;
}

/**
 * Replaces (or appends) one scenario's section of RESULTS.md and leaves the rest as it is: a
 * scenario run on its own (bench:national) must not restate the machine line of the other
 * scenarios' run. Its goals reach the goals table at the next full `npm run bench`.
 */
export function writeScenarioSection(r: ScenarioResult): void {
  const file = path.resolve(RESULTS_DIR, '../RESULTS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const section = scenarioSection(r).join('\n');
  const start = text.indexOf(`\n## ${r.scenario}\n`);
  if (start < 0) {
    fs.writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + 1);
  fs.writeFileSync(file, `${text.slice(0, start + 1)}${section}${next < 0 ? '' : text.slice(next)}`);
}

/** api vs ceiling rows for the request scenarios. */
function defaultTable(r: ScenarioResult): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const name of ['api', 'ceiling']) {
    const m = r.figures[name] as Record<string, number> | undefined;
    if (!m) continue;
    rows.push({
      target: name,
      'req/s': m.requestsPerSecond,
      'p50 ms': m.p50ms,
      'p99 ms': m.p99ms,
      errors: m.errors,
      'peak RSS MB': m.peakRssMb,
      'ratio to ceiling': name === 'api' ? r.figures.ratioToCeiling : 1,
    });
  }
  return rows;
}
