import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLObjectType } from 'graphql';
import { testPersonnummer } from '@kommuna/platform-testing';
import { bearer, citizenToken, systemToken, useTestApi } from '../testing/test-api';

// Mercurius compiles an operation with graphql-jit from its second execution on (app.module.ts,
// `jit: 1`). A compiled operation must answer exactly as the interpreted first one did: data,
// variable errors, our error codes and HTTP statuses.
describe('GraphQL operations compiled after their first use', () => {
  const api = useTestApi();
  const citizen = (index: number) => citizenToken(api.realm, index, `jit-citizen-${index}`);
  const system = (slug: string) => systemToken(api.realm, slug);

  const UPSERT = `mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId created replayed } }`;
  const MY_CASES = `query($first: Int, $municipality: String) { myCases(first: $first, municipality: $municipality) {
    nodes { id municipality { slug names { sv } } errandNumber title { sv en } status { status label { sv en } } timeline { kind becameCurrent occurredAt text { sv } } }
    endCursor hasNextPage } }`;
  const caseInput = (n: number) => ({
    source: 'procapita',
    externalCaseId: `jit-${n}`,
    errandNumber: `SUNDSVALL-JIT-${n}`,
    caseType: 'bistand',
    title: { sv: `Ärende ${n}`, en: `Case ${n}` },
    unit: 'socialtjanst',
    subject: { personnummer: testPersonnummer(301) },
    statusOccurredAt: `2025-03-0${n}T10:00:00Z`,
  });

  /** The same request three times: the first is interpreted, the later ones run compiled. */
  async function thrice(query: string, headers: Record<string, string>, variables?: Record<string, unknown>) {
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const { status, body } = await api.graphql(query, headers, variables);
      answers.push({ status, body });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    return answers[0];
  }

  beforeAll(async () => {
    for (const n of [1, 2]) {
      const { status, body } = await api.graphql(UPSERT, bearer(system('sundsvall'), 'sundsvall'), { input: caseInput(n) });
      expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    }
  });

  it('answers with the same data, lists, dates and translations', async () => {
    const { status, body } = await thrice(MY_CASES, bearer(citizen(301)), { first: 1 });
    expect(status).toBe(200);
    expect(body.data.myCases.nodes).toHaveLength(1);
    expect(body.data.myCases.hasNextPage).toBe(true);
    expect(body.data.myCases.nodes[0].timeline[0]).toMatchObject({
      becameCurrent: true,
      occurredAt: expect.stringMatching(/^2025-03-0\dT10:00:00/),
    });
  });

  it('refuses a variable of the wrong type the same way', async () => {
    const { status, body } = await thrice(MY_CASES, bearer(citizen(301)), { first: 'ten' });
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(/\$first/);
  });

  it('gives the same error code and status to a caller without the role and to one without a token', async () => {
    const forbidden = await thrice(UPSERT, bearer(citizen(301), 'sundsvall'), { input: caseInput(3) });
    expect(forbidden.body.errors.map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const anonymous = await thrice(MY_CASES, {}, { first: 5 });
    expect(anonymous.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });

  // withoutPropertyResolvers (graphql-property-fields.ts): NestJS's per-field property readers are
  // taken away, so the compiled query reads those properties inline; every other resolver stays.
  it('reads plain fields without a resolver and keeps every resolver that does more', () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const field = (type: string, name: string) => (schema.getType(type) as GraphQLObjectType).getFields()[name];
    for (const [type, name] of [
      ['Case', 'errandNumber'],
      ['Case', 'status'],
      ['CaseStatus', 'label'],
      ['CaseTimelineEntry', 'occurredAt'],
      ['CaseConnection', 'nodes'],
    ])
      expect({ type, name, resolve: field(type, name).resolve }).toEqual({ type, name, resolve: undefined });
    expect(field('Query', 'myCases').resolve).toBeInstanceOf(Function);
    expect(field('FormReceipt', 'pdfBase64').resolve).toBeInstanceOf(Function);
  });
});
