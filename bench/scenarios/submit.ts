// Scenario 1: citizens submit a 20-field form (validated, stored with an errand number and an
// outbox event), 32 connections, many citizens, a fresh idempotency key per request; against the
// ceiling running the same statements through node-pg.
import { randomUUID } from 'node:crypto';
import { startCeiling } from '../lib/ceiling';
import { BENCH_FORM_SLUG, benchAnswers, SUBMIT_MUTATION } from '../lib/form';
import { citizenToken } from '../lib/platform';
import { goal, round, ScenarioResult } from '../lib/results';
import { compare, SETTINGS } from './compare';
import { requestsFixture } from './requests-fixture';

export const CITIZENS = 2000;

/** Request bodies for submissions by `citizens` distinct citizens, each with a fresh key. */
export function submitRequests(tokens: string[], keyPrefix: string, tenantOf: (i: number) => string = () => 'sundsvall') {
  let n = 0;
  const bodies = Array.from({ length: 50 }, (_, i) => benchAnswers(i));
  return () => {
    const i = n++;
    const citizen = i % tokens.length;
    return {
      body: JSON.stringify({
        query: SUBMIT_MUTATION,
        variables: {
          input: {
            formSlug: BENCH_FORM_SLUG,
            idempotencyKey: `${keyPrefix}-${i}-${randomUUID().slice(0, 8)}`,
            data: bodies[i % bodies.length],
          },
        },
      }),
      headers: { authorization: `Bearer ${tokens[citizen]}`, 'x-kommuna-tenant': tenantOf(i) },
    };
  };
}

export async function runSubmit(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const fixture = await requestsFixture();
  const notes = [...fixture.notes];
  const tokens = Array.from({ length: CITIZENS }, (_, i) => citizenToken(fixture.realm, i + 1));
  if (!fixture.submitCapture) throw new Error('submit: no statements captured, no ceiling');
  const ceiling = await startCeiling({
    mode: 'submit',
    port: 4310,
    databaseUrl: fixture.db.appUrl,
    poolSize: 10,
    statements: fixture.submitCapture.statements,
    partyStatement: fixture.partyStatement,
    capturedRequestValues: fixture.submitCapture.requestValues,
  });
  try {
    log(
      `submit: ${fixture.submitStatementCount} statements per submission (census; a citizen's first: ${fixture.submitFirstStatementCount}); ${CITIZENS} citizens, ${SETTINGS.connections} connections`,
    );
    const comparison = await compare(
      fixture.api,
      ceiling,
      (target) => submitRequests(tokens, `${target}-${randomUUID().slice(0, 6)}`),
      log,
    );
    // Nothing lost: every submission the api confirmed is stored with its outbox event.
    const [stored] = await fixture.db.admin<{ submissions: number; events: number }>(
      `SELECT (SELECT count(*) FROM eforms_submission WHERE idempotency_key LIKE 'api-%')::int AS submissions,
              (SELECT count(*) FROM outbox_event e WHERE e.type = 'se.kommuna.eforms.submission.received'
                 AND EXISTS (SELECT 1 FROM eforms_submission s WHERE s.id::text = e.subject AND s.idempotency_key LIKE 'api-%'))::int AS events`,
    );
    const ratio = comparison.ratio;
    // Little's law for a closed loop of N connections without think time: mean latency = N ÷ throughput,
    // and p99 ≥ mean. So p99 < 50 ms needs more than N ÷ 0.05 s requests a second; when the ceiling
    // (the same statements without any framework) does not reach that, no server running them can.
    const neededReqS = SETTINGS.connections / 0.05;
    const ceilingMeanMs = round((SETTINGS.connections / comparison.ceiling.requestsPerSecond) * 1000, 0);
    notes.push(
      `p99 < 50 ms at ${SETTINGS.connections} connections needs more than ${neededReqS} req/s (Little's law: mean latency = connections ÷ throughput, p99 ≥ mean). ` +
        `The ceiling reached ${comparison.ceiling.requestsPerSecond} req/s here, a mean of ${ceilingMeanMs} ms (its p99 ${comparison.ceiling.p99ms} ms): ` +
        (comparison.ceiling.requestsPerSecond > neededReqS
          ? 'the goal is within reach on this machine.'
          : 'on this machine the goal is out of reach for any server running these statements.'),
    );
    return {
      scenario: 'submit',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal('throughput vs ceiling', '≥ 0.5', ratio, ratio >= 0.5),
        goal('p99 latency (ms)', '< 50', comparison.api.p99ms, comparison.api.p99ms < 50),
        goal('errors', '0', comparison.api.errors, comparison.api.errors === 0),
        // Requests still in flight when the load stops are stored without being counted as confirmed: hence ≥.
        goal(
          'submissions stored (with their outbox event) vs confirmed',
          `≥ ${comparison.api.successesWithWarmup}, each with its event`,
          `${stored.submissions} (events ${stored.events})`,
          stored.submissions >= comparison.api.successesWithWarmup && stored.events === stored.submissions,
        ),
      ],
      figures: {
        connections: SETTINGS.connections,
        citizens: CITIZENS,
        statementsPerSubmission: fixture.submitStatementCount,
        statementsFirstSubmissionOfACitizen: fixture.submitFirstStatementCount,
        api: comparison.api,
        ceiling: comparison.ceiling,
        ratioToCeiling: ratio,
        littlesLaw: { reqPerSecNeededForP99Under50ms: neededReqS, ceilingMeanLatencyMs: ceilingMeanMs },
        rounds: comparison.rounds,
        storedByApi: stored,
        capturedStatements: fixture.submitCapture.statements.map((s) => s.sql.replace(/\s+/g, ' ')),
      },
      notes,
    };
  } finally {
    await ceiling.stop();
  }
}
