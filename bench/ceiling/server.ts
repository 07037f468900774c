// The ceiling: a plain node:http server that runs, per request, exactly the SQL statements the api
// ran for the same request (captured from PostgreSQL's log by the census, texts verbatim) through
// node-pg, with no framework, no token verification, no validation. Each statement's parameters
// are the captured ones, except those that belong to the request (citizen, idempotency key, ids
// returned by earlier statements), which are bound below. It refuses to start if a captured value
// that belongs to the captured request would be replayed as is.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, PoolClient } from 'pg';

export interface CapturedStatement {
  sql: string;
  /** Parameter values as text (null for SQL NULL), in order. */
  params: Array<string | null>;
}

export interface CeilingConfig {
  mode: 'submit' | 'overview';
  port: number;
  databaseUrl: string;
  poolSize: number;
  statements: CapturedStatement[];
  /** The party look-up the api runs the first time it sees a citizen (it remembers the answer, and so does the ceiling). */
  partyStatement?: CapturedStatement | null;
  /** Values that belonged to the captured request; none may be replayed as is. */
  capturedRequestValues: string[];
}

interface RequestState {
  personnummer: string;
  idempotencyKey?: string;
  data?: unknown;
  body: string;
  partyId?: string;
  submissionId?: string;
  errandNumber?: string;
  submittedAt?: string;
  rows?: unknown[];
}

type Binder = (captured: Array<string | null>, state: RequestState) => Array<string | null>;
/** A statement's result rows; the steps read the ids and sequence values they need. */
type Row = Record<string, unknown> & { id?: string };
type After = (rows: Row[], state: RequestState) => void;
interface Step {
  sql: string;
  bind: Binder;
  after?: After;
  outsideTransaction?: boolean;
}

const keep: Binder = (captured) => captured;

/** How each kind of captured statement takes its per-request values. */
function stepFor(statement: CapturedStatement, mode: CeilingConfig['mode']): Step {
  const sql = statement.sql;
  const step = (bind: Binder, after?: After, outsideTransaction = false): Step => ({ sql, bind, after, outsideTransaction });
  if (/^WITH found AS \(SELECT id FROM party/.test(sql))
    return step(
      (c, s) => [c[0], s.personnummer],
      (rows, s) => (s.partyId = rows[0].id),
      true,
    );
  if (/^(START TRANSACTION|BEGIN|COMMIT)$/.test(sql)) return step(keep);
  if (/set_config\('app\.tenant_id'/.test(sql)) return step((c, s) => [c[0], s.partyId!]);
  if (mode === 'submit') {
    if (/FROM eforms_submission WHERE tenant_id = \$1 AND subject_party_id/.test(sql))
      return step((c, s) => [c[0], s.partyId!, s.idempotencyKey!]);
    if (/^INSERT INTO eforms_errand_counter/.test(sql))
      return step(
        keep,
        (rows, s) => (s.errandNumber = `${statement.params[1]}-${statement.params[2]}-${String(rows[0].last_value).padStart(6, '0')}`),
      );
    if (/^INSERT INTO eforms_submission/.test(sql))
      return step(
        (c, s) => [
          c[0],
          c[1],
          c[2],
          s.partyId!,
          c[4],
          JSON.stringify(s.data),
          s.errandNumber!,
          s.idempotencyKey!,
          createHash('sha256').update(s.body).digest('hex'),
          c[9],
          (s.submittedAt = new Date().toISOString()),
        ],
        (rows, s) => (s.submissionId = rows[0].id),
      );
    if (/^INSERT INTO outbox_event/.test(sql))
      return step((c, s) => {
        const data = JSON.parse(c[4]!);
        Object.assign(data, {
          submissionId: s.submissionId,
          errandNumber: s.errandNumber,
          subjectPartyId: s.partyId,
          submittedAt: s.submittedAt,
        });
        return [c[0], c[1], c[2], s.submissionId!, JSON.stringify(data)];
      });
    if (/WHERE tenant_id = \$1 AND (id|submission_id) = \$2/.test(sql) && /FROM eforms_(submission|attachment|decision) /.test(sql))
      return step((c, s) => [c[0], s.submissionId!]);
  }
  if (mode === 'overview' && /FROM minasidor_case c/.test(sql))
    return step(
      (c, s) => [s.partyId!, ...c.slice(1)],
      (rows, s) => (s.rows = rows),
    );
  return step(keep);
}

/** Parses log_statement's "$1 = 'a', $2 = NULL" into values. */
export function parseLoggedParameters(text: string | undefined): Array<string | null> {
  if (!text) return [];
  const values: Array<string | null> = [];
  const pattern = /\$(\d+) = (NULL|'((?:[^']|'')*)')(?:, |$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) values[Number(match[1]) - 1] = match[2] === 'NULL' ? null : match[3].replace(/''/g, "'");
  if (pattern.lastIndex !== text.length && values.length === 0) throw new Error(`Unparsable parameters: ${text.slice(0, 200)}`);
  return values;
}

function checkBinding(steps: Step[], config: CeilingConfig): void {
  const probe: RequestState = {
    personnummer: 'P',
    idempotencyKey: 'K',
    data: {},
    body: '{}',
    partyId: 'PARTY',
    submissionId: 'SUB',
    errandNumber: 'E',
    submittedAt: 'T',
  };
  steps.forEach((step, i) => {
    const bound = step.bind(config.statements[i].params, probe);
    for (const value of bound) {
      if (value === null) continue;
      for (const leaked of config.capturedRequestValues) {
        if (leaked && value.includes(leaked))
          throw new Error(`Statement ${i} would replay the captured request's value "${leaked}": ${step.sql.slice(0, 120)}`);
      }
    }
  });
}

async function main(): Promise<void> {
  const config: CeilingConfig = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const steps = config.statements.map((s) => stepFor(s, config.mode));
  checkBinding(steps, config);
  const pool = new Pool({ connectionString: config.databaseUrl, max: config.poolSize });
  const parties = new Map<string, string>();

  const handle = async (request: IncomingMessage, response: ServerResponse, raw: string) => {
    const body = JSON.parse(raw);
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    // The test realm's citizen tokens carry the identity number as the Swedish OIDC claim (as an e-legitimation login does).
    claims.personnummer ??=
      claims['https://id.oidc.se/claim/personalIdentityNumber'] ?? claims['https://id.oidc.se/claim/coordinationNumber'];
    const input = body.variables?.input ?? {};
    const state: RequestState = {
      personnummer: claims.personnummer,
      idempotencyKey: input.idempotencyKey,
      data: input.data,
      body: raw,
      partyId: parties.get(claims.personnummer),
    };
    if (!state.partyId && config.partyStatement) {
      const [row] = (await pool.query(config.partyStatement.sql, [config.partyStatement.params[0], state.personnummer])).rows;
      parties.set(state.personnummer, (state.partyId = row.id));
    }
    let client: PoolClient | undefined;
    try {
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const params = step.bind(config.statements[i].params, state);
        let rows: Row[];
        if (step.outsideTransaction) {
          rows = (await pool.query(step.sql, params)).rows;
        } else {
          client ??= await pool.connect();
          rows = (await client.query(step.sql, params.length ? params : undefined)).rows;
        }
        step.after?.(rows, state);
      }
    } catch (error) {
      if (client) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client?.release();
    }
    const payload =
      config.mode === 'submit'
        ? { data: { submitForm: { submissionId: state.submissionId, errandNumber: state.errandNumber, status: 'received' } } }
        : { data: { myCases: { nodes: state.rows } } };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      handle(request, response, Buffer.concat(chunks).toString()).catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: error.message }] }));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  process.stdout.write(`ceiling ready (${config.mode}, ${steps.length} statements)\n`);
  process.on('SIGTERM', () =>
    server.close(() => {
      pool.end().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`ceiling could not close its pool: ${error.message}\n`);
          process.exit(1);
        },
      );
    }),
  );
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`ceiling could not start: ${error.message}\n`);
    process.exit(1);
  });
}
