// What every scenario records: its figures, its goals (met or not), and notes; written to
// bench/results/<scenario>.json and summarised in bench/RESULTS.md.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Goal {
  name: string;
  target: string;
  value: number | string | null;
  met: boolean;
}

export interface ScenarioResult {
  scenario: string;
  date: string;
  durationS: number;
  goals: Goal[];
  /** Throughput, latency, errors, RSS, ratio and whatever else the scenario measured. */
  figures: Record<string, unknown>;
  notes: string[];
}

export const RESULTS_DIR = path.resolve(__dirname, '../results');

export function goal(name: string, target: string, value: number | string | null, met: boolean): Goal {
  return { name, target, value, met };
}

export const round = (value: number, digits = 2) => +value.toFixed(digits);

export function writeResult(result: ScenarioResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${result.scenario}.json`), JSON.stringify(result, null, 2) + '\n');
}
