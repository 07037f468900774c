import { startTestApi, TestApi } from '../testing/test-api';
import { GRAPHQL_LIMITS } from './graphql-limits';

describe('the api edge', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '5', KOMMUNA_RATE_LIMIT_PER_TENANT: '1000' } });
  });
  afterAll(() => api?.close());

  const post = (payload: string, headers: Record<string, string> = {}) =>
    api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...headers }, payload });
  const token = (sub: string) => api.realm.token({ sub, realm_access: { roles: ['steering_group'] } });

  it('sends security headers and never caches GraphQL answers', async () => {
    const response = await post(JSON.stringify({ query: '{ tenants { slug } }' }), { authorization: `Bearer ${token('headers')}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
  });

  it('refuses a cross-site form post (CSRF) before it reaches GraphQL', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(JSON.stringify({ query: 'mutation { x }' }), {
        'content-type': type,
        authorization: `Bearer ${token('csrf')}`,
      });
      expect(response.statusCode).toBe(415);
      expect(response.json().errors[0].extensions.code).toBe('CSRF_REJECTED');
    }
  });

  it('refuses a body over the route’s limit before reading it', async () => {
    const big = JSON.stringify({ query: '{ tenants { slug } }', padding: 'x'.repeat(1024 * 1024) });
    const response = await post(big, { authorization: `Bearer ${token('big')}` });
    expect(response.statusCode).toBe(413);
    expect(response.json().errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('limits each client per minute with 429 and Retry-After, and other clients go on', async () => {
    const greedy = `Bearer ${token('greedy')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await post(JSON.stringify({ query: '{ tenants { slug } }' }), { authorization: greedy })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await post(JSON.stringify({ query: '{ tenants { slug } }' }), { authorization: greedy });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await post(JSON.stringify({ query: '{ tenants { slug } }' }), { authorization: `Bearer ${token('modest')}` })).statusCode).toBe(
      200,
    );
  });

  it('refuses queries that are too deep, too aliased or too large, and batches', async () => {
    const auth = () => ({ authorization: `Bearer ${token(`limits-${Math.random()}`)}` });
    const aliases = Array.from({ length: GRAPHQL_LIMITS.aliases + 1 }, (_, i) => `a${i}: tenants { slug }`).join(' ');
    const tooAliased = await post(JSON.stringify({ query: `{ ${aliases} }` }), auth());
    expect(tooAliased.statusCode).toBe(400);
    expect(
      tooAliased
        .json()
        .errors.map((e: any) => e.message)
        .join(),
    ).toMatch(/Too many aliases/);

    // 40 fragment uses × 40 fields: a small document that would select 1,600 fields.
    const fields = Array.from({ length: 40 }, () => 'slug').join(' ');
    const spreads = Array.from({ length: 40 }, (_, i) => `t${i}: tenants { ...F }`)
      .slice(0, GRAPHQL_LIMITS.aliases)
      .join(' ');
    const tooLarge = await post(JSON.stringify({ query: `{ ${spreads} } fragment F on TenantModel { ${fields} }` }), auth());
    expect(tooLarge.statusCode).toBe(400);
    expect(
      tooLarge
        .json()
        .errors.map((e: any) => e.message)
        .join(),
    ).toMatch(/Query too large/);

    // A PDF costs FIELD_COST.pdf: eleven receipts' PDFs in one request are refused before any is rendered.
    const pdfs = Array.from({ length: 11 }, (_, i) => `p${i}: pdfBase64`).join(' ');
    const tooCostly = await post(JSON.stringify({ query: `{ formReceipt(submissionId: "x") { ${pdfs} } }` }), auth());
    expect(tooCostly.statusCode).toBe(400);
    expect(
      tooCostly
        .json()
        .errors.map((e: any) => e.message)
        .join(),
    ).toMatch(/Query too large: it costs 1101/);
    // The cost is counted with the request's variables: a required one is no reason to refuse.
    const withVariables = (query: string) => post(JSON.stringify({ query, variables: { id: 'x' } }), auth());
    const affordable = await withVariables(`query Receipt($id: ID!) { formReceipt(submissionId: $id) { p0: pdfBase64 } }`);
    expect(affordable.json().errors.map((e: any) => e.extensions.code)).not.toContain('GRAPHQL_LIMIT_EXCEEDED');
    expect(affordable.json().errors.map((e: any) => e.extensions.code)).not.toContain('GRAPHQL_VALIDATION_FAILED');
    const costly = await withVariables(`query Receipt($id: ID!) { formReceipt(submissionId: $id) { ${pdfs} } }`);
    expect(costly.statusCode).toBe(400);
    expect(costly.json().errors[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED');
    // A document's cost is remembered (decision 19 of ADR 0002): the same text is refused again,
    // and a document whose cost a variable changes (@include) is counted with each request's variables.
    const again = await withVariables(`query Receipt($id: ID!) { formReceipt(submissionId: $id) { ${pdfs} } }`);
    expect(again.json().errors[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED');
    const included = (details: boolean) =>
      post(
        JSON.stringify({
          query: `query Receipt($details: Boolean!) { formReceipt(submissionId: "x") { submissionId ... @include(if: $details) { ${pdfs} } } }`,
          variables: { details },
        }),
        auth(),
      );
    const without = await included(false);
    expect(without.json().errors.map((e: any) => e.extensions.code)).not.toContain('GRAPHQL_LIMIT_EXCEEDED');
    expect(without.json().errors.map((e: any) => e.extensions.code)).not.toContain('GRAPHQL_VALIDATION_FAILED');
    const withPdfs = await included(true);
    expect(withPdfs.json().errors[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED');

    // Introspection is exempt from the depth limit (graphql-over-http.e2e.spec.ts); nested inline fragments are not.
    const deep = `{ tenants { ${'... on TenantModel { '.repeat(GRAPHQL_LIMITS.depth)}slug${' }'.repeat(GRAPHQL_LIMITS.depth)} } }`;
    const tooDeep = await post(JSON.stringify({ query: deep }), auth());
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().errors[0].message).toMatch(/exceeds the query depth limit/);

    const batch = await post(JSON.stringify([{ query: '{ tenants { slug } }' }, { query: '{ tenants { slug } }' }]), auth());
    expect(batch.statusCode).toBe(400);
    expect(batch.json().errors[0].message).toMatch(/body must be object/);
  });
});

describe('rate limits per client and per municipality', () => {
  const ask = (api: TestApi, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    api.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/graphql',
        remoteAddress,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ query: '{ tenants { slug } }' }),
      });
  const resident = (api: TestApi, sub: string) => `Bearer ${api.realm.token({ sub, realm_access: { roles: ['citizen'] } })}`;

  it('a caller refused per client spends none of the municipality’s budget, and every spelling of it shares one', async () => {
    const api = await startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '10', KOMMUNA_RATE_LIMIT_PER_TENANT: '40' } });
    try {
      // One anonymous caller, 60 posts: 10 pass, 50 are refused per client.
      const greedy: number[] = [];
      for (let i = 0; i < 60; i++) greedy.push((await ask(api, { 'x-kommuna-tenant': 'sundsvall' })).statusCode);
      expect(greedy.filter((status) => status === 200)).toHaveLength(10);
      expect(greedy.slice(10).every((status) => status === 429)).toBe(true);
      // A fresh resident still gets in: only 10 of the municipality's 40 were spent.
      expect((await ask(api, { 'x-kommuna-tenant': 'sundsvall', authorization: resident(api, 'fresh') })).statusCode).toBe(200);

      // 29 more callers within their own budgets fill the municipality's 40, whatever the host's case...
      for (let i = 0; i < 29; i++) {
        const host = i % 2 === 0 ? 'SUNDSVALL.kommuna.se' : 'sundsvall.kommuna.se';
        expect((await ask(api, { host, authorization: resident(api, `caller-${i}`) })).statusCode).toBe(200);
      }
      const over = await ask(api, { host: 'Sundsvall.Kommuna.se', authorization: resident(api, 'one-too-many') });
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // ...and another municipality is not affected.
      expect((await ask(api, { 'x-kommuna-tenant': 'ange', authorization: resident(api, 'one-too-many') })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('replicas sharing Redis share the budgets', async () => {
    const env = {
      KOMMUNA_RATE_LIMIT_PER_CLIENT: '5',
      KOMMUNA_RATE_LIMIT_PER_TENANT: '100000',
      KOMMUNA_REDIS_URL: 'redis://127.0.0.1:6379',
    };
    const [first, second] = [await startTestApi({ env }), await startTestApi({ env })];
    try {
      // One anonymous caller at both replicas, from an address no earlier run used (counts live a minute in Redis).
      const address = `127.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await ask(i % 2 === 0 ? first : second, { 'x-kommuna-tenant': 'timra' }, address)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    // Two api instances start here, one after the other: on a loaded two-core machine that alone can take most of 30 s.
  }, 120_000);
});

describe('introspection', () => {
  it('is off in production', async () => {
    const production = await startTestApi({ env: { NODE_ENV: 'production', KOMMUNA_METRICS_TOKEN: 'a-scraper-token-of-some-length' } });
    try {
      const { status, body } = await production.graphql('{ __schema { queryType { name } } }');
      expect(status).toBe(400);
      expect(body.errors[0].message).toMatch(/introspection/i);
      expect((await production.graphql('{ tenants { slug } }')).status).toBe(200);
    } finally {
      await production.close();
    }
  });
});
