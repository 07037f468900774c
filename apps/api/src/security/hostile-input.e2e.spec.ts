import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { GraphQLError } from 'graphql';
import { JsonLogger } from '@kommuna/platform-logging';
import { requestContext, TenantContextMissingError } from '@kommuna/platform-tenancy';
import { formatGraphQLError } from '../http/graphql-errors';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

/**
 * Hostile input at the edge (issue 10, part 2): every GraphQL query and mutation of the printed
 * schema and every REST route, called by every kind of caller with generated arguments (well
 * typed with junk values, wrongly typed, huge, deeply nested, unicode junk, null bytes) and with
 * malformed HTTP bodies. Never a 5xx, never an INTERNAL_SERVER_ERROR, never a stack trace or SQL
 * in a response, and a refused write leaves every table's row count as it was.
 */
const SCHEMA = buildSchema(fs.readFileSync(path.join(REPO_ROOT, 'apps/api/schema.graphql'), 'utf8'));
const RUNS = Number(process.env.KOMMUNA_FUZZ_RUNS ?? 8);

/** Things a response must not show unless the request itself carried them (echoed input). */
const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat [\w$.<>]+ \([^)]*:\d+:\d+\)|\n\s+at /],
  ['QueryFailedError', /QueryFailedError/],
  ['SQL SELECT', /\bSELECT\b/],
  ['SQL INSERT', /\bINSERT\b/],
  ['SQL relation', /\brelation "/],
  ['SQL syntax', /syntax error at/],
  ['source path', /node_modules|\/src\/[\w/-]+\.ts/],
];

function leaksIn(response: string, request: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(response) && !pattern.test(request)).map(([name]) => name);
}

// ---- generated arguments ----------------------------------------------------------------------

const junkString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uFFFF\uD800',
    '\u202Eevil',
    "' OR 1=1 --",
    '"; DROP TABLE tenant; --',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '%00',
    '{{name}}',
    '199001019802',
    'null',
  ),
  fc.constant('x'.repeat(20_000)),
  fc.uuid(),
);
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: [deep(depth - 1)] });
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  junkString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(deep(200)),
  fc.jsonValue({ maxDepth: 4 }),
  fc.array(junkString, { maxLength: 5 }),
);

/** A value of the input type with junk leaves (mostly), or junk of the wrong shape (sometimes). */
function valueOf(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  if (isListType(type))
    return fc.oneof(
      { weight: 4, arbitrary: fc.array(valueOf(type.ofType, depth + 1), { maxLength: 3 }) },
      { weight: 1, arbitrary: junkValue },
    );
  const named = getNamedType(type);
  if (isEnumType(named))
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...named.getValues().map((v) => v.name)) },
      { weight: 1, arbitrary: junkString },
    );
  if (isInputObjectType(named) && depth < 4) {
    const fields = Object.values(named.getFields());
    return fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record(Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, depth + 1)])), {
          requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
        }),
      },
      { weight: 1, arbitrary: junkValue },
    );
  }
  if (isScalarType(named)) {
    const typed: Record<string, fc.Arbitrary<unknown>> = {
      ID: fc.oneof(fc.uuid(), junkString),
      String: junkString,
      Int: fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 2 ** 31 - 1)),
      Float: fc.double({ noNaN: true }),
      Boolean: fc.boolean(),
      DateTime: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        junkString,
      ),
      JSON: junkValue,
      JSONObject: fc.oneof(fc.dictionary(junkString, junkValue, { maxKeys: 4 }), junkValue),
    };
    return fc.oneof({ weight: 5, arbitrary: typed[named.name] ?? junkValue }, { weight: 1, arbitrary: junkValue });
  }
  return junkValue;
}

const selectionOf = (field: GraphQLField<unknown, unknown>): string => {
  const named = getNamedType(field.type);
  return isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
};

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args: readonly GraphQLArgument[] = field.args;
  const declared = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${kind}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selectionOf(field)} }`;
}

const ENTRY_POINTS: Array<{ kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }> = [
  ...Object.values(SCHEMA.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
  ...Object.values(SCHEMA.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, field })),
];

describe('hostile input at the edge', () => {
  let api: TestApi;
  let callers: Record<string, Record<string, string>>;

  beforeAll(async () => {
    api = await startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '1000000', KOMMUNA_RATE_LIMIT_PER_TENANT: '1000000' } });
    const token = (claims: Record<string, unknown>) => ({
      authorization: `Bearer ${api.realm.token(claims)}`,
      'x-kommuna-tenant': 'sundsvall',
    });
    callers = {
      anonymous: { 'x-kommuna-tenant': 'sundsvall' },
      citizen: token({ sub: 'fuzz-citizen', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' }),
      caseWorker: token({
        sub: 'fuzz-case-worker',
        realm_access: { roles: ['case_worker'] },
        organization: ['sundsvall'],
        unit: 'socialtjanst',
      }),
      tenantAdmin: token({ sub: 'fuzz-admin', realm_access: { roles: ['tenant_admin'] }, organization: ['sundsvall'] }),
      serviceAccount: token({
        sub: 'fuzz-system',
        realm_access: { roles: ['service_account'] },
        organization: ['sundsvall'],
        azp: 'sundsvall-case-system',
      }),
      steeringGroup: token({ sub: 'fuzz-steering', realm_access: { roles: ['steering_group'] } }),
    };
    // First sight of a caller registers their party: done here so it is not counted as a write below.
    for (const headers of Object.values(callers)) await api.graphql('{ tenants { slug } }', headers);
  });
  afterAll(() => api?.close());

  const inject = (options: { method?: string; url?: string; headers?: Record<string, string>; payload?: string | Buffer }) =>
    api.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: (options.method ?? 'POST') as 'POST',
        url: options.url ?? '/graphql',
        headers: options.headers,
        payload: options.payload,
      });

  /** Row counts of every table, per municipality (tenant tables are read in each tenant's context). */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables: Array<{ table_name: string }> = await api.runtime.database.dataSource.query(
      `SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const tenant of api.runtime.tenants.all()) {
      const [row] = await requestContext.run({ requestId: 'fuzz', tenantId: tenant.id }, () =>
        api.runtime.database.transaction((em) =>
          em.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t.table_name}")::int AS "${t.table_name}"`).join(', ')}`),
        ),
      );
      for (const [table, n] of Object.entries(row as Record<string, number>)) counts[`${tenant.slug}.${table}`] = n;
    }
    const [global] = await api.runtime.database.dataSource.query(`SELECT (SELECT count(*) FROM eforms_template)::int AS templates`);
    counts['eforms_template'] = global.templates;
    return counts;
  }

  const problems: string[] = [];
  function check(
    label: string,
    request: string,
    status: number,
    body: string,
  ): { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown } | undefined {
    if (status >= 500) problems.push(`${label}: HTTP ${status} ${body.slice(0, 300)}`);
    const leaks = leaksIn(body, request);
    if (leaks.length > 0) problems.push(`${label}: leaks ${leaks.join(', ')}: ${body.slice(0, 300)}`);
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      if (status !== 204) problems.push(`${label}: a body that is not JSON (${status}): ${body.slice(0, 100)}`);
      return undefined;
    }
    for (const error of parsed?.errors ?? []) {
      if (!error?.extensions?.code) problems.push(`${label}: an error without a code: ${JSON.stringify(error).slice(0, 200)}`);
      if (error?.extensions?.code === 'INTERNAL_SERVER_ERROR') problems.push(`${label}: INTERNAL_SERVER_ERROR`);
    }
    return parsed;
  }

  it(`every query and mutation (${ENTRY_POINTS.length}) answers generated arguments from every kind of caller with a coded error or data, never a crash`, async () => {
    const succeededWrites: string[] = [];
    for (const { kind, field } of ENTRY_POINTS) {
      const query = operation(kind, field);
      const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type)])), { requiredKeys: [] });
      const before = kind === 'mutation' ? await rowCounts() : undefined;
      let wrote = false;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(callers)), variables, async (caller, vars) => {
          const payload = JSON.stringify({ query, variables: vars });
          const response = await inject({ headers: { 'content-type': 'application/json', ...callers[caller] }, payload });
          const parsed = check(`${field.name} as ${caller}`, payload, response.statusCode, response.body);
          const value = (parsed?.data as Record<string, unknown> | null | undefined)?.[field.name];
          if (kind === 'mutation' && value !== undefined && value !== null) {
            wrote = true;
            succeededWrites.push(`${field.name} as ${caller}: ${payload.slice(0, 200)}`);
          }
          return true;
        }),
        { numRuns: RUNS * Object.keys(callers).length, seed: Number(process.env.KOMMUNA_FUZZ_SEED ?? 42) + field.name.length },
      );
      // A mutation that refused every call changed nothing anywhere.
      if (before && !wrote) expect({ mutation: field.name, counts: await rowCounts() }).toEqual({ mutation: field.name, counts: before });
    }
    expect(problems).toEqual([]);
    // Random input should not get through a service's checks; if it does, it is listed here for a look.
    expect(succeededWrites).toEqual([]);
  }, 240_000);

  it('answers malformed GraphQL requests with a 4xx and a code, never a crash or a leak', async () => {
    const staff = callers.tenantAdmin;
    const before = await rowCounts();
    const bodies: Array<[string, string | Buffer, string?]> = [
      ['invalid JSON', '{"query": "{ tenants { slug } }"'],
      ['truncated body', '{"query": "mutation { submitForm(input: {formSlug: \\"bygg'],
      ['not an object', '"{ tenants { slug } }"'],
      ['null', 'null'],
      ['a number', '42'],
      ['empty', ''],
      ['query not a string', JSON.stringify({ query: { evil: true } })],
      ['variables a string', JSON.stringify({ query: 'query($s: String!) { publishedForm(slug: $s) { slug } }', variables: '{"s":"x"}' })],
      [
        'wrong variable type',
        JSON.stringify({ query: 'query($s: String!) { publishedForm(slug: $s) { slug } }', variables: { s: { $gt: '' } } }),
      ],
      ['missing variable', JSON.stringify({ query: 'query($s: String!) { publishedForm(slug: $s) { slug } }' })],
      ['syntax error', JSON.stringify({ query: 'mutation { submitForm(input: { ) }' })],
      ['unknown field', JSON.stringify({ query: '{ __schema { types { name } } password }' })],
      ['null bytes', JSON.stringify({ query: '{ publishedForm(slug: "a\u0000b") { slug } }' })],
      ['raw null byte in JSON', Buffer.from('{"query": "{ tenants { slug } }\u0000"}')],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from('{"query": "{ publishedForm(slug: \\"'),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('\\") { slug } }"}'),
        ]),
      ],
      ['unicode junk', JSON.stringify({ query: '{ publishedForm(slug: "\uD800\u202E\uFFFF𝕏") { slug } }' })],
      [
        'deeply nested variables',
        `{"query": "mutation($d: JSON!) { saveFormDraft(draftId: \\"00000000-0000-0000-0000-000000000000\\", data: $d) { id } }", "variables": {"d": ${'{"a":['.repeat(5000)}1${']}'.repeat(5000)}}}`,
      ],
      ['deeply nested query', JSON.stringify({ query: `{ ${'tenants { '.repeat(200)}slug${' }'.repeat(200)} }` })],
      [
        'huge string argument',
        JSON.stringify({ query: 'query($s: String!) { publishedForm(slug: $s) { slug } }', variables: { s: 'å'.repeat(400_000) } }),
      ],
      ['over the body limit', JSON.stringify({ query: '{ tenants { slug } }', padding: 'x'.repeat(2 * 1024 * 1024) })],
      ['a batch', JSON.stringify([{ query: '{ tenants { slug } }' }, { query: '{ tenants { slug } }' }])],
      ['operation name missing', JSON.stringify({ query: 'query A { tenants { slug } } query B { tenants { slug } }' })],
      ['wrong content type', JSON.stringify({ query: '{ tenants { slug } }' }), 'text/plain'],
      ['form encoded', 'query=%7B+tenants+%7B+slug+%7D+%7D', 'application/x-www-form-urlencoded'],
      ['xml', '<query>{ tenants { slug } }</query>', 'application/xml'],
      ['json with charset junk', JSON.stringify({ query: '{ tenants { slug } }' }), 'application/json; charset=klingon'],
      // The body is the document itself (issue 23: it answered INTERNAL_SERVER_ERROR).
      ['application/graphql', '{ tenants { slug } }', 'application/graphql'],
      ['application/graphql, broken', '{ tenants { slug', 'application/graphql; charset=utf-8'],
      ['application/graphql, empty', '', 'application/graphql'],
      ['JSON sent as application/graphql', JSON.stringify({ query: '{ tenants { slug } }' }), 'application/graphql'],
      [
        'a JSON syntax tree as the query',
        JSON.stringify({ query: JSON.stringify({ kind: 'Document', definitions: [{ kind: 'OperationDefinition', operation: 'query' }] }) }),
      ],
    ];
    for (const [label, payload, contentType] of bodies) {
      const response = await inject({ headers: { 'content-type': contentType ?? 'application/json', ...staff }, payload });
      check(label, payload.toString(), response.statusCode, response.body);
      // These are well-formed requests with odd content: an answer with data is right for them.
      if (
        !['unicode junk', 'wrong variable type', 'huge string argument', 'json with charset junk', 'application/graphql'].includes(label)
      ) {
        expect({ label, ok: response.statusCode >= 400 || JSON.parse(response.body).errors?.length > 0 }).toEqual({ label, ok: true });
      }
    }
    expect(problems).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers malformed REST requests on every route with a 4xx and a code, and stores nothing', async () => {
    const before = await rowCounts();
    const systems = callers.serviceAccount;
    const requests: Array<{ label: string; method: string; url: string; headers?: Record<string, string>; payload?: string | Buffer }> = [];
    const junkIds = [
      'x',
      '00000000-0000-0000-0000-000000000000',
      '%00',
      '..%2F..%2Fetc%2Fpasswd',
      'a'.repeat(5000),
      "'; SELECT 1; --",
      '%E2%80%AE',
      '%FF',
    ];
    for (const id of junkIds) {
      requests.push({ label: `message ${id.slice(0, 20)}`, method: 'GET', url: `/digital-mail/messages/${id}`, headers: systems });
      requests.push({ label: `publiccode ${id.slice(0, 20)}`, method: 'GET', url: `/catalogue/services/${id}/publiccode.yml` });
    }
    const messageBodies: Array<[string, string | Buffer, string]> = [
      ['invalid JSON', '{"recipient": "199001019802", "subject": ', 'application/json'],
      ['array', '[1,2,3]', 'application/json'],
      ['wrong types', JSON.stringify({ recipient: 199001019802, subject: ['x'], body: { a: 1 }, attachments: 'none' }), 'application/json'],
      ['bad recipient', JSON.stringify({ recipient: '199001019803', subject: 'Hej', body: 'Text' }), 'application/json'],
      ['null bytes', JSON.stringify({ recipient: '199001019802', subject: 'a\u0000b', body: '\u0000' }), 'application/json'],
      [
        'bad attachment',
        JSON.stringify({
          recipient: '199001019802',
          subject: 'Hej',
          body: 'Text',
          attachments: [{ filename: '../x.pdf', contentBase64: '!!!', deliveryMode: 'EITHER' }],
        }),
        'application/json',
      ],
      [
        'deep',
        `{"recipient": "199001019802", "subject": "Hej", "body": "Text", "supportInfo": ${'{"a":['.repeat(5000)}1${']}'.repeat(5000)}}`,
        'application/json',
      ],
      ['text/plain', JSON.stringify({ recipient: '199001019802', subject: 'Hej', body: 'Text' }), 'text/plain'],
      ['form encoded', 'recipient=199001019802&subject=Hej', 'application/x-www-form-urlencoded'],
      [
        'over the body limit',
        JSON.stringify({ recipient: '199001019802', subject: 'Hej', body: 'x'.repeat(13 * 1024 * 1024) }),
        'application/json',
      ],
    ];
    for (const [label, payload, contentType] of messageBodies) {
      requests.push({
        label: `send ${label}`,
        method: 'POST',
        url: '/digital-mail/messages',
        headers: { ...systems, 'content-type': contentType, 'idempotency-key': `fuzz-${label.replace(/\W/g, '-')}` },
        payload,
      });
    }
    // Home care's file upload: the body is the file, streamed to the import (refused whole or not at all).
    const homeCareUploads: Array<[string, string, string | Buffer, string]> = [
      ['junk kind', `/home-care/imports/${encodeURIComponent("'; SELECT 1; --")}`, 'a,b\n1,2\n', 'text/csv'],
      ['junk format', '/home-care/imports/visits?format=%00', 'a,b\n', 'text/csv'],
      ['junk adapter', '/home-care/imports/visits?adapter=..%2F..%2Fx', 'a,b\n', 'text/csv'],
      ['null bytes', '/home-care/imports/visits', 'municipality,visit\n2281,\u0000\n', 'text/csv'],
      ['binary', '/home-care/imports/providers', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), 'text/csv'],
      ['junk lines', '/home-care/imports/decisions?format=jsonl', '{"a":\n[1,2]\nnull\n', 'application/x-ndjson'],
      ['form encoded', '/home-care/imports/visits', 'municipality=2281', 'application/x-www-form-urlencoded'],
    ];
    for (const [label, url, payload, contentType] of homeCareUploads) {
      requests.push({
        label: `home-care upload ${label}`,
        method: 'POST',
        url,
        headers: { ...systems, 'content-type': contentType },
        payload,
      });
    }
    requests.push({
      label: 'export without a token',
      method: 'GET',
      url: '/admin/export.tar',
      headers: { 'x-kommuna-tenant': 'sundsvall' },
    });
    requests.push({ label: 'export as a citizen', method: 'GET', url: '/admin/export.tar', headers: callers.citizen });
    requests.push({
      label: 'unknown route',
      method: 'PUT',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    requests.push({ label: 'path junk', method: 'GET', url: '/health/%2e%2e/%2e%2e/etc/passwd' });
    for (const request of requests) {
      const response = await inject(request);
      if (process.env.FUZZ_DEBUG) process.stdout.write(`${request.label} ${response.statusCode} ${response.body.slice(0, 300)}\n`);
      check(request.label, `${request.url} ${request.payload?.toString() ?? ''}`, response.statusCode, response.body);
      expect({ label: request.label, status: response.statusCode >= 400 && response.statusCode < 500 }).toEqual({
        label: request.label,
        status: true,
      });
    }
    expect(problems).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('Mina sidor: recordCaseDecision refuses javascript:, data: and other non-https document links, and myCases never shows one stored before (issue 23)', async () => {
    const key = { source: 'procapita', externalCaseId: 'hostile-links-1' };
    const upsert = await api.graphql(
      'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }',
      callers.serviceAccount,
      {
        input: {
          ...key,
          errandNumber: 'SBN-LINK-1',
          caseType: 'bistand',
          unit: 'socialtjanst',
          title: { sv: 'Länkar', en: 'Links' },
          subject: { personnummer: '199001019802' },
        },
      },
    );
    const caseId = upsert.body.data.upsertCase.caseId;
    const before = await rowCounts();
    const decision = 'mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { caseId } }';
    for (const url of [
      'javascript:alert(document.cookie)',
      ' JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:text/html;base64,PHNjcmlwdD4=',
      'http://example.se/beslut.pdf',
      '//evil.example/x.pdf',
      'vbscript:x',
    ]) {
      const { body } = await api.graphql(decision, callers.serviceAccount, {
        input: {
          ...key,
          externalDecisionId: `d-${url.length}`,
          decisionType: 'bistand',
          outcome: 'APPROVAL',
          decidedAt: '2025-03-01T00:00:00Z',
          documents: [{ name: 'Beslut.pdf', url }],
        },
      });
      expect({ url, code: body.errors?.[0]?.extensions?.code, message: /documents\.0\.url/.test(body.errors?.[0]?.message ?? '') }).toEqual(
        { url, code: 'VALIDATION_FAILED', message: true },
      );
    }
    expect(await rowCounts()).toEqual(before);

    // A decision stored before links were checked: the document is shown, its link is not.
    const sundsvall = api.runtime.tenants.get('sundsvall');
    await requestContext.run({ requestId: 'links', tenantId: sundsvall.id }, () =>
      api.runtime.database.transaction((em) =>
        em.query(
          `INSERT INTO minasidor_decision (tenant_id, case_id, subject_party_id, external_decision_id, decision_type, outcome, decided_at, documents)
           SELECT tenant_id, id, subject_party_id, 'stored-before', 'bistand', 'approval', now(), $3 FROM minasidor_case WHERE tenant_id = $1 AND id = $2`,
          [
            sundsvall.id,
            caseId,
            JSON.stringify([
              { name: 'Beslut.pdf', url: 'javascript:alert(document.cookie)' },
              { name: 'Bilaga', url: 'data:text/html,<b>x</b>' },
              { name: 'Kopia', url: 'https://dokument.sundsvall.se/k.pdf' },
            ]),
          ],
        ),
      ),
    );
    const { body } = await api.graphql(
      '{ myCases(first: 100) { nodes { id decisions { documents { name url } } } } myData }',
      callers.citizen,
    );
    expect(body.errors).toBeUndefined();
    const documents = body.data.myCases.nodes
      .find((c: { id: string }) => c.id === caseId)
      .decisions.flatMap((d: { documents: unknown[] }) => d.documents);
    expect(documents).toEqual([
      { name: 'Beslut.pdf', url: null },
      { name: 'Bilaga', url: null },
      { name: 'Kopia', url: 'https://dokument.sundsvall.se/k.pdf' },
    ]);
    expect(body.data.myData).not.toMatch(/javascript:|data:text/i);
  });
});

describe('errors a caller can act on', () => {
  it('answers a missing tenant or subject context with what to send, not the platform’s internals (issue 23)', () => {
    const lines: string[] = [];
    const format = (original: Error) =>
      formatGraphQLError(
        new GraphQLError(original.message, { originalError: original, path: ['x'] }),
        new JsonLogger('info', (l) => lines.push(l)),
      );
    const [tenant] = format(requestContextError(() => requestContext.tenantId()));
    expect(tenant).toMatchObject({
      message: 'Name the municipality you act for: the X-Kommuna-Tenant header or its host name',
      extensions: { code: 'TENANT_REQUIRED' },
    });
    const [subject] = format(requestContextError(() => requestContext.subjectId()));
    expect(subject.extensions).toEqual({ code: 'SUBJECT_REQUIRED' });
    expect(JSON.stringify([tenant, subject])).not.toMatch(/requestContext|No a /);
  });
});

function requestContextError(work: () => unknown): TenantContextMissingError {
  try {
    work();
  } catch (error) {
    if (error instanceof TenantContextMissingError) return error;
    throw error;
  }
  throw new Error('expected a TenantContextMissingError');
}
