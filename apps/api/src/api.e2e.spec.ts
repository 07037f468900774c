import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '@kommuna/platform-persistence';
import { printApiSchema } from './schema-printer';
import { REPO_ROOT, startTestApi, TestApi } from './testing/test-api';

describe('api (GraphQL over HTTP)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());
  const graphql = (query: string, headers: Record<string, string> = {}) => api.graphql(query, headers);

  it('lists the member municipalities publicly', async () => {
    const { status, body } = await graphql('{ tenants { slug kommunkod names { sv en } enabledServices } }');
    expect(status).toBe(200);
    expect(body.data.tenants.map((t: { slug: string }) => t.slug)).toEqual(['ange', 'harnosand', 'sundsvall', 'timra']);
    expect(body.data.tenants[2]).toEqual({
      slug: 'sundsvall',
      kommunkod: '2281',
      names: { sv: 'Sundsvalls kommun', en: 'Municipality of Sundsvall' },
      enabledServices: ['digital-mail', 'e-forms', 'minasidor', 'catalogue', 'ai', 'rules'],
    });
  });

  it('resolves the municipality a request addresses by header or host', async () => {
    const byHeader = await graphql('{ tenant { slug } }', { 'x-kommuna-tenant': 'timra' });
    expect(byHeader.body.data.tenant.slug).toBe('timra');
    const byHost = await graphql('{ tenant { slug } }', { host: 'harnosand.kommuna.se' });
    expect(byHost.body.data.tenant.slug).toBe('harnosand');
  });

  it('answers an unknown municipality with a clear GraphQL error, not a 500', async () => {
    for (const attempt of [
      graphql('{ tenant(slug: "gotham") { slug } }'),
      graphql('{ tenant { slug } }', { 'x-kommuna-tenant': 'gotham' }),
    ]) {
      const { status, body } = await attempt;
      expect(status).toBe(200);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: 'No municipality "gotham" is a member of this platform',
          extensions: { code: 'TENANT_NOT_FOUND' },
        }),
      ]);
    }
    const none = await graphql('{ tenant { slug } }');
    expect(none.body.errors[0].extensions.code).toBe('TENANT_REQUIRED');
  });

  it('rejects malformed and invalid queries as client errors with their reason', async () => {
    const invalid = await graphql('{ noSuchField }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/noSuchField/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const syntax = await graphql('{ tenants { slug ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves liveness and readiness', async () => {
    const http = api.app.getHttpAdapter().getInstance();
    expect((await http.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await http.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('logs each request as one JSON line with its request id and tenant', async () => {
    api.logLines.length = 0;
    const { headers } = await graphql('{ tenant { slug } }', { 'x-kommuna-tenant': 'ange', 'x-request-id': 'trace-42' });
    expect(headers['x-request-id']).toBe('trace-42');
    const requestLine = api.logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request');
    expect(requestLine).toMatchObject({
      level: 'info',
      requestId: 'trace-42',
      tenant: 'ange',
      method: 'POST',
      path: '/graphql',
      status: 200,
    });
  });

  it('matches the committed SDL in apps/api/schema.graphql (run `npm run schema:write -w @kommuna/api`)', () => {
    expect(printApiSchema(api.app)).toBe(fs.readFileSync(path.join(REPO_ROOT, 'apps/api/schema.graphql'), 'utf8'));
  });

  it('has migrations that match the entities (migration:generate would produce nothing)', async () => {
    const database = api.app.get(Database);
    const pending = await database.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
