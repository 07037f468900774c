// Scenario 2: a citizen's Mina sidor overview (myCases, 20 per page, every detail the page shows)
// with 50 cases in 3 municipalities; against the ceiling running the same statements; and the
// statements per request counted by PostgreSQL for pages of 5, 20 and 50.
import { startCeiling } from '../lib/ceiling';
import { citizenToken } from '../lib/platform';
import { goal, ScenarioResult } from '../lib/results';
import { compare, SETTINGS } from './compare';
import { MY_CASES, OVERVIEW_CITIZEN, OVERVIEW_MUNICIPALITIES, requestsFixture } from './requests-fixture';

export async function runOverview(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const fixture = await requestsFixture();
  if (!fixture.overviewCapture || !fixture.overviewStatementCounts) throw new Error('overview: no statements captured, no ceiling');
  const ceiling = await startCeiling({
    mode: 'overview',
    port: 4311,
    databaseUrl: fixture.db.appUrl,
    poolSize: 10,
    statements: fixture.overviewCapture.statements,
    partyStatement: fixture.partyStatement,
    capturedRequestValues: fixture.overviewCapture.requestValues,
  });
  const token = citizenToken(fixture.realm, OVERVIEW_CITIZEN);
  const body = JSON.stringify({ query: MY_CASES, variables: { first: 20 } });
  const request = () => ({ body, headers: { authorization: `Bearer ${token}` } });
  try {
    const counts = fixture.overviewStatementCounts;
    log(`overview: statements per request by page size ${JSON.stringify(counts)} (census); ${fixture.overviewCases} cases`);
    const comparison = await compare(fixture.api, ceiling, () => request, log);
    const most = Math.max(...Object.values(counts));
    const same = new Set(Object.values(counts)).size === 1;
    return {
      scenario: 'overview',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal('throughput vs ceiling', '≥ 0.5', comparison.ratio, comparison.ratio >= 0.5),
        goal(
          'SQL statements per request (pages of 5, 20, 50)',
          '≤ 4, whatever the page size',
          Object.values(counts).join(' / '),
          most <= 4 && same,
        ),
        goal('errors', '0', comparison.api.errors, comparison.api.errors === 0),
      ],
      figures: {
        connections: SETTINGS.connections,
        cases: fixture.overviewCases,
        municipalities: Object.fromEntries(OVERVIEW_MUNICIPALITIES),
        pageSize: 20,
        statementsPerRequestByPageSize: counts,
        api: comparison.api,
        ceiling: comparison.ceiling,
        ratioToCeiling: comparison.ratio,
        rounds: comparison.rounds,
        capturedStatements: fixture.overviewCapture.statements.map((s) => s.sql.replace(/\s+/g, ' ').slice(0, 300)),
      },
      notes: fixture.notes,
    };
  } finally {
    await ceiling.stop();
  }
}
