import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { requestContext } from '@kommuna/platform-tenancy';
import { personnummerOf } from './personnummer-scan';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

/**
 * Audit trail and data protection (issue 10, parts 4 and 5), through the api as deployed: staff
 * reads of citizens' data, administrative changes and automated decisions each leave an entry in
 * the municipality's hash-chained audit trail, which verifies; during a whole flow (citizen login,
 * submission, a municipal system writing a case with a personnummer as input, a letter sent) no
 * personnummer appears in a log line, an event or a URL; tenant files hold secrets only by reference.
 */
const ANNA = '199001019802';
const ERIK = '197110109878';
const TOLVAN = '191212121212';

describe('audit trail and data protection', () => {
  let api: TestApi;
  let headers: Record<string, Record<string, string>>;
  const gql = async (who: Record<string, string>, query: string, variables?: Record<string, unknown>) => {
    const { body } = await api.graphql(query, who, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const urls: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    const token = (claims: Record<string, unknown>) => ({
      authorization: `Bearer ${api.realm.token(claims)}`,
      'x-kommuna-tenant': 'sundsvall',
    });
    headers = {
      anna: token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: ANNA }),
      admin: token({ sub: 'admin-sundsvall', realm_access: { roles: ['tenant_admin'] }, organization: ['sundsvall'] }),
      caseWorker: token({
        sub: 'handlaggare-social',
        realm_access: { roles: ['case_worker'] },
        organization: ['sundsvall'],
        unit: 'socialtjanst',
      }),
      system: token({
        sub: 'sundsvall-arendesystem',
        realm_access: { roles: ['service_account'] },
        organization: ['sundsvall'],
        azp: 'sundsvall-arendesystem',
      }),
    };
    // Every URL the flow below requests goes through here, so the test can look at them.
    api.app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (request, _reply, done) => {
        urls.push(request.url);
        done();
      });
  });
  afterAll(() => api?.close());

  it('records staff reads, administrative changes and automated decisions in a chain that verifies', async () => {
    // Administrative changes: a new form version published and retired, a template adopted, a letter template changed.
    const { publishedForm } = await gql(headers.admin, '{ publishedForm(slug: "skolval") { definition } }');
    await gql(headers.admin, 'mutation($input: CreateFormVersionInput!) { createFormVersion(input: $input) { version } }', {
      input: { formSlug: 'skolval', definition: publishedForm.definition, changelog: 'Ny termin' },
    });
    await gql(headers.admin, 'mutation { publishFormVersion(formSlug: "skolval", version: "1.1") { status } }');
    await gql(headers.admin, 'mutation { retireFormVersion(formSlug: "skolval", version: "1.1") { status } }');
    await gql(headers.admin, 'mutation($input: SaveMailTemplateInput!) { saveDigitalMailTemplate(input: $input) { version } }', {
      input: { name: 'paminnelse', subject: { sv: 'Påminnelse', en: 'Reminder' }, body: { sv: 'Hej!', en: 'Hi!' } },
    });
    const timraAdmin = {
      authorization: `Bearer ${api.realm.token({ sub: 'admin-timra', realm_access: { roles: ['tenant_admin'] }, organization: ['timra'] })}`,
      'x-kommuna-tenant': 'timra',
    };
    await gql(
      timraAdmin,
      'mutation { adoptFormTemplate(input: { publisher: "sundsvall", templateSlug: "parkeringstillstand" }) { slug } }',
    );

    // An automated decision (shorter than six months: the rules reject at once) and a manual one.
    const submit = (key: string, months: number) =>
      gql(headers.anna, 'mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId errandNumber status } }', {
        input: {
          formSlug: 'parkeringstillstand',
          idempotencyKey: key,
          data: {
            roll: 'forare',
            telefon: '060-12 34 56',
            funktionsnedsattning: 'Svår artros i båda knäna.',
            varaktighetManader: months,
            gangstrackaMeter: 40,
            harLakarintyg: false,
          },
        },
      });
    const automated = (await submit('audit-key-1', 3)).submitForm;
    const manual = (await submit('audit-key-2', 24)).submitForm;
    expect([automated.status, manual.status]).toEqual(['decided', 'manual_handling']);

    // Staff reads of citizens' data, then a manual decision.
    await gql(headers.caseWorker, '{ formSubmissions { nodes { id } } }');
    await gql(headers.caseWorker, 'query($id: ID!) { formSubmission(id: $id) { errandNumber } }', { id: manual.submissionId });
    await gql(headers.caseWorker, 'mutation($input: DecideFormSubmissionInput!) { decideFormSubmission(input: $input) { status } }', {
      input: { submissionId: manual.submissionId, outcome: 'approve', reason: { sv: 'Uppfyller kraven.', en: 'Meets the requirements.' } },
    });

    const { auditLog } = await gql(headers.admin, '{ auditLog(first: 100) { seq actor action targetId details } }');
    const actions = auditLog.map((e: any) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'staff:admin-sundsvall eforms.form-version.created',
        'staff:admin-sundsvall eforms.form-version.published',
        'staff:admin-sundsvall eforms.form-version.retired',
        'staff:admin-sundsvall digitalmail.template.saved',
        'system:decision-rules eforms.decision.automated',
        'staff:handlaggare-social eforms.submissions.listed',
        'staff:handlaggare-social eforms.submission.read',
        'staff:handlaggare-social eforms.decision.manual',
      ]),
    );
    expect(auditLog.find((e: any) => e.action === 'eforms.decision.automated')).toMatchObject({
      targetId: automated.submissionId,
      details: { errandNumber: automated.errandNumber, outcome: 'reject', rules: ['avslag-kortvarig'] },
    });
    // Timrå's adoption is in Timrå's own chain, not Sundsvall's.
    expect(actions.some((a: string) => a.includes('template.adopted'))).toBe(false);
    const timra = await gql(timraAdmin, '{ auditLog { actor action } verifyAuditLog { intact entries } }');
    expect(timra.auditLog).toEqual(expect.arrayContaining([{ actor: 'staff:admin-timra', action: 'eforms.template.adopted' }]));
    expect(timra.verifyAuditLog.intact).toBe(true);
    // No identity number or answer text in the trail.
    expect(JSON.stringify(auditLog)).not.toMatch(/199001019802|artros/i);
    const { verifyAuditLog } = await gql(headers.admin, '{ verifyAuditLog { intact entries } }');
    expect(verifyAuditLog).toEqual({ intact: true, entries: auditLog.length });
  });

  it('keeps personnummer out of log lines, events and URLs during a whole flow', async () => {
    const fastify = api.app.getHttpAdapter().getInstance();
    // Citizen login and submission (the personnummer arrives only inside the signed token).
    await gql(headers.anna, '{ me { subject roles } }');
    await gql(headers.anna, 'mutation($input: SubmitFormInput!) { submitForm(input: $input) { errandNumber } }', {
      input: {
        formSlug: 'parkeringstillstand',
        idempotencyKey: 'pnr-flow-1',
        data: {
          roll: 'forare',
          telefon: '060-12 34 56',
          funktionsnedsattning: 'Svår artros i båda knäna.',
          varaktighetManader: 3,
          gangstrackaMeter: 40,
          harLakarintyg: false,
        },
      },
    });
    // A municipal system writes a case for Erik, naming him by personnummer (input, not identity).
    const { upsertCase } = await gql(headers.system, 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }', {
      input: {
        externalCaseId: 'VO-2025-1',
        source: 'procapita',
        caseType: 'bistand',
        errandNumber: 'SOC-2025-000123',
        title: { sv: 'Ansökan om bistånd', en: 'Application for assistance' },
        unit: 'socialtjanst',
        subject: { personnummer: ERIK },
        status: 'received',
      },
    });
    // A letter to Erik over REST, and a mistake that is refused (a failure must not log the number either).
    const sent = await fastify.inject({
      method: 'POST',
      url: '/digital-mail/messages',
      headers: { ...headers.system, 'content-type': 'application/json', 'idempotency-key': 'pnr-letter-1' },
      payload: JSON.stringify({ recipient: ERIK, subject: 'Ditt beslut', body: 'Beslutet finns i Mina sidor.' }),
    });
    expect(sent.statusCode).toBeLessThan(300);
    const refused = await fastify.inject({
      method: 'POST',
      url: '/digital-mail/messages',
      headers: { ...headers.system, 'content-type': 'application/json' },
      payload: JSON.stringify({ recipient: '197110109879', subject: 'Fel', body: 'Fel nummer.' }),
    });
    expect(refused.statusCode).toBe(400);
    // A checksum-valid number (the scanner ignores invalid ones) in a letter refused for another reason.
    const refusedValid = await fastify.inject({
      method: 'POST',
      url: '/digital-mail/messages',
      headers: { ...headers.system, 'content-type': 'application/json' },
      payload: JSON.stringify({ recipient: TOLVAN, subject: '', body: 'Ingen rubrik.' }),
    });
    expect(refusedValid.statusCode).toBe(400);
    // A personnummer where the municipality's name belongs (issue 23: it was written into every log line).
    const misnamed = await api.graphql('{ me { subject } }', { ...headers.anna, 'x-kommuna-tenant': TOLVAN });
    expect(misnamed.status).toBeLessThan(500);
    await api.dispatchEvents();

    const logs = api.logLines.join('\n');
    expect(api.logLines.length).toBeGreaterThan(5);
    expect(personnummerOf(TOLVAN)).toEqual([TOLVAN]);
    expect(personnummerOf(logs)).toEqual([]);
    expect(personnummerOf(urls.join('\n'))).toEqual([]);
    const events = await eventsText(api);
    expect(events.length).toBeGreaterThan(100);
    expect(personnummerOf(events)).toEqual([]);
    expect(upsertCase.caseId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('holds secrets in tenant files only by reference', () => {
    const tenantsDir = path.join(REPO_ROOT, 'tenants');
    const files = fs
      .readdirSync(tenantsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => walk(path.join(tenantsDir, d.name)))
      .filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const problems: string[] = [];
    for (const file of files) {
      const visit = (value: unknown, at: string): void => {
        if (value && typeof value === 'object') {
          for (const [key, item] of Object.entries(value)) visit(item, `${at}.${key}`);
          return;
        }
        if (typeof value !== 'string') return;
        const key = at.split('.').pop() ?? '';
        // A secret-looking key must hold a reference (vault:, env:, secret:), never the value.
        if (
          /(secret|password|passwd|token|api[-_]?key|private[-_]?key|credential)/i.test(key) &&
          !/^(vault|env|secret|k8s|file):/i.test(value)
        )
          problems.push(`${file}: ${at}`);
        if (
          /-----BEGIN [A-Z ]*PRIVATE KEY-----|\beyJ[\w-]{10,}\.[\w-]{10,}\.|\b(?:AKIA|ghp_|xox[bp]-)[\w-]{10,}|:\/\/[^/\s:@]+:[^/\s@]+@/.test(
            value,
          )
        )
          problems.push(`${file}: ${at} looks like a secret value`);
      };
      visit(parse(fs.readFileSync(file, 'utf8')), path.relative(REPO_ROOT, file));
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(fs.readFileSync(file, 'utf8'))) problems.push(`${file}: holds a private key`);
    }
    expect(problems).toEqual([]);
  });
});

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** Every outbox event of every municipality, as text. */
async function eventsText(api: TestApi): Promise<string> {
  const parts: string[] = [];
  for (const tenant of api.runtime.tenants.all()) {
    const rows = await requestContext.run({ requestId: 'scan', tenantId: tenant.id }, () =>
      api.runtime.database.transaction((em) => em.query(`SELECT type, source, subject, data FROM outbox_event`)),
    );
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

describe('the personnummer scan the test above relies on', () => {
  it('finds numbers in every written form and ignores other digits', () => {
    expect(
      personnummerOf(`{"msg":"x","recipient":"${ANNA}"} 19711010-9878 711010-9878 uuid 3f0b1c2d-1990-0101-9802-aaaaaaaaaaaa 1199001019802`),
    ).toEqual([ANNA, '19711010-9878', '711010-9878']);
    expect(personnummerOf('errand SKM-2025-000001 at 2025-03-04T13:05:00Z')).toEqual([]);
  });
});
