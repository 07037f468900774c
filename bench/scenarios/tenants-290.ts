// Scenario 4: all 290 municipalities configured. Start-up time (spawn to ready, first start on a
// fresh database: migrations and 290 tenants), RSS against the shipped 4-tenant configuration
// under the same submit load, and submit throughput with traffic spread over all 290 tenants
// against all of it to one tenant, on the same process, alternating.
import * as fs from 'node:fs';
import { BENCH_FORM_DEFINITION, BENCH_FORM_SLUG, CREATE_FORM, PUBLISH_FORM } from '../lib/form';
import { Api, citizenToken, graphql, staffToken, startApi, startTestRealm, TestRealm } from '../lib/platform';
import { freshDatabase } from '../lib/postgres';
import { goal, round, ScenarioResult } from '../lib/results';
import { writeAllTenants } from '../lib/tenants';
import { measure, Measured, SETTINGS } from './compare';
import { submitRequests } from './submit';
import { profileFlags } from './requests-fixture';

const CITIZENS = 2000;

async function publishEverywhere(api: Api, realm: TestRealm, slugs: string[]): Promise<void> {
  // A few at a time: the set-up is not what is measured.
  for (let i = 0; i < slugs.length; i += 8) {
    await Promise.all(
      slugs.slice(i, i + 8).map(async (slug) => {
        const admin = { authorization: `Bearer ${staffToken(realm, slug, ['tenant_admin'])}`, 'x-kommuna-tenant': slug };
        await graphql(
          api.url,
          CREATE_FORM,
          { input: { slug: BENCH_FORM_SLUG, unit: 'samhallsbyggnad', definition: BENCH_FORM_DEFINITION, changelog: 'Benchmark' } },
          admin,
        );
        await graphql(api.url, PUBLISH_FORM, { slug: BENCH_FORM_SLUG }, admin);
      }),
    );
  }
}

export async function runTenants290(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const realm = await startTestRealm('kommuna');
  const tokens = Array.from({ length: CITIZENS }, (_, i) => citizenToken(realm, 100_000 + i));
  const all = writeAllTenants();
  const shippedSlugs = ['sundsvall', 'ange', 'timra', 'harnosand'];
  const notes: string[] = [];
  try {
    // The shipped four: start-up and RSS under submit load spread over them.
    const db4 = await freshDatabase('tenants4');
    let four: { readyMs: number; idleRssMb: number; load: Measured };
    {
      const api = await startApi(db4, realm, { port: 4304 });
      try {
        const idleRssMb = round(api.rssMb(), 1);
        await publishEverywhere(api, realm, shippedSlugs);
        const load = await measure(
          api,
          submitRequests(tokens, 'four', (i) => shippedSlugs[i % shippedSlugs.length]),
        );
        four = { readyMs: api.readyMs, idleRssMb, load };
        log(
          `  4 tenants: ready in ${api.readyMs} ms, idle RSS ${idleRssMb} MB; spread load ${load.requestsPerSecond} req/s, peak RSS ${load.peakRssMb} MB`,
        );
      } finally {
        await api.stop();
        await db4.drop();
      }
    }

    const db = await freshDatabase('tenants290');
    try {
      const api = await startApi(db, realm, { port: 4305, tenantsDir: all.dir, nodeFlags: profileFlags('api-290') });
      const firstStartMs = api.readyMs;
      const idleRssMb = round(api.rssMb(), 1);
      const rounds: Array<{ traffic: 'one tenant' | 'all 290'; round: number } & Measured> = [];
      let peakRssMb = 0;
      // Like for like with the 4-tenant figure: a fresh process, its first measurement, spread traffic.
      let firstSpreadPeakRssMb = 0;
      try {
        log(
          `  290 tenants: first start (fresh database: migrations, 290 tenants) ready in ${firstStartMs} ms (api's own count ${api.selfReportedMs} ms), idle RSS ${idleRssMb} MB`,
        );
        await publishEverywhere(api, realm, all.slugs);
        api.resetPeak();
        for (let r = 1; r <= SETTINGS.rounds; r++) {
          for (const traffic of ['all 290', 'one tenant'] as const) {
            const result = await measure(
              api,
              submitRequests(
                tokens,
                `t290-${r}-${traffic === 'one tenant' ? 'one' : 'all'}`,
                traffic === 'one tenant' ? () => 'sundsvall' : (i) => all.slugs[i % all.slugs.length],
              ),
            );
            peakRssMb = Math.max(peakRssMb, result.peakRssMb);
            if (r === 1 && traffic === 'all 290') firstSpreadPeakRssMb = result.peakRssMb;
            rounds.push({ traffic, round: r, ...result });
            log(
              `  290 tenants, traffic to ${traffic}, round ${r}: ${result.requestsPerSecond} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, errors ${result.errors}, peak RSS ${result.peakRssMb} MB`,
            );
          }
        }
      } finally {
        await api.stop();
      }
      // A restart on the migrated database with the same 290 files: the usual production start.
      const again = await startApi(db, realm, { port: 4305, tenantsDir: all.dir });
      const restartMs = again.readyMs;
      await again.stop();
      log(`  290 tenants: restart ready in ${restartMs} ms`);

      const best = (traffic: string) =>
        rounds.filter((r) => r.traffic === traffic).sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
      const one = best('one tenant');
      const spread = best('all 290');
      const ratio = round(spread.requestsPerSecond / one.requestsPerSecond);
      const rssOver = round(firstSpreadPeakRssMb - four.load.peakRssMb, 1);
      notes.push(
        `Peak RSS over all ${rounds.length} load rounds of the 290-tenant api: ${round(peakRssMb, 1)} MB. It grows with the length of the load, not with the tenants: ` +
          'V8 lets the heap grow with the allocation rate before a full collection (docs/adr/0002, decision 8).',
      );
      const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
      const startMs = Math.max(firstStartMs, restartMs);
      return {
        scenario: 'tenants-290',
        date: new Date().toISOString(),
        durationS: Math.round((Date.now() - started) / 1000),
        goals: [
          goal('start-up with 290 tenants (ms, spawn to ready; slower of first start and restart)', '< 5000', startMs, startMs < 5000),
          goal(
            'peak RSS over the 4-tenant figure under the same submit load (MB; fresh process, first spread round)',
            '≤ 50',
            rssOver,
            rssOver <= 50,
          ),
          goal('submit throughput spread over 290 tenants vs one tenant', '≥ 0.9', ratio, ratio >= 0.9),
          goal('errors', '0', errors, errors === 0),
        ],
        figures: {
          tenants: all.slugs.length,
          connections: SETTINGS.connections,
          fourTenants: four,
          firstStartMs,
          restartMs,
          idleRssMb,
          peakRssMb: round(peakRssMb, 1),
          firstSpreadPeakRssMb,
          oneTenant: one,
          spread,
          spreadOverOne: ratio,
          rounds,
          table: [
            {
              configuration: '4 tenants (shipped), load spread over 4',
              'ready ms': four.readyMs,
              'idle RSS MB': four.idleRssMb,
              'peak RSS MB': four.load.peakRssMb,
              'req/s': four.load.requestsPerSecond,
              'p99 ms': four.load.p99ms,
            },
            {
              configuration: '290 tenants, load spread over 290',
              'ready ms': `${firstStartMs} (restart ${restartMs})`,
              'idle RSS MB': idleRssMb,
              'peak RSS MB': `${firstSpreadPeakRssMb} (first round; all rounds ${round(peakRssMb, 1)})`,
              'req/s': spread.requestsPerSecond,
              'p99 ms': spread.p99ms,
            },
            {
              configuration: '290 tenants, load to one',
              'ready ms': '',
              'idle RSS MB': '',
              'peak RSS MB': '',
              'req/s': one.requestsPerSecond,
              'p99 ms': one.p99ms,
            },
          ],
        },
        notes,
      };
    } finally {
      await db.drop();
    }
  } finally {
    fs.rmSync(all.dir, { recursive: true, force: true });
    await realm.close();
  }
}
