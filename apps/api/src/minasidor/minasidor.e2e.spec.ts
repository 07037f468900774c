import { PartyRegister } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { recordEvent } from '@kommuna/platform-events';
import { testPersonnummer } from '@kommuna/platform-testing';
import { EVENT_TYPES, FormSubmissionReceivedData } from '@kommuna/shared-service-contracts';
import { bearer, citizenToken, systemToken, useTestApi } from '../testing/test-api';

// Mina sidor through the api as `npm start` builds it: real tokens, the shipped tenants.
describe('Mina sidor api', () => {
  const api = useTestApi();
  const citizen = (index: number) => citizenToken(api.realm, index);
  const system = (slug: string) => systemToken(api.realm, slug);
  const staff = (slug: string, unit: string, roles = ['case_worker']) =>
    api.realm.token({ sub: `${slug}-${unit}-1`, realm_access: { roles }, organization: [slug], unit });

  const CASE_FIELDS = `id municipality { slug names { sv } } errandNumber title { sv } unit status { status label { sv en } internalStatus }
    whoseTurn unreadCount timeline { kind becameCurrent text { sv } statusLabel { sv } } decisions { outcome legalBasis { sfs chapter section } }
    messages { author body readAt }`;
  const UPSERT = `mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId created replayed } }`;
  const STATUS = `mutation($input: CaseStatusInput!) { recordCaseStatus(input: $input) { caseId replayed outcome } }`;
  const MY_CASES = `query($first: Int, $after: String, $municipality: String) { myCases(first: $first, after: $after, municipality: $municipality) { nodes { ${CASE_FIELDS} } endCursor hasNextPage } }`;

  let sequence = 0;
  const newCase = async (slug: string, index: number, overrides: Record<string, unknown> = {}) => {
    sequence++;
    const input = {
      source: 'procapita',
      externalCaseId: `e2e-${sequence}`,
      errandNumber: `${slug.toUpperCase()}-${sequence}`,
      caseType: 'bistand',
      title: { sv: `Ärende ${sequence} i ${slug}`, en: `Case ${sequence} in ${slug}` },
      unit: 'socialtjanst',
      subject: { personnummer: testPersonnummer(index) },
      statusOccurredAt: '2025-02-01T10:00:00Z',
      ...overrides,
    };
    const { status, body } = await api.graphql(UPSERT, bearer(system(slug), slug), { input });
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return { input, caseId: body.data.upsertCase.caseId as string };
  };

  it('shows a citizen their cases from two municipalities, labelled, and nothing of anyone else', async () => {
    const inSundsvall = await newCase('sundsvall', 101);
    const inTimra = await newCase('timra', 101);
    await newCase('timra', 102);
    const { status, body } = await api.graphql(MY_CASES, bearer(citizen(101)));
    expect(status).toBe(200);
    expect(body.data.myCases.nodes.map((c: any) => [c.id, c.municipality.slug, c.status.label.sv]).sort()).toEqual(
      [
        [inSundsvall.caseId, 'sundsvall', 'Inskickat'],
        [inTimra.caseId, 'timra', 'Inskickat'],
      ].sort(),
    );
    expect(JSON.stringify(body)).not.toContain(testPersonnummer(101));
    // Naming a municipality in the request does not widen a citizen's view to it.
    const other = await api.graphql(MY_CASES, bearer(citizen(103), 'timra'));
    expect(other.body.data.myCases.nodes).toEqual([]);
  });

  it("answers NOT_FOUND (never FORBIDDEN) for another person's case", async () => {
    const theirs = await newCase('sundsvall', 104);
    const { status, body } = await api.graphql(`query($id: ID!) { myCase(id: $id) { id } }`, bearer(citizen(105)), { id: theirs.caseId });
    expect(status).toBe(200);
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    const own = await api.graphql(`query($id: ID!) { myCase(id: $id) { id } }`, bearer(citizen(104)), { id: theirs.caseId });
    expect(own.body.data.myCase.id).toBe(theirs.caseId);
  });

  it("shows a municipal system's update in the timeline; replays change nothing; an older update does not win", async () => {
    const { input, caseId } = await newCase('timra', 106);
    const update = {
      source: input.source,
      externalCaseId: input.externalCaseId,
      status: 'completion_requested',
      occurredAt: '2025-02-03T10:00:00Z',
      whoseTurn: 'CITIZEN',
      text: { sv: 'Skicka kontoutdrag', en: 'Send bank statements' },
    };
    const first = await api.graphql(STATUS, bearer(system('timra'), 'timra'), { input: update });
    expect(first.body.data.recordCaseStatus).toEqual({ caseId, replayed: false, outcome: 'current' });
    expect((await api.graphql(STATUS, bearer(system('timra'), 'timra'), { input: update })).body.data.recordCaseStatus).toMatchObject({
      replayed: true,
      outcome: 'replayed',
    });
    const older = { ...update, status: 'in_progress', occurredAt: '2025-02-02T10:00:00Z', whoseTurn: null, text: null };
    expect((await api.graphql(STATUS, bearer(system('timra'), 'timra'), { input: older })).body.data.recordCaseStatus.outcome).toBe(
      'history',
    );

    const [view] = (await api.graphql(MY_CASES, bearer(citizen(106)))).body.data.myCases.nodes;
    expect([view.status.label.sv, view.whoseTurn]).toEqual(['Komplettering behövs', 'CITIZEN']);
    expect(view.timeline.map((e: any) => [e.kind, e.becameCurrent, e.text?.sv ?? null])).toEqual([
      ['received', true, null],
      ['in_progress', false, null],
      ['completion_requested', true, 'Skicka kontoutdrag'],
    ]);
  });

  it('turns a status change into a notice in the citizen’s digital mailbox, once', async () => {
    const { input } = await newCase('sundsvall', 112);
    await api.graphql(STATUS, bearer(system('sundsvall'), 'sundsvall'), {
      input: { source: input.source, externalCaseId: input.externalCaseId, status: 'decided', occurredAt: '2025-02-05T10:00:00Z' },
    });
    await api.dispatchEvents();
    await api.dispatchEvents();
    const sundsvall = api.runtime.tenants.get('sundsvall');
    const party = await new PartyRegister(api.runtime.database).partyIdFor('person', testPersonnummer(112));
    const notices = await requestContext.run({ requestId: 't', tenantId: sundsvall.id }, () =>
      api.runtime.database.transaction((em) =>
        em.query(`SELECT subject, allow_paper FROM mail_message WHERE recipient_party_id = $1 AND sent_by = 'minasidor-notices'`, [party]),
      ),
    );
    expect(notices).toEqual([{ subject: `Ditt ärende har fått en ny status: ${input.errandNumber}`, allow_paper: false }]);
  });

  it("refuses a municipal system writing in another municipality, and cannot reach that municipality's cases", async () => {
    const { input, caseId } = await newCase('sundsvall', 107);
    const refused = await api.graphql(STATUS, bearer(system('timra'), 'sundsvall'), {
      input: { source: input.source, externalCaseId: input.externalCaseId, status: 'closed', occurredAt: '2030-01-01T00:00:00Z' },
    });
    expect([refused.status, refused.body.errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
    const ownTenant = await api.graphql(STATUS, bearer(system('timra'), 'timra'), {
      input: { source: input.source, externalCaseId: input.externalCaseId, status: 'closed', occurredAt: '2030-01-01T00:00:00Z' },
    });
    expect(ownTenant.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const { body } = await api.graphql(`query($id: ID!) { myCase(id: $id) { status { internalStatus } } }`, bearer(citizen(107)), {
      id: caseId,
    });
    expect(body.data.myCase.status.internalStatus).toBe('received');
  });

  it('refuses invalid input with VALIDATION_FAILED and field details, without echoing the number', async () => {
    sequence++;
    const { status, body } = await api.graphql(UPSERT, bearer(system('sundsvall'), 'sundsvall'), {
      input: {
        source: 'procapita',
        externalCaseId: `bad-${sequence}`,
        errandNumber: 'X',
        caseType: 'x',
        title: { sv: 'x', en: 'x' },
        unit: 'skola',
        subject: { personnummer: '199001019803' },
      },
    });
    expect(status).toBe(200);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'subject.personnummer', message: 'not a valid personnummer' }],
    });
    expect(JSON.stringify(body)).not.toContain('199001019803');
    expect(api.logLines.join('\n')).not.toContain('199001019803');
  });

  it('turns an e-forms submission event into a case after dispatch', async () => {
    const timra = api.runtime.tenants.get('timra');
    const partyId = await (async () => {
      const { body } = await api.graphql('{ me { partyId } }', bearer(citizen(108)));
      return body.data.me.partyId as string;
    })();
    const data: FormSubmissionReceivedData = {
      submissionId: 'e2e-submission-1',
      formSlug: 'parkering',
      formVersion: '1',
      caseType: 'parkeringstillstand',
      errandNumber: 'TK-E2E-1',
      title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
      unit: 'trafik',
      subjectPartyId: partyId,
      subjectKind: 'person',
      submittedAt: '2025-03-01T09:00:00Z',
    };
    await requestContext.run({ requestId: 'e2e', tenantId: timra.id }, () =>
      api.runtime.database.transaction((em) => recordEvent(em, { type: EVENT_TYPES.formSubmissionReceived, source: '/e-forms', data })),
    );
    await api.dispatchEvents();
    const [view] = (await api.graphql(MY_CASES, bearer(citizen(108)))).body.data.myCases.nodes;
    expect(view).toMatchObject({ errandNumber: 'TK-E2E-1', municipality: { slug: 'timra' }, status: { label: { sv: 'Inskickat' } } });
  });

  it("keeps staff to their unit's cases and records each case read", async () => {
    const school = await newCase('harnosand', 109, { unit: 'skola' });
    const social = await newCase('harnosand', 109, { unit: 'socialtjanst' });
    const read = (token: string, id: string) =>
      api.graphql(`query($id: ID!) { staffCase(id: $id) { id unit } }`, bearer(token, 'harnosand'), { id });
    expect((await read(staff('harnosand', 'skola'), school.caseId)).body.data.staffCase).toEqual({ id: school.caseId, unit: 'skola' });
    expect((await read(staff('harnosand', 'skola'), social.caseId)).body.errors[0].extensions.code).toBe('NOT_FOUND');
    const list = await api.graphql(`{ staffCases(first: 100) { nodes { id unit } } }`, bearer(staff('harnosand', 'skola'), 'harnosand'));
    expect(list.body.data.staffCases.nodes.map((c: any) => c.id)).toEqual([school.caseId]);
    // A case worker of Sundsvall's school unit does not get Härnösand's school cases.
    expect((await read(staff('sundsvall', 'skola'), school.caseId)).status).toBe(403);

    const reads = await api.graphql(
      `query($id: ID!) { staffCaseReads(caseId: $id) { staffSubject staffUnit readAt } }`,
      bearer(staff('harnosand', 'admin', ['tenant_admin']), 'harnosand'),
      { id: school.caseId },
    );
    expect(reads.body.data.staffCaseReads).toEqual([expect.objectContaining({ staffSubject: 'harnosand-skola-1', staffUnit: 'skola' })]);
    const socialReads = await api.graphql(
      `query($id: ID!) { staffCaseReads(caseId: $id) { staffSubject } }`,
      bearer(staff('harnosand', 'admin', ['tenant_admin']), 'harnosand'),
      { id: social.caseId },
    );
    expect(socialReads.body.data.staffCaseReads).toEqual([]);
  });

  it('runs the same, bounded number of SQL statements for a page of 5 and of 20 cases', async () => {
    for (let i = 0; i < 20; i++) {
      const slug = i % 2 ? 'timra' : 'sundsvall';
      const { input } = await newCase(slug, 110);
      const key = { source: input.source, externalCaseId: input.externalCaseId };
      await api.graphql(STATUS, bearer(system(slug), slug), {
        input: { ...key, status: 'in_progress', occurredAt: '2025-02-05T10:00:00Z' },
      });
      await api.graphql(`mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { replayed } }`, bearer(system(slug), slug), {
        input: { ...key, externalMessageId: 'm', body: 'Hej' },
      });
      await api.graphql(
        `mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { replayed } }`,
        bearer(system(slug), slug),
        {
          input: {
            ...key,
            externalDecisionId: 'd',
            decisionType: 'bistand',
            outcome: 'APPROVAL',
            decidedAt: '2025-02-06T10:00:00Z',
            legalBasis: { sfs: '2001:453', chapter: '4', section: '1' },
          },
        },
      );
    }
    const count = async (token: string, first: number, cases = first) => {
      const dataSource = api.runtime.database.dataSource as any;
      const original = dataSource.createQueryRunner;
      const statements: string[] = [];
      dataSource.createQueryRunner = function (...args: unknown[]) {
        const runner = original.apply(this, args);
        const query = runner.query.bind(runner);
        runner.query = (sql: string, ...rest: unknown[]) => (statements.push(sql), query(sql, ...rest));
        return runner;
      };
      try {
        const { body } = await api.graphql(MY_CASES, bearer(token), { first });
        expect(body.data.myCases.nodes).toHaveLength(cases);
        expect(
          body.data.myCases.nodes.every(
            (c: any) => c.timeline.length === 3 && c.decisions.length === 1 && c.messages.length === 1 && c.unreadCount === 1,
          ),
        ).toBe(true);
      } finally {
        dataSource.createQueryRunner = original;
      }
      return statements;
    };
    const partyReads = (statements: string[]) => statements.filter((sql) => /\bFROM party\b/.test(sql));
    // A citizen the process has not seen (the party register is one per process, shared with case
    // intake, so citizen 110 is known from the cases above): their first request looks up their
    // party id once, and the process remembers it.
    const newcomer = citizen(120);
    expect(partyReads(await count(newcomer, 5, 0))).toHaveLength(1);
    expect(partyReads(await count(newcomer, 5, 0))).toHaveLength(0);
    const token = citizen(110);
    const five = await count(token, 5);
    const twenty = await count(token, 20);
    expect(twenty.length).toBe(five.length);
    // One transaction: START TRANSACTION, set_config, the page with its details, COMMIT.
    expect(five.length).toBe(4);
    expect(five.filter((sql) => sql.includes('minasidor_case'))).toHaveLength(1);
  });

  it("exports the citizen's data from every municipality as JSON, and nobody else's", async () => {
    await newCase('sundsvall', 111);
    await newCase('ange', 111);
    await newCase('ange', 112);
    const { body } = await api.graphql('{ myData }', bearer(citizen(111)));
    const exported = JSON.parse(body.data.myData);
    expect(exported.party).toMatchObject({ kind: 'person', identityNumber: testPersonnummer(111) });
    expect(exported.cases.map((c: any) => c.municipality.slug).sort()).toEqual(['ange', 'sundsvall']);
  });

  it('lets the citizen reply and mark messages read, and seeds no demo data outside `npm start`', async () => {
    const { input, caseId } = await newCase('ange', 113);
    await api.graphql(
      `mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { replayed } }`,
      bearer(system('ange'), 'ange'),
      {
        input: { source: input.source, externalCaseId: input.externalCaseId, externalMessageId: 'q', body: 'Fråga' },
      },
    );
    const read = await api.graphql(`mutation($id: ID!) { markMyCaseMessagesRead(caseId: $id) }`, bearer(citizen(113)), { id: caseId });
    expect(read.body.data.markMyCaseMessagesRead).toBe(1);
    const reply = await api.graphql(
      `mutation($id: ID!) { replyToMyCase(caseId: $id, body: "Svar") { unreadCount messages { author body } } }`,
      bearer(citizen(113)),
      { id: caseId },
    );
    expect(reply.body.data.replyToMyCase).toEqual({
      unreadCount: 0,
      messages: [
        { author: 'MUNICIPALITY', body: 'Fråga' },
        { author: 'CITIZEN', body: 'Svar' },
      ],
    });
    const anna = api.realm.token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
    expect((await api.graphql(MY_CASES, bearer(anna))).body.data.myCases.nodes).toEqual([]);
  });
});
