import * as path from 'node:path';
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { recordEvent } from '@kommuna/platform-events';
import { requestContext, SERVICE_IDS } from '@kommuna/platform-tenancy';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { startTestApi, TestApi } from '../testing/test-api';

// The version is the library's own, as released with changesets.
const E_FORMS_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../libs/e-forms/package.json'), 'utf8')) as { version: string }
).version;

// The steering group's catalogue through the api: aggregates for the steering group, nothing for anyone else.
describe('catalogue api', () => {
  let api: TestApi;
  const partyId = randomUUID();
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(() => api?.close());

  const steering = () => api.realm.token({ sub: 'styrgrupp', realm_access: { roles: ['steering_group'] } });
  const admin = () => api.realm.token({ sub: 'plattform', realm_access: { roles: ['platform_admin'] } });
  const citizen = () => api.realm.token({ sub: 'citizen-1', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
  const staff = (roles: string[]) =>
    api.realm.token({ sub: 'staff-1', realm_access: { roles }, organization: ['sundsvall'], unit: 'socialtjanst' });
  const ask = (token: string, query: string, variables?: Record<string, unknown>, tenant?: string) =>
    api.graphql(query, { authorization: `Bearer ${token}`, ...(tenant ? { 'x-kommuna-tenant': tenant } : {}) }, variables);
  const emit = (slug: string, type: string, data: Record<string, unknown>) => {
    const tenant = api.runtime.tenants.get(slug);
    return requestContext.run({ requestId: 't', tenantId: tenant.id }, () =>
      api.runtime.database.transaction((em) => recordEvent(em, { type, source: '/test', data })),
    );
  };
  const thisYear = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric' }).format(new Date()));

  it('shows the steering group the real services with version, status and adoption from the tenant files', async () => {
    const { status, body } = await ask(
      steering(),
      '{ catalogueServices { id version packageName status declaredStatus adoption { slug stage } cost { allocationKey budgets { year budgetSek } } hypotheses { id unit } } }',
    );
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.data.catalogueServices.map((s: any) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual([...SERVICE_IDS].sort());
    expect(byId['e-forms']).toMatchObject({
      version: E_FORMS_VERSION,
      packageName: '@kommuna/e-forms',
      status: 'beta',
      cost: { allocationKey: 'per_capita' },
    });
    // One budget per year, from service.yaml.
    expect(byId['minasidor'].cost.budgets).toEqual([
      { year: 2024, budgetSek: 800000 },
      { year: 2025, budgetSek: 850000 },
      { year: 2026, budgetSek: 900000 },
      { year: 2027, budgetSek: 900000 },
    ]);
    expect(byId['e-forms'].adoption).toEqual([
      { slug: 'ange', stage: 'production' },
      { slug: 'harnosand', stage: 'production' },
      { slug: 'sundsvall', stage: 'production' },
      { slug: 'timra', stage: 'piloting' },
    ]);
  });

  it('meters the services from their events and shows only counts across municipalities', async () => {
    for (let i = 0; i < 5; i++)
      await emit('sundsvall', EVENT_TYPES.formSubmissionReceived, { submissionId: randomUUID(), subjectPartyId: null, subjectKind: null });
    for (let i = 0; i < 6; i++)
      await emit('timra', EVENT_TYPES.mailDeliveryStatusChanged, {
        messageId: randomUUID(),
        recipientPartyId: partyId,
        status: 'SENT',
        channel: 'digital',
        statusDetail: null,
        externalReferences: {},
      });
    await emit('timra', EVENT_TYPES.mailDeliveryStatusChanged, {
      messageId: randomUUID(),
      recipientPartyId: partyId,
      status: 'SENT',
      channel: 'paper',
      statusDetail: null,
      externalReferences: {},
    });
    await api.dispatchEvents();

    const { body } = await ask(steering(), '{ catalogueUsage { slug service metric month count suppressed } }');
    expect(body.errors).toBeUndefined();
    const counts = Object.fromEntries(
      body.data.catalogueUsage.map((u: any) => [`${u.slug}/${u.service}/${u.metric}`, [u.count, u.suppressed]]),
    );
    // One paper letter is fewer than the minimum cell size (5): suppressed, its value never shown.
    expect(counts).toEqual({
      'sundsvall/e-forms/submissions': [5, false],
      'timra/digital-mail/letters_digital': [6, false],
      'timra/digital-mail/letters_paper': [null, true],
    });
    expect(JSON.stringify(body)).not.toContain(partyId);

    // Per-use costs follow the metered use: Timrå sent the only digital letters this year.
    const costs = await ask(
      steering(),
      'query($y: Int!) { catalogueCosts(year: $y, service: "digital-mail") { budgetSek appliedKey shares { slug basis amountSek } } }',
      { y: thisYear },
    );
    const budget = (
      await ask(steering(), '{ catalogueService(id: "digital-mail") { cost { budgets { year budgetSek } } } }')
    ).body.data.catalogueService.cost.budgets.find((b: any) => b.year === thisYear).budgetSek;
    expect(costs.body.data.catalogueCosts[0]).toEqual({
      budgetSek: budget,
      appliedKey: 'per_use',
      shares: [
        { slug: 'ange', basis: 0, amountSek: 0 },
        { slug: 'sundsvall', basis: 0, amountSek: 0 },
        { slug: 'timra', basis: 6, amountSek: budget },
      ],
    });
  });

  it('shares every budget to the krona and estimates the benefit from the metered use', async () => {
    const { body } = await ask(admin(), 'query($y: Int!) { catalogueCosts(year: $y) { service budgetSek shares { amountSek } } }', {
      y: thisYear,
    });
    for (const service of body.data.catalogueCosts) {
      expect(service.shares.reduce((sum: number, s: any) => sum + s.amountSek, 0)).toBe(service.budgetSek ?? 0);
    }
    const benefits = await ask(
      steering(),
      '{ catalogueBenefits(service: "e-forms") { hypothesis { id } totalUsage totalEstimatedLowSek totalEstimatedHighSek totalEstimatedLowHours totalEstimatedHighHours months { month } } }',
    );
    const handling = benefits.body.data.catalogueBenefits.find((b: any) => b.hypothesis.id === 'handling-time');
    // 2 submissions × 8–12 minutes at 520 kr/h.
    // 5 × 8–12 minutes = 40–60 minutes, the time the portal shows beside the kronor.
    expect(handling).toMatchObject({
      totalUsage: 5,
      totalEstimatedLowSek: 346.67,
      totalEstimatedHighSek: 520,
      totalEstimatedLowHours: 0.67,
      totalEstimatedHighHours: 1,
    });
    expect(handling.months).toHaveLength(12);
  });

  it('lets the steering group record follow-ups and refuses a promotion the evidence does not carry', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(new Date());
    const followUp = await ask(
      steering(),
      'mutation($i: CatalogueFollowUpInput!) { recordBenefitFollowUp(input: $i) { service hypothesisId measuredValue unit recordedBy } }',
      {
        i: {
          service: 'e-forms',
          hypothesisId: 'handling-time',
          periodStart: `${thisYear}-01-01`,
          periodEnd: today,
          measuredValue: 9.5,
          measuredOn: today,
          source: 'Tidsstudie',
        },
      },
    );
    expect(followUp.body.data.recordBenefitFollowUp).toEqual({
      service: 'e-forms',
      hypothesisId: 'handling-time',
      measuredValue: 9.5,
      unit: 'minutes',
      recordedBy: 'styrgrupp',
    });

    const decide = (service: string, toStatus: string) =>
      ask(
        steering(),
        'mutation($i: CatalogueDecisionInput!) { recordStatusDecision(input: $i) { fromStatus toStatus diaryNumber evidence } }',
        {
          i: { service, toStatus, decidedOn: today, diaryNumber: 'KS 2025/0999' },
        },
      );
    const refused = await decide('digital-mail', 'stable');
    expect(refused.body.errors[0].extensions).toEqual({
      code: 'PROMOTION_REFUSED',
      details: {
        missing: [
          expect.objectContaining({
            en: 'stable requires production at 3 or more municipalities; in production: 2 (sundsvall, timra), 1 missing',
          }),
        ],
      },
    });
    // e-forms is in production at Ånge, Härnösand and Sundsvall: stable is carried.
    const promoted = await decide('e-forms', 'stable');
    expect(promoted.body.data.recordStatusDecision).toMatchObject({
      fromStatus: 'beta',
      toStatus: 'stable',
      diaryNumber: 'KS 2025/0999',
      evidence: { production: 3 },
    });
    const history = await ask(
      admin(),
      '{ catalogueDecisions { service toStatus } catalogueService(id: "e-forms") { status declaredStatus } }',
    );
    expect(history.body.data).toEqual({
      catalogueDecisions: [{ service: 'e-forms', toStatus: 'stable' }],
      catalogueService: { status: 'stable', declaredStatus: 'beta' },
    });
    // Platform admins read but do not decide.
    const adminTries = await ask(
      admin(),
      'mutation { recordStatusDecision(input: { service: "e-forms", toStatus: obsolete, decidedOn: "2025-01-01", diaryNumber: "KS 1/1" }) { id } }',
    );
    expect(adminTries.status).toBe(403);
  });

  it('refuses citizens and municipality staff every catalogue entry point with FORBIDDEN', async () => {
    const queries = [
      '{ catalogueServices { id } }',
      '{ catalogueService(id: "e-forms") { id } }',
      '{ catalogueAdoption { slug } }',
      '{ catalogueCosts(year: 2025) { service } }',
      '{ catalogueUsage { count } }',
      '{ catalogueBenefits(service: "e-forms") { totalUsage } }',
      '{ catalogueFollowUps { id } }',
      '{ catalogueDecisions { id } }',
      '{ catalogueMunicipality(slug: "sundsvall", year: 2025) { slug } }',
      '{ cataloguePubliccode(service: "e-forms") }',
      'mutation { recordBenefitFollowUp(input: { service: "e-forms", hypothesisId: "handling-time", periodStart: "2025-01-01", periodEnd: "2025-01-31", measuredValue: 1, measuredOn: "2025-02-01", source: "x-source" }) { id } }',
      'mutation { recordStatusDecision(input: { service: "e-forms", toStatus: obsolete, decidedOn: "2025-01-01", diaryNumber: "KS 1/1" }) { id } }',
    ];
    for (const [token, tenant] of [
      [citizen(), 'sundsvall'],
      [citizen(), undefined],
      [staff(['case_worker']), 'sundsvall'],
      [staff(['tenant_admin']), 'sundsvall'],
    ] as const) {
      for (const query of queries) {
        const { status, body } = await ask(token, query, undefined, tenant);
        expect({ query, status, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
          query,
          status: 403,
          code: 'FORBIDDEN',
          data: null,
        });
      }
    }
  });

  it('gives a municipality page of aggregates, and clear errors for bad arguments', async () => {
    const { body } = await ask(
      steering(),
      'query($y: Int!) { catalogueMunicipality(slug: "timra", year: $y) { slug population totalCostSek services { service stage costSek usage { metric count partial } } } }',
      { y: thisYear },
    );
    expect(body.data.catalogueMunicipality).toMatchObject({ slug: 'timra', population: 18100 });
    const mail = body.data.catalogueMunicipality.services.find((s: any) => s.service === 'digital-mail');
    // Timrå sent the only digital letters this year: it carries the year's whole per-use budget.
    const budget = (
      await ask(steering(), '{ catalogueService(id: "digital-mail") { cost { budgets { year budgetSek } } } }')
    ).body.data.catalogueService.cost.budgets.find((b: any) => b.year === thisYear).budgetSek;
    expect(mail).toMatchObject({
      stage: 'production',
      costSek: budget,
      usage: [
        { metric: 'letters_digital', count: 6, partial: false },
        { metric: 'letters_paper', count: 0, partial: true },
      ],
    });

    const bad = await ask(steering(), '{ a: catalogueMunicipality(slug: "gotham", year: 2025) { slug } }');
    expect(bad.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const month = await ask(steering(), '{ catalogueUsage(from: "2025-13") { count } }');
    expect(month.body.errors[0]).toMatchObject({
      message: 'from must be a month YYYY-MM (was "2025-13")',
      extensions: { code: 'VALIDATION_FAILED' },
    });
    const year = await ask(steering(), '{ catalogueCosts(year: 99999) { service } }');
    expect(year.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });

  it('takes proposals for shared services, interest from other members and decisions, for the steering group alone', async () => {
    const proposal = await ask(
      steering(),
      `mutation($i: CatalogueProposalInput!) { proposeService(input: $i) { id status origin supplier proposedBy } }`,
      {
        i: {
          title: { sv: 'Gemensam AI-plattform', en: 'Shared AI platform' },
          description: { sv: 'Upphandlas tillsammans.', en: 'Procured together.' },
          origin: 'procure',
          supplier: 'Leverantören AB',
          estimatedYearlyCostSek: 600000,
          proposedBy: 'sundsvall',
        },
      },
    );
    expect(proposal.body.errors).toBeUndefined();
    const id = proposal.body.data.proposeService.id;
    expect(proposal.body.data.proposeService).toMatchObject({ status: 'open', origin: 'procure', proposedBy: 'sundsvall' });
    const interest = await ask(
      steering(),
      `mutation($i: CatalogueProposalInterestInput!) { registerProposalInterest(input: $i) { interests { municipality } } }`,
      { i: { proposalId: id, municipality: 'ange', note: 'Tal till text i socialtjänsten' } },
    );
    expect(interest.body.data.registerProposalInterest.interests).toEqual([{ municipality: 'ange' }]);
    const decided = await ask(
      steering(),
      `mutation($i: CatalogueProposalDecisionInput!) { decideProposal(input: $i) { status decisions { outcome diaryNumber } } }`,
      { i: { proposalId: id, outcome: 'accepted', decidedOn: '2026-01-15', diaryNumber: 'KS 2026/3' } },
    );
    expect(decided.body.data.decideProposal).toEqual({
      status: 'accepted',
      decisions: [{ outcome: 'accepted', diaryNumber: 'KS 2026/3' }],
    });
    // Platform admins read; nobody else writes or reads.
    const listed = await ask(admin(), '{ catalogueProposals { id status interests { municipality } } }');
    expect(listed.body.data.catalogueProposals.find((p: { id: string }) => p.id === id)).toMatchObject({ status: 'accepted' });
    const refusedWrite = await ask(
      admin(),
      `mutation($i: CatalogueProposalInterestInput!) { registerProposalInterest(input: $i) { id } }`,
      { i: { proposalId: id, municipality: 'timra' } },
    );
    expect(refusedWrite.body.errors[0].extensions.code).toBe('FORBIDDEN');
    for (const token of [citizen(), staff(['tenant_admin'])]) {
      const refusedRead = await ask(token, '{ catalogueProposals { id } }', undefined, 'sundsvall');
      expect(refusedRead.body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    const invalid = await ask(steering(), `mutation($i: CatalogueProposalDecisionInput!) { decideProposal(input: $i) { id } }`, {
      i: { proposalId: id, outcome: 'rejected', decidedOn: '2026-01-16', diaryNumber: 'KS 2026/4' },
    });
    expect(invalid.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });

  it('publishes publiccode.yml per service without a token, and 404 for an unknown service', async () => {
    const response = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/catalogue/services/e-forms/publiccode.yml' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/yaml/);
    expect(response.body).toMatch(/^publiccodeYmlVersion: "0.4"$/m);
    const { body } = await ask(steering(), '{ catalogueService(id: "e-forms") { status } }');
    expect(response.body).toContain(`\ndevelopmentStatus: ${body.data.catalogueService.status}\n`);
    expect(response.body).not.toMatch(/Budget|budget|sekPerHour/);
    const missing = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/catalogue/services/parking/publiccode.yml' });
    expect({ status: missing.statusCode, body: missing.body }).toEqual({ status: 404, body: expect.stringContaining('No service') });
  });
});
