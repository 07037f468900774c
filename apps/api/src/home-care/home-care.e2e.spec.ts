import { bearer, startTestApi, systemToken, useTestApi } from '../testing/test-api';
import { tenantsWithHomeCare } from './home-care-tenants';

// Home care through the api: a municipal system sends files, the responsible unit reads residents, nobody else does.
describe('home care api', () => {
  const api = useTestApi(() => startTestApi({ tenantsDir: tenantsWithHomeCare() }));

  const system = (slug: string) => systemToken(api.realm, slug);
  const staff = (slug: string, unit: string) =>
    api.realm.token({ sub: `${slug}-${unit}-1`, realm_access: { roles: ['case_worker'] }, organization: [slug], unit });
  const steering = () => api.realm.token({ sub: 'styrgrupp-1', realm_access: { roles: ['steering_group'] } });

  const IMPORT = `mutation($input: HomeCareFileInput!) { importHomeCareFile(input: $input) { rows alreadyImported } }`;
  const RUN = `mutation($month: String!) { runHomeCareCheck(month: $month) { month residents residentsWithDeviations amountAtStakeSek } }`;
  const LINES = `query($month: String!) { homeCareCheckLines(month: $month) { residentId serviceType amountAtStakeSek deviations { rule minutes amountSek explanation { sv } } } }`;
  const FOLLOW_UP = `query($month: String!) { homeCareFollowUp(month: $month) { slug checked residents residentsWithDeviations amountAtStakeSek suppressed } }`;

  const file = (kind: string, lines: string[]) => ({
    input: { kind, format: 'CSV', fileName: `${kind}.csv`, content: lines.join('\n') + '\n' },
  });

  it('imports, checks and shows the month to the responsible unit only', async () => {
    const sundsvall = bearer(system('sundsvall'), 'sundsvall');
    for (const variables of [
      file('PROVIDERS', [
        'municipality,provider,name,kind,service_type,sek_per_hour,valid_from',
        '2281,OMSORG-AB,Omsorg AB,lov,personal_care,450,2025-01-01',
      ]),
      file('DECISIONS', [
        'municipality,decision,resident,valid_from,valid_to,service_type,granted_minutes_per_month',
        '2281,B-1,K-1,2025-01-01,,personal_care,600',
      ]),
      file('VISITS', [
        'municipality,visit,provider,resident,service_type,started_at,stopped_at,staff,verification,billed_minutes',
        ...[3, 4, 5, 6, 7, 8, 9].map(
          (day) => `2281,V-${day},OMSORG-AB,K-1,personal_care,2025-03-0${day}T08:00:00+01:00,2025-03-0${day}T09:40:00+01:00,s-1,tag,`,
        ),
      ]),
      file('INVOICES', [
        'municipality,invoice,provider,month,service_type,invoiced_minutes,amount_sek',
        '2281,F-1,OMSORG-AB,2025-03,personal_care,700,5400',
      ]),
    ]) {
      const { body } = await api.graphql(IMPORT, sundsvall, variables);
      expect(body.errors).toBeUndefined();
    }
    const run = await api.graphql(RUN, sundsvall, { month: '2025-03' });
    // 7 × 100 = 700 min against 600 granted: 100 min at 450 kr/h.
    expect(run.body.data.runHomeCareCheck).toEqual({ month: '2025-03', residents: 1, residentsWithDeviations: 1, amountAtStakeSek: 750 });

    const lines = await api.graphql(LINES, bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'), { month: '2025-03' });
    expect(lines.body.data.homeCareCheckLines).toEqual([
      {
        residentId: 'K-1',
        serviceType: 'personal_care',
        amountAtStakeSek: 750,
        deviations: [
          {
            rule: 'HC1',
            minutes: 100,
            amountSek: 750,
            explanation: { sv: expect.stringContaining('11 h 40 min överstiger beviljad tid 10 h 0 min') },
          },
        ],
      },
    ]);

    // The invoice asks 5,400 kr for what the registration billed at 5,250 kr (700 min at 450 kr/h).
    const invoices = await api.graphql(
      `query { homeCareInvoiceChecks(month: "2025-03") { provider serviceType amountAtStakeSek deviations { rule amountSek invoices } } }`,
      bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'),
    );
    expect(invoices.body.data.homeCareInvoiceChecks).toEqual([
      {
        provider: 'OMSORG-AB',
        serviceType: 'personal_care',
        amountAtStakeSek: 150,
        deviations: [{ rule: 'HC7', amountSek: 150, invoices: ['F-1'] }],
      },
    ]);

    const statement = await api.graphql(
      `query { homeCareProviderStatement(month: "2025-03", provider: "OMSORG-AB") { deviations totalSek csv } }`,
      bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'),
    );
    // HC1 of K-1 (750 kr) and the invoice's 150 kr.
    expect(statement.body.data.homeCareProviderStatement).toMatchObject({ deviations: 2, totalSek: 900 });
    expect(statement.body.data.homeCareProviderStatement.csv.split('\r\n')[1]).toMatch(
      /^2025-03;OMSORG-AB;HC1;personal_care;K-1;;100;750,00;/,
    );

    // The responsible unit confirms the deviation; the catalogue meters it as kronor recovered, once.
    const REVIEW = `mutation($input: HomeCareReviewInput!) { reviewHomeCareDeviation(input: $input) { month rule outcome amountSek reviewedBy } }`;
    const runId = (
      await api.graphql(`query { homeCareCheck(month: "2025-03") { id } }`, bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'))
    ).body.data.homeCareCheck.id;
    const review = { runId, residentId: 'K-1', serviceType: 'personal_care', rule: 'HC1', outcome: 'CONFIRMED', reason: 'Innehålls' };
    const bySchool = await api.graphql(REVIEW, bearer(staff('sundsvall', 'skola'), 'sundsvall'), { input: review });
    expect(bySchool.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const confirmed = await api.graphql(REVIEW, bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'), { input: review });
    expect(confirmed.body.data.reviewHomeCareDeviation).toEqual({
      month: '2025-03',
      rule: 'HC1',
      outcome: 'CONFIRMED',
      amountSek: 750,
      reviewedBy: 'staff:sundsvall-hemtjanst-1',
    });
    const twice = await api.graphql(REVIEW, bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'), {
      input: { ...review, outcome: 'DISMISSED' },
    });
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await api.dispatchEvents();
    await api.dispatchEvents();
    const usage = await api.graphql(`{ catalogueUsage { slug service metric count suppressed } }`, bearer(steering()));
    // One deviation is fewer than the minimum cell size: its count is withheld, its 750 kronor are not about residents.
    expect(usage.body.data.catalogueUsage.filter((u: { service: string }) => u.service === 'home-care')).toEqual([
      { slug: 'sundsvall', service: 'home-care', metric: 'deviation_sek_confirmed', count: 750, suppressed: false },
      { slug: 'sundsvall', service: 'home-care', metric: 'deviations_confirmed', count: null, suppressed: true },
    ]);

    const school = await api.graphql(LINES, bearer(staff('sundsvall', 'skola'), 'sundsvall'), { month: '2025-03' });
    expect(school.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(school.body.data).toBeNull();
    // Timrå's responsible unit, in Timrå: nothing of Sundsvall's.
    const timra = await api.graphql(LINES, bearer(staff('timra', 'socialtjanst'), 'timra'), { month: '2025-03' });
    expect(timra.body.data.homeCareCheckLines).toEqual([]);
    // A Timrå case worker addressing Sundsvall is refused before any resolver runs.
    const crossing = await api.graphql(LINES, bearer(staff('timra', 'socialtjanst'), 'sundsvall'), { month: '2025-03' });
    expect(crossing.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const bad = await api.graphql(
      IMPORT,
      sundsvall,
      file('VISITS', [
        'municipality,visit,provider,resident,service_type,started_at,stopped_at,staff,verification,billed_minutes',
        '2262,V-X,OMSORG-AB,K-1,personal_care,2025-03-10T08:00:00+01:00,2025-03-10T09:00:00+01:00,s-1,tag,',
      ]),
    );
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ file: 'VISITS.csv', line: 2, reason: 'municipality 2262 is not Sundsvalls kommun (2281)' }], total: 1 },
    });

    const followUp = await api.graphql(FOLLOW_UP, bearer(steering()), { month: '2025-03' });
    expect(followUp.body.data.homeCareFollowUp.find((f: { slug: string }) => f.slug === 'sundsvall')).toEqual({
      slug: 'sundsvall',
      checked: true,
      residents: null,
      residentsWithDeviations: null,
      amountAtStakeSek: null,
      suppressed: true,
    });
    const asWorker = await api.graphql(FOLLOW_UP, bearer(staff('sundsvall', 'hemtjanst'), 'sundsvall'), { month: '2025-03' });
    expect(asWorker.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
