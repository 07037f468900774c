import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildSchema,
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { requestContext } from '@kommuna/platform-tenancy';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

/**
 * Isolation, adversarially (issue 10, part 3). Real data is seeded through the api for citizen Y
 * (Erik) in Sundsvall (tenant B). Then every query and mutation of the printed schema that takes
 * an id (or an input holding one) is called with each of those ids: by Timrå's staff (tenant A,
 * addressing Timrå, and addressing Sundsvall with a Timrå token) and by citizen X (Anna)
 * addressing Sundsvall. Nothing of B's or Y's comes back and no row of B changes. Last, raw SQL
 * inside A's context touches every tenant-owned table and finds, changes and deletes none of B's rows.
 */
const SCHEMA = buildSchema(fs.readFileSync(path.join(REPO_ROOT, 'apps/api/schema.graphql'), 'utf8'));
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const ERIK = '197110109878';
const ANNA = '199001019802';

const takesId = (type: GraphQLInputType, depth = 0): boolean => {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'ID';
  if (isInputObjectType(named) && depth < 3)
    return Object.values(named.getFields()).some((f) => takesId(f.type, depth + 1) || /Id$/.test(f.name));
  return false;
};

/** A value of the type with every id set to `id` and other leaves plausible. */
function valueWith(type: GraphQLInputType, id: string, name: string, depth = 0): unknown {
  if (isNonNullType(type)) return valueWith(type.ofType, id, name, depth);
  if (isListType(type)) return [valueWith(type.ofType, id, name, depth + 1)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].value ?? named.getValues()[0].name;
  if (isInputObjectType(named)) {
    if (depth > 3) return null;
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type) || /id$/i.test(f.name))
        .map((f) => [f.name, valueWith(f.type, id, f.name, depth + 1)]),
    );
  }
  switch (named.name) {
    case 'ID':
      return id;
    case 'String':
      return /id$/i.test(name) ? id : /version/i.test(name) ? '1.0' : /slug/i.test(name) ? 'parkeringstillstand' : 'Test';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date().toISOString();
    default:
      return {};
  }
}

const selection = (type: GraphQLNamedType, depth = 0): string => {
  if (!(isObjectType(type) || isInterfaceType(type))) return '';
  const fields = type.getFields();
  const inner = Object.values(fields)
    .filter((f) => f.args.length === 0)
    .flatMap((f) => {
      const named = getNamedType(f.type);
      if (isScalarType(named) || isEnumType(named)) return [f.name];
      if (depth < 2 && (isObjectType(named) || isInterfaceType(named))) return [`${f.name}${selection(named, depth + 1)}`];
      return [];
    });
  return ` { __typename ${inner.join(' ')} }`;
};

describe('isolation, adversarially', () => {
  let api: TestApi;
  const secrets: Record<string, string> = {};
  let headers: Record<string, Record<string, string>>;

  const gql = async (who: Record<string, string>, query: string, variables?: Record<string, unknown>) =>
    (await api.graphql(query, who, variables)).body;
  const ok = async (who: Record<string, string>, query: string, variables?: Record<string, unknown>) => {
    const body = await gql(who, query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  beforeAll(async () => {
    api = await startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '1000000', KOMMUNA_RATE_LIMIT_PER_TENANT: '1000000' } });
    const token = (claims: Record<string, unknown>, tenant: string) => ({
      authorization: `Bearer ${api.realm.token(claims)}`,
      'x-kommuna-tenant': tenant,
    });
    const staff = (tenant: string, role: string, addressing = tenant) =>
      token(
        {
          sub: `${tenant}-${role}`,
          realm_access: { roles: [role] },
          organization: [tenant],
          unit: 'socialtjanst',
          azp: `${tenant}-system`,
        },
        addressing,
      );
    headers = {
      erikInSundsvall: token({ sub: 'erik', realm_access: { roles: ['citizen'] }, personnummer: ERIK }, 'sundsvall'),
      annaInSundsvall: token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: ANNA }, 'sundsvall'),
      annaInTimra: token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: ANNA }, 'timra'),
      sundsvallSystem: staff('sundsvall', 'service_account'),
      sundsvallCaseWorker: staff('sundsvall', 'case_worker'),
      timraAdmin: staff('timra', 'tenant_admin'),
      timraCaseWorker: staff('timra', 'case_worker'),
      timraSystem: staff('timra', 'service_account'),
      timraAdminAddressingSundsvall: staff('timra', 'tenant_admin', 'sundsvall'),
      timraCaseWorkerAddressingSundsvall: staff('timra', 'case_worker', 'sundsvall'),
    };

    // Erik's data in Sundsvall: a draft with a file, a submitted (and at once decided) parking permit, a letter, a case.
    const { startFormDraft: draft } = await ok(
      headers.erikInSundsvall,
      'mutation { startFormDraft(formSlug: "parkeringstillstand") { id } }',
    );
    const { uploadFormAttachment: file } = await ok(
      headers.erikInSundsvall,
      'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id } }',
      {
        input: { draftId: draft.id, field: 'lakarintyg', fileName: 'intyg.pdf', contentBase64: PDF.toString('base64') },
      },
    );
    const { submitForm } = await ok(
      headers.erikInSundsvall,
      'mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId errandNumber } }',
      {
        input: {
          formSlug: 'parkeringstillstand',
          idempotencyKey: 'isolation-erik-1',
          data: {
            roll: 'forare',
            telefon: '060-12 34 56',
            funktionsnedsattning: 'Hemlig diagnos för Erik.',
            varaktighetManader: 3,
            gangstrackaMeter: 40,
            harLakarintyg: false,
          },
        },
      },
    );
    const { startFormDraft: secondDraft } = await ok(
      headers.erikInSundsvall,
      'mutation { startFormDraft(formSlug: "parkeringstillstand") { id } }',
    );
    const letter = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/digital-mail/messages',
        headers: { ...headers.sundsvallSystem, 'content-type': 'application/json', 'idempotency-key': 'isolation-letter-1' },
        payload: JSON.stringify({ recipient: ERIK, subject: 'Hemligt beslut om bistånd', body: 'Hemligt innehåll.' }),
      });
    expect(letter.statusCode).toBeLessThan(300);
    await api.dispatchEvents();
    const { myCases } = await ok(headers.erikInSundsvall, '{ myCases { nodes { id errandNumber } } }');
    expect(myCases.nodes.length).toBeGreaterThan(0);
    Object.assign(secrets, {
      draft: secondDraft.id,
      attachment: file.id,
      submission: submitForm.submissionId,
      errandNumber: submitForm.errandNumber,
      letter: JSON.parse(letter.body).id,
      case: myCases.nodes[0].id,
      tenantB: api.runtime.tenants.get('sundsvall').id,
    });
    expect(Object.values(secrets).every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
  });
  afterAll(() => api?.close());

  const sundsvall = () => api.runtime.tenants.get('sundsvall');
  const tenantTables = async (): Promise<string[]> =>
    (
      await api.runtime.database.dataSource.query(
        `SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
      )
    ).map((r: { table_name: string }) => r.table_name);
  const inTenant = <T>(tenantId: string, work: () => Promise<T>) => requestContext.run({ requestId: 'isolation', tenantId }, work);

  /** Every row of every tenant table of B, as text, hashed per table: any change shows. */
  async function stateOfB(): Promise<Record<string, string>> {
    const state: Record<string, string> = {};
    for (const table of await tenantTables()) {
      const [row] = await inTenant(sundsvall().id, () =>
        api.runtime.database.transaction((em) =>
          em.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${table}" t`),
        ),
      );
      state[table] = `${row.n}:${row.h}`;
    }
    return state;
  }

  it('no query or mutation taking an id gives tenant A’s staff or citizen X anything of B’s or Y’s, or changes it', async () => {
    const before = await stateOfB();
    const operations = [
      ...Object.values(SCHEMA.getQueryType()!.getFields()).map((f) => ['query', f] as const),
      ...Object.values(SCHEMA.getMutationType()!.getFields()).map((f) => ['mutation', f] as const),
    ].filter(([, f]) => f.args.some((a) => takesId(a.type) || /id$/i.test(a.name)));
    expect(operations.length).toBeGreaterThan(15);
    const attackers = [
      'annaInSundsvall',
      'annaInTimra',
      'timraAdmin',
      'timraCaseWorker',
      'timraSystem',
      'timraAdminAddressingSundsvall',
      'timraCaseWorkerAddressingSundsvall',
    ];
    const markers = [secrets.draft, secrets.attachment, secrets.submission, secrets.errandNumber, secrets.letter, secrets.case, 'Hemlig'];
    const leaks: string[] = [];
    // Controls: the owners make the same calls and must find their data, or the attack proves nothing.
    const controls = ['erikInSundsvall', 'sundsvallCaseWorker', 'sundsvallSystem'];
    const reachedByOwner = new Set<string>();
    const planned: Array<{ name: string; query: string; variables: Record<string, unknown> }> = [];
    let calls = 0;
    for (const [kind, field] of operations as Array<readonly ['query' | 'mutation', GraphQLField<unknown, unknown>]>) {
      const declared = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const query = `${kind}(${declared}) { ${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')})${selection(getNamedType(field.type))} }`;
      for (const id of [secrets.draft, secrets.attachment, secrets.submission, secrets.letter, secrets.case]) {
        const variables = Object.fromEntries(
          field.args
            .filter((a) => isNonNullType(a.type) || takesId(a.type) || /id$/i.test(a.name))
            .map((a) => [a.name, valueWith(a.type, id, a.name)]),
        );
        planned.push({ name: field.name, query, variables });
        for (const attacker of attackers) {
          calls++;
          const body = await gql(headers[attacker], query, variables);
          const data = JSON.stringify(body.data ?? null);
          const found = markers.filter((m) => data.includes(m));
          if (found.length > 0) leaks.push(`${field.name} as ${attacker} with ${id}: ${found.join(', ')} in ${data.slice(0, 200)}`);
          for (const error of body.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') leaks.push(`${field.name} as ${attacker}: INTERNAL_SERVER_ERROR`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(calls).toBeGreaterThan(300);
    // Not one row of B changed (the attackers' own audit entries are in their own tenants).
    expect(await stateOfB()).toEqual(before);
    for (const { name, query, variables } of planned) {
      for (const control of controls) {
        const data = JSON.stringify((await gql(headers[control], query, variables)).data ?? null);
        if (markers.some((m) => data.includes(m))) reachedByOwner.add(name);
      }
    }
    expect([...reachedByOwner].sort()).toEqual(expect.arrayContaining(['formDraft', 'formReceipt', 'formSubmission', 'myCase']));
    // And Erik still sees his own: the ids were real.
    const mine = await ok(headers.erikInSundsvall, 'query($id: ID!) { formReceipt(submissionId: $id) { errandNumber } }', {
      id: secrets.submission,
    });
    expect(mine.formReceipt.errandNumber).toBe(secrets.errandNumber);
  }, 180_000);

  it('REST: A’s service account can neither read nor export B’s letters', async () => {
    const fastify = api.app.getHttpAdapter().getInstance();
    const read = await fastify.inject({ method: 'GET', url: `/digital-mail/messages/${secrets.letter}`, headers: headers.timraSystem });
    expect(read.statusCode).toBe(404);
    const forged = await fastify.inject({
      method: 'GET',
      url: `/digital-mail/messages/${secrets.letter}`,
      headers: { ...headers.timraSystem, 'x-kommuna-tenant': 'sundsvall' },
    });
    expect(forged.statusCode).toBe(403);
    const exported = await fastify.inject({ method: 'GET', url: '/admin/export.tar', headers: headers.timraAdminAddressingSundsvall });
    expect(exported.statusCode).toBe(403);
  });

  it('raw SQL inside A’s context sees, changes and deletes none of B’s rows in any tenant-owned table', async () => {
    const before = await stateOfB();
    const timra = api.runtime.tenants.get('timra');
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThan(15);
    const seen: string[] = [];
    for (const table of tables) {
      const run = (sql: string) =>
        inTenant(timra.id, () => api.runtime.database.transaction((em) => em.query(sql, [secrets.tenantB]))).then(
          (rows) => (Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0] : rows) as unknown[],
          // No grant (e.g. UPDATE on the audit trail) or a guard trigger: refused, which is also isolation.
          (error: Error) =>
            /permission denied|append-only|immutable|not allowed|violates/i.test(error.message) ? [] : Promise.reject(error),
        );
      const selected = await run(`SELECT tenant_id FROM "${table}" WHERE tenant_id = $1 OR true`);
      if (selected.some((r: any) => r.tenant_id === secrets.tenantB)) seen.push(`${table}: SELECT`);
      const updated = await run(`UPDATE "${table}" SET tenant_id = tenant_id WHERE tenant_id = $1 RETURNING tenant_id`);
      if (updated.length > 0) seen.push(`${table}: UPDATE`);
      const deleted = await run(`DELETE FROM "${table}" WHERE tenant_id = $1 RETURNING tenant_id`);
      if (deleted.length > 0) seen.push(`${table}: DELETE`);
    }
    expect(seen).toEqual([]);
    expect(await stateOfB()).toEqual(before);
    // B's rows are there to be found: the queries above were not vacuous.
    const counts = Object.values(before).map((s) => Number(s.split(':')[0]));
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(8);
  });

  // ---- Mina sidor: every mutation (representation comes from Mina ombud, which nobody here can write) --------

  const COMPANY = '556016-0680';
  const MINASIDOR_MUTATIONS = [
    'markMyCaseMessagesRead',
    'messageResident',
    'postCaseMessage',
    'recordCaseDecision',
    'recordCaseStatus',
    'replyToMyCase',
    'upsertCase',
  ];
  /** Sundsvall's company case SBN-2025-0301, with a timeline entry and a message (made once). */
  let companyCase: { id: string; key: { source: string; externalCaseId: string } } | undefined;
  async function sundsvallCompanyCase() {
    if (companyCase) return companyCase;
    const key = { source: 'procapita', externalCaseId: 'sbn-2025-0301' };
    const { upsertCase } = await ok(
      headers.sundsvallSystem,
      'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }',
      {
        input: {
          ...key,
          errandNumber: 'SBN-2025-0301',
          caseType: 'serveringstillstand',
          unit: 'tillstand',
          title: { sv: 'Hemligt serveringstillstånd', en: 'Secret licence' },
          subject: { organisationsnummer: COMPANY },
        },
      },
    );
    await ok(headers.sundsvallSystem, 'mutation($input: CaseStatusInput!) { recordCaseStatus(input: $input) { outcome } }', {
      input: { ...key, status: 'in_progress', occurredAt: '2025-10-01T08:00:00Z', text: { sv: 'Hemlig utredning pågår', en: 'Secret' } },
    });
    await ok(headers.sundsvallSystem, 'mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { caseId } }', {
      input: { ...key, externalMessageId: 'm-1', body: 'Hemligt meddelande' },
    });
    companyCase = { id: upsertCase.caseId, key };
    return companyCase;
  }

  it('Mina sidor: every mutation, called by Timrå’s staff and systems and by another citizen with Sundsvall’s keys and ids, changes nothing of Sundsvall’s', async () => {
    const { id, key } = await sundsvallCompanyCase();
    // Every Mina sidor mutation of the schema is listed here: a new one fails this line until it is attacked below.
    const minasidorMutations = Object.values(SCHEMA.getMutationType()!.getFields())
      // Mina sidor's types start with Case; e-forms' case-system types (CaseSystem…) are e-forms', attacked in case-system.e2e.spec.ts.
      .filter(
        (f) =>
          /^Case(?!System)/.test(getNamedType(f.type).name) ||
          f.args.some((a) => /^Case(?!System)/.test(getNamedType(a.type).name)) ||
          /MyCase/.test(f.name),
      )
      .map((f) => f.name)
      .sort();
    expect(minasidorMutations).toEqual(MINASIDOR_MUTATIONS);
    // Acting for Erik (asPerson): only someone Mina ombud confirms may, and nobody here is.
    const erik = await api.runtime.parties.partyIdFor('person', ERIK);
    const calls: Record<string, Array<[string, Record<string, unknown>]>> = {
      upsertCase: [
        [
          'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId created } }',
          {
            input: {
              ...key,
              errandNumber: 'X-1',
              caseType: 'x',
              unit: 'tillstand',
              title: { sv: 'Kapad', en: 'Hijacked' },
              subject: { personnummer: ANNA },
            },
          },
        ],
      ],
      recordCaseStatus: [
        [
          'mutation($input: CaseStatusInput!) { recordCaseStatus(input: $input) { caseId outcome } }',
          { input: { ...key, status: 'closed', occurredAt: '2030-01-01T00:00:00Z' } },
        ],
      ],
      recordCaseDecision: [
        [
          'mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { caseId } }',
          { input: { ...key, externalDecisionId: 'forged', decisionType: 'x', outcome: 'REJECTION', decidedAt: '2030-01-01T00:00:00Z' } },
        ],
      ],
      postCaseMessage: [
        [
          'mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { caseId } }',
          { input: { ...key, externalMessageId: 'forged', body: 'Falskt' } },
        ],
      ],
      replyToMyCase: [
        [
          'mutation($id: ID!, $org: String) { replyToMyCase(caseId: $id, body: "Falskt", asOrganisation: $org) { id } }',
          { id, org: COMPANY },
        ],
        ['mutation($id: ID!) { replyToMyCase(caseId: $id, body: "Falskt") { id } }', { id: secrets.case }],
        [
          'mutation($id: ID!, $p: String) { replyToMyCase(caseId: $id, body: "Falskt", asPerson: $p) { id } }',
          { id: secrets.case, p: erik },
        ],
      ],
      // A case worker writes to the resident on a case of their own unit only: Timrå's staff (also
      // addressing Sundsvall) reach none of Sundsvall's.
      messageResident: [['mutation($id: ID!) { messageResident(caseId: $id, body: "Falskt") { id } }', { id }]],
      markMyCaseMessagesRead: [
        ['mutation($id: ID!, $org: String) { markMyCaseMessagesRead(caseId: $id, asOrganisation: $org) }', { id, org: COMPANY }],
        ['mutation($id: ID!) { markMyCaseMessagesRead(caseId: $id) }', { id: secrets.case }],
        ['mutation($id: ID!, $p: String) { markMyCaseMessagesRead(caseId: $id, asPerson: $p) }', { id: secrets.case, p: erik }],
      ],
    };
    expect(Object.keys(calls).sort()).toEqual(MINASIDOR_MUTATIONS);
    // Erik holds no power of attorney for the company in Mina ombud and attacks too: company mode grants him nothing.
    const attackers = [
      'erikInSundsvall',
      'annaInTimra',
      'timraAdmin',
      'timraCaseWorker',
      'timraSystem',
      'timraAdminAddressingSundsvall',
      'timraCaseWorkerAddressingSundsvall',
    ];
    const before = await stateOfB();
    const leaks: string[] = [];
    for (const [name, variants] of Object.entries(calls)) {
      for (const [query, variables] of variants) {
        for (const attacker of attackers) {
          // Only what is not the caller's own: Erik's own case is his (Anna's company mode is Mina ombud's to decide).
          if ((attacker === 'erikInSundsvall' && variables.id === secrets.case) || (attacker.startsWith('anna') && variables.org)) continue;
          const body = await gql(headers[attacker], query, variables);
          const data = JSON.stringify(body.data ?? null);
          if (/SBN-2025-0301|Hemlig|Secret/.test(data) || data.includes(id)) leaks.push(`${name} as ${attacker}: ${data.slice(0, 200)}`);
          for (const error of body.errors ?? [])
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') leaks.push(`${name} as ${attacker}: INTERNAL_SERVER_ERROR`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(await stateOfB()).toEqual(before);
    // The attacks were real: Sundsvall's own system reaches the case with the same key.
    const control = await gql(headers.sundsvallSystem, calls.recordCaseStatus[0][0], {
      input: { ...key, status: 'in_progress', occurredAt: '2025-10-01T08:00:00Z' },
    });
    expect(control.data?.recordCaseStatus).toMatchObject({ caseId: id });
  });
});

/**
 * Unit secrecy in digital mail (issue 23, fault 3), across units and municipalities: the review
 * saw `timra-skola` list a social-services notice with the recipient's party id, and
 * `sundsvall-skola` read a letter by id and send under department "socialtjanst". Sundsvall's
 * social services get a letter, a case notice, a template and a bulk send; then the other unit of
 * the same municipality, both units of another, another municipality's caseworkers addressing
 * Sundsvall, and Sundsvall's tenant admin (who reads no case, so no letter) call every digital-mail
 * operation, and nothing of it comes back or changes. Controls: social services' own case worker.
 */
describe('isolation, adversarially: digital mail between units and municipalities', () => {
  let api: TestApi;
  const seeded: Record<string, string> = {};
  const who = (tenant: string, roles: string[], unit?: string, addressing = tenant) => ({
    authorization: `Bearer ${api.realm.token({ sub: `${tenant}-${unit ?? roles.join('-')}`, realm_access: { roles }, organization: [tenant], ...(unit ? { unit } : {}), azp: `${tenant}-system` })}`,
    'x-kommuna-tenant': addressing,
  });
  const gql = async (headers: Record<string, string>, query: string, variables?: Record<string, unknown>) =>
    (await api.graphql(query, headers, variables)).body;
  const MARKERS = ['SOC-2025-2210', 'Hemligt bistånd', 'bistand-beslut', 'Ekonomiskt bistånd'];
  const OPERATIONS: Array<[string, string, (s: Record<string, string>) => Record<string, unknown>]> = [
    ['digitalMailMessages', '{ digitalMailMessages(limit: 500) { id subject department recipientPartyId } }', () => ({})],
    [
      'digitalMailMessages',
      'query($d: String) { digitalMailMessages(department: $d) { id subject recipientPartyId } }',
      () => ({ d: 'socialtjanst' }),
    ],
    ['digitalMailMessage', 'query($id: ID!) { digitalMailMessage(id: $id) { id subject recipientPartyId } }', (s) => ({ id: s.letter })],
    ['digitalMailMessage', 'query($id: ID!) { digitalMailMessage(id: $id) { id subject recipientPartyId } }', (s) => ({ id: s.notice })],
    [
      'digitalMailSendBatch',
      'query($id: ID!) { digitalMailSendBatch(id: $id) { id total department templateId } }',
      (s) => ({ id: s.batch }),
    ],
    ['digitalMailTemplates', '{ digitalMailTemplates { id name subject { sv } department } }', () => ({})],
    [
      'digitalMailTemplatePreview',
      '{ digitalMailTemplatePreview(template: { name: "bistand-beslut" }, values: [{ key: "nr", value: "1" }]) { subject body } }',
      () => ({}),
    ],
    ['digitalMailStatistics', '{ digitalMailStatistics { department total } }', () => ({})],
    [
      'sendDigitalMail',
      'mutation($input: SendDigitalMailInput!) { sendDigitalMail(input: $input) { id department } }',
      () => ({ input: { recipient: '197110109878', subject: 'Kapat', body: 'x', department: 'socialtjanst' } }),
    ],
    [
      'createDigitalMailSendBatch',
      'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id department } }',
      () => ({
        input: { template: { name: 'bistand-beslut' }, recipients: [{ recipient: '197110109878', values: [{ key: 'nr', value: '1' }] }] },
      }),
    ],
    [
      'createDigitalMailSendBatch',
      'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id department } }',
      (s) => ({
        input: {
          template: { id: s.template },
          department: 'socialtjanst',
          recipients: [{ recipient: '197110109878', values: [{ key: 'nr', value: '1' }] }],
        },
      }),
    ],
  ];

  beforeAll(async () => {
    api = await startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '1000000', KOMMUNA_RATE_LIMIT_PER_TENANT: '1000000' } });
    const social = who('sundsvall', ['case_worker'], 'socialtjanst');
    const admin = who('sundsvall', ['tenant_admin']);
    const system = who('sundsvall', ['service_account']);
    const must = async (headers: Record<string, string>, query: string, variables?: Record<string, unknown>) => {
      const body = await gql(headers, query, variables);
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const { sendDigitalMail } = await must(social, 'mutation($input: SendDigitalMailInput!) { sendDigitalMail(input: $input) { id } }', {
      input: { recipient: '197110109878', subject: 'Hemligt bistånd', body: 'Beslut om försörjningsstöd.' },
    });
    // The review's letter: a Mina sidor decision on a social-services case becomes a notice of that unit.
    const key = { source: 'procapita', externalCaseId: 'soc-2025-2210' };
    await must(system, 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }', {
      input: {
        ...key,
        errandNumber: 'SOC-2025-2210',
        caseType: 'bistand',
        unit: 'socialtjanst',
        title: { sv: 'Ekonomiskt bistånd', en: 'Income support' },
        subject: { personnummer: '197110109878' },
      },
    });
    await must(system, 'mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { caseId } }', {
      input: { ...key, externalDecisionId: 'd-1', decisionType: 'bistand', outcome: 'APPROVAL', decidedAt: '2025-10-02T10:00:00Z' },
    });
    await api.dispatchEvents();
    const { digitalMailMessages } = await must(social, '{ digitalMailMessages { id subject department } }');
    const notice = digitalMailMessages.find((m: { subject: string }) => m.subject === 'Det finns ett beslut i ditt ärende: SOC-2025-2210');
    expect(notice).toMatchObject({ department: 'socialtjanst' });
    const { saveDigitalMailTemplate } = await must(
      admin,
      'mutation($input: SaveMailTemplateInput!) { saveDigitalMailTemplate(input: $input) { id department } }',
      {
        input: {
          name: 'bistand-beslut',
          department: 'socialtjanst',
          subject: { sv: 'Beslut {{nr}}', en: 'Decision {{nr}}' },
          body: { sv: 'Hemligt bistånd', en: 'Secret' },
        },
      },
    );
    const { createDigitalMailSendBatch } = await must(
      social,
      'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id department } }',
      {
        input: { template: { name: 'bistand-beslut' }, recipients: [{ recipient: '199001019802', values: [{ key: 'nr', value: '7' }] }] },
      },
    );
    expect(createDigitalMailSendBatch.department).toBe('socialtjanst');
    Object.assign(seeded, {
      letter: sendDigitalMail.id,
      notice: notice.id,
      template: saveDigitalMailTemplate.id,
      batch: createDigitalMailSendBatch.id,
    });
  });
  afterAll(() => api?.close());

  /** Sundsvall's digital-mail rows, hashed: any change shows. */
  const mailState = () =>
    requestContext.run({ requestId: 'isolation', tenantId: api.runtime.tenants.get('sundsvall').id }, () =>
      api.runtime.database.transaction((em) =>
        em.query(
          `SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM mail_message t) AS messages,
                  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM mail_send_batch t) AS batches,
                  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM mail_template t) AS templates`,
        ),
      ),
    );

  it('no other unit, municipality or tenant admin sees, counts, uses or sends anything of social services’ mail', async () => {
    const attackers: Record<string, Record<string, string>> = {
      sundsvallSkola: who('sundsvall', ['case_worker'], 'skola'),
      sundsvallAdmin: who('sundsvall', ['tenant_admin']),
      sundsvallWithoutUnit: who('sundsvall', ['case_worker']),
      timraSkola: who('timra', ['case_worker'], 'skola'),
      timraSocialtjanst: who('timra', ['case_worker'], 'socialtjanst'),
      timraSkolaAddressingSundsvall: who('timra', ['case_worker'], 'skola', 'sundsvall'),
      timraSocialtjanstAddressingSundsvall: who('timra', ['case_worker'], 'socialtjanst', 'sundsvall'),
    };
    const before = await mailState();
    const leaks: string[] = [];
    for (const [operation, query, variables] of OPERATIONS) {
      for (const [name, headers] of Object.entries(attackers)) {
        // A tenant admin administers every unit's templates: seeing them is theirs (counts and letters are not).
        if (name === 'sundsvallAdmin' && operation.startsWith('digitalMailTemplate')) continue;
        const body = await gql(headers, query, variables(seeded));
        const data = JSON.stringify(body.data ?? null);
        const found = [...MARKERS, ...Object.values(seeded)].filter((m) => data.includes(m));
        if (found.length > 0) leaks.push(`${operation} as ${name}: ${found.join(', ')} in ${data.slice(0, 200)}`);
        for (const error of body.errors ?? [])
          if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') leaks.push(`${operation} as ${name}: INTERNAL_SERVER_ERROR`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await mailState()).toEqual(before);
    // The other unit's refusals are coded: sending under social services is FORBIDDEN, its letter NOT_FOUND.
    const school = attackers.sundsvallSkola;
    expect((await gql(school, OPERATIONS[8][1], OPERATIONS[8][2](seeded))).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(school, OPERATIONS[2][1], OPERATIONS[2][2](seeded))).errors[0].extensions.code).toBe('NOT_FOUND');
    // REST: a Timrå system neither reads nor sends for Sundsvall.
    const fastify = api.app.getHttpAdapter().getInstance();
    for (const headers of [who('timra', ['service_account']), who('timra', ['service_account'], undefined, 'sundsvall')]) {
      expect(
        (await fastify.inject({ method: 'GET', url: `/digital-mail/messages/${seeded.letter}`, headers })).statusCode,
      ).toBeGreaterThanOrEqual(403);
    }
  });

  it('controls: social services’ own case worker reaches every item, and Sundsvall’s system every unit', async () => {
    const social = who('sundsvall', ['case_worker'], 'socialtjanst');
    const reached = new Set<string>();
    for (const [operation, query, variables] of OPERATIONS.slice(0, 8)) {
      const data = JSON.stringify((await gql(social, query, variables(seeded))).data ?? null);
      if ([...MARKERS, ...Object.values(seeded)].some((m) => data.includes(m))) reached.add(operation);
    }
    expect([...reached].sort()).toEqual([
      'digitalMailMessage',
      'digitalMailMessages',
      'digitalMailSendBatch',
      'digitalMailTemplatePreview',
      'digitalMailTemplates',
    ]);
    const stats = (await gql(social, OPERATIONS[7][1])).data.digitalMailStatistics;
    expect(stats).toEqual([expect.objectContaining({ department: 'socialtjanst' })]);
    const fastify = api.app.getHttpAdapter().getInstance();
    const read = await fastify.inject({
      method: 'GET',
      url: `/digital-mail/messages/${seeded.notice}`,
      headers: who('sundsvall', ['service_account']),
    });
    expect(read.json()).toMatchObject({ id: seeded.notice, department: 'socialtjanst' });
  });
});
