// Measures the api and its ceiling on the same requests, alternating (A B A B) because a small
// machine is noisy, and keeps each one's best round.
import { Running } from '../lib/processes';
import { LoadResult, runLoad } from '../lib/load';

export interface Measured extends LoadResult {
  peakRssMb: number;
  /** Successes including the warm-up (to check that every confirmed request was stored). */
  successesWithWarmup: number;
}

export interface Comparison {
  api: Measured;
  ceiling: Measured;
  rounds: Array<{ target: 'api' | 'ceiling'; round: number } & Measured>;
  ratio: number;
}

export const SETTINGS = {
  connections: 32,
  warmupS: Number(process.env.BENCH_WARMUP ?? 4),
  durationS: Number(process.env.BENCH_DURATION ?? 10),
  rounds: Number(process.env.BENCH_ROUNDS ?? 2),
};

export async function measure(
  target: Running & { url: string },
  next: () => { body: string; headers: Record<string, string> },
  durationS = SETTINGS.durationS,
): Promise<Measured> {
  const warmup = await runLoad({ url: `${target.url}/graphql`, connections: SETTINGS.connections, durationS: SETTINGS.warmupS, next });
  target.resetPeak();
  const result = await runLoad({ url: `${target.url}/graphql`, connections: SETTINGS.connections, durationS, next });
  return { ...result, peakRssMb: +target.peakRssMb().toFixed(1), successesWithWarmup: warmup.successes + result.successes };
}

export async function compare(
  api: Running & { url: string },
  ceiling: Running & { url: string },
  nextFor: (target: 'api' | 'ceiling') => () => { body: string; headers: Record<string, string> },
  log: (line: string) => void,
): Promise<Comparison> {
  const rounds: Comparison['rounds'] = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const [name, target] of [
      ['api', api],
      ['ceiling', ceiling],
    ] as const) {
      const result = await measure(target, nextFor(name));
      rounds.push({ target: name, round, ...result });
      log(
        `  ${name} round ${round}: ${result.requestsPerSecond} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, errors ${result.errors}, peak RSS ${result.peakRssMb} MB`,
      );
    }
  }
  const best = (name: 'api' | 'ceiling') => {
    const mine = rounds.filter((r) => r.target === name).sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
    const rest: Measured = { ...mine };
    delete (rest as Partial<typeof mine>).target;
    delete (rest as Partial<typeof mine>).round;
    // Errors count over every round, not only the best one.
    const all = rounds.filter((r) => r.target === name);
    return {
      ...rest,
      errors: all.reduce((sum, r) => sum + r.errors, 0),
      successesWithWarmup: all.reduce((sum, r) => sum + r.successesWithWarmup, 0),
    };
  };
  const apiBest = best('api');
  const ceilingBest = best('ceiling');
  return { api: apiBest, ceiling: ceilingBest, rounds, ratio: +(apiBest.requestsPerSecond / ceilingBest.requestsPerSecond).toFixed(2) };
}
