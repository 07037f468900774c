import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNamedType, isLeafType, isNonNullType } from 'graphql';
import { startTestApi, TestApi } from '../testing/test-api';

describe('/metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const scrape = async (headers: Record<string, string> = {}) =>
    api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics', headers });

  it('counts requests per municipality and GraphQL operation, named from the schema', async () => {
    const admin = api.realm.token({ sub: 'admin-s', realm_access: { roles: ['tenant_admin'] }, organization: ['sundsvall'] });
    await api.graphql('query WhateverTheCallerSays { auditLog(first: 1) { seq } }', {
      authorization: `Bearer ${admin}`,
      'x-kommuna-tenant': 'sundsvall',
    });
    await api.graphql('{ tenants { slug } }');
    await scrape(); // a request's own count lands after its answer is sent
    const response = await scrape();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/kommuna_requests_total\{tenant="sundsvall",operation="Query\.auditLog",status="200"\} 1/);
    expect(response.body).toMatch(/kommuna_requests_total\{tenant="none",operation="Query\.tenants",status="200"\} [1-9]/);
    expect(response.body).toMatch(/kommuna_request_duration_seconds_bucket\{le="0\.05",tenant="sundsvall",operation="Query\.auditLog"\}/);
    expect(response.body).not.toContain('WhateverTheCallerSays');
    expect(response.body).toContain('kommuna_process_resident_memory_bytes');
  });

  it('keeps the operation label bounded by the schema however callers combine root fields', async () => {
    // Every root query field an anonymous caller can name without arguments; mixes of them were once one label each.
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const fields = Object.values(schema.getQueryType()!.getFields()).filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
    const selection = (field: (typeof fields)[number]) =>
      isLeafType(getNamedType(field.type)) ? field.name : `${field.name} { __typename }`;
    expect(fields.length).toBeGreaterThan(5);
    for (let i = 0; i < 300; i++) {
      const picked = fields.filter((_, index) => (i * 7919 + index * 104729) % 3 === 0 || index === i % fields.length);
      await api.graphql(`{ ${picked.map(selection).join(' ')} }`);
    }
    await scrape();
    const operations = new Set([...(await scrape()).body.matchAll(/kommuna_requests_total\{[^}]*operation="([^"]*)"/g)].map((m) => m[1]));
    expect(operations.size).toBeLessThanOrEqual(fields.length + 6);
    expect([...operations].filter((operation) => operation.includes(','))).toEqual([]);
    expect(operations).toContain('Query.(several)');
  });

  it('asks for the scrape token when one is configured', async () => {
    const guarded = await startTestApi({ env: { KOMMUNA_METRICS_TOKEN: 'a-long-scrape-token-1234' } });
    try {
      const inject = (headers: Record<string, string>) =>
        guarded.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics', headers });
      expect((await inject({})).statusCode).toBe(403);
      expect((await inject({ authorization: 'Bearer a-long-scrape-token-1234' })).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
