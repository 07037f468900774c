import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { MINASIDOR_SERVICE } from '@kommuna/minasidor';
import { validateSipPackage } from '@kommuna/platform-archive-export';
import { extractTar } from '@kommuna/platform-data-portability';
import { testPersonnummer } from '@kommuna/platform-testing';
import { requestContext } from '@kommuna/platform-tenancy';
import { parkingPermitAnswers, REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';
import { parseArchiveExportArguments, runArchiveExport } from './archive-export.command';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n% läkarintyg\n');
const SUBMIT = 'mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId errandNumber status } }';

/**
 * A municipality's tenant admin exports closed cases for its e-archive as the api runs them (on
 * PGlite, or PostgreSQL with DATABASE_URL): the package validates against the published METS/CSIP,
 * ERMS and PREMIS schemas with xmllint and every file against its checksum; an open case, another
 * municipality's case and anyone but the admin are refused.
 */
/**
 * A period's days are Stockholm's (closed-period.ts), so "tomorrow" is too: UTC's date is still
 * today's between Stockholm's midnight and UTC's, and a case decided then would fall outside it.
 */
const stockholmTomorrow = () =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    Date.now() + 24 * 3600 * 1000,
  );

describe('archive export of closed cases', () => {
  let api: TestApi;
  let work: string;
  beforeAll(async () => {
    api = await startTestApi();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-archive-e2e-'));
  });
  afterAll(async () => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    await api?.close();
  });

  const admin = (organization: string) =>
    `Bearer ${api.realm.token({ sub: `admin-${organization}`, realm_access: { roles: ['tenant_admin'] }, organization: [organization] })}`;
  const citizen = (n: number) =>
    `Bearer ${api.realm.token({ sub: `citizen-${n}`, realm_access: { roles: ['citizen'] }, personnummer: testPersonnummer(n) })}`;
  const get = (url: string, tenant: string, authorization?: string) =>
    api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url, headers: { 'x-kommuna-tenant': tenant, ...(authorization ? { authorization } : {}) } });
  const ok = async (authorization: string, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await api.graphql(query, { authorization, 'x-kommuna-tenant': 'sundsvall' }, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };
  const unpack = async (tar: Buffer) => {
    const dir = fs.mkdtempSync(path.join(work, 'unpacked-'));
    await extractTar(tar, dir);
    return dir;
  };
  const filesUnder = (dir: string): string[] =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));

  /** A Sundsvall resident's parking permit application; with a medical certificate it is approved at once (automated decision). */
  const apply = async (n: number, withCertificate: boolean) => {
    const resident = citizen(n);
    const data = parkingPermitAnswers({ harLakarintyg: withCertificate });
    if (withCertificate) {
      const { startFormDraft } = await ok(resident, 'mutation { startFormDraft(formSlug: "parkeringstillstand") { id } }');
      const { uploadFormAttachment } = await ok(
        resident,
        'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id } }',
        {
          input: { draftId: startFormDraft.id, field: 'lakarintyg', fileName: 'läkarintyg.pdf', contentBase64: PDF.toString('base64') },
        },
      );
      data.lakarintyg = uploadFormAttachment.id;
    }
    const { submitForm } = await ok(resident, SUBMIT, { input: { formSlug: 'parkeringstillstand', data, idempotencyKey: randomUUID() } });
    await api.dispatchEvents();
    return submitForm as { submissionId: string; errandNumber: string; status: string };
  };

  it('gives the admin a decided case as an E-ARK SIP that validates against its schemas, with every file and checksum, and no identity number', async () => {
    const decided = await apply(601, true);
    expect(decided.status).toBe('decided');

    const response = await get(`/admin/archive/cases/${decided.errandNumber}.sip`, 'sundsvall', admin('sundsvall'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-tar');
    const objid = `kommuna-sundsvall-${decided.errandNumber}`;
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${objid}.tar"`);
    const dir = await unpack(response.rawPayload);
    expect(fs.readdirSync(dir)).toEqual([objid]);
    const sip = path.join(dir, objid);

    // xmllint against METS+CSIP+SIP (the package's and the representation's METS.xml), ERMS and PREMIS; the profile; every listed file's size and SHA-256.
    const validation = await validateSipPackage(sip);
    expect(validation.schemas.map((s) => s.document)).toEqual([
      'METS.xml',
      'representations/rep1/METS.xml',
      'metadata/descriptive/ERMS.xml',
      'metadata/preservation/premis.xml',
    ]);

    const data = path.join(sip, 'representations/rep1/data');
    const records = fs.readdirSync(data).sort();
    expect(records).toEqual(['01-application', '02-attachment', '03-decision']);
    expect(fs.readFileSync(path.join(data, '02-attachment/lakarintyg.pdf'))).toEqual(PDF);
    expect(
      fs
        .readFileSync(path.join(data, `01-application/Kvittens-${decided.errandNumber}.pdf`))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(
      fs
        .readFileSync(path.join(data, `03-decision/Beslut-${decided.errandNumber}.pdf`))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const answers = JSON.parse(fs.readFileSync(path.join(data, '01-application/svar.json'), 'utf8'));
    expect(answers).toMatchObject({ errandNumber: decided.errandNumber, form: 'parkeringstillstand', data: { varaktighetManader: 24 } });

    const erms = fs.readFileSync(path.join(sip, 'metadata/descriptive/ERMS.xml'), 'utf8');
    expect(erms).toContain(`<objectId>${decided.errandNumber}</objectId>`);
    expect(erms).toContain('<status value="closed"/>');
    expect(erms).toMatch(/<ownElement name="outcome" dataType="string">\s*<value>approval<\/value>/);
    expect(erms).toMatch(/<ownElement name="sfs" dataType="string">\s*<value>1998:1276<\/value>/);
    // Mina sidor's timeline is the case history; its copy of the decision is not a second record.
    expect(erms).toContain('<actionType>minasidor:received</actionType>');
    expect(erms.match(/recordType="decision"/g)).toHaveLength(1);

    // The applicant appears by party id only: no personnummer in any file of the package.
    const personnummer = testPersonnummer(601);
    for (const file of filesUnder(sip)) {
      const text = fs.readFileSync(file).toString('latin1');
      expect({ file, found: text.includes(personnummer) || text.includes(personnummer.slice(2)) }).toEqual({ file, found: false });
    }

    const { body } = await api.graphql(`{ auditLog { action targetId } }`, {
      authorization: admin('sundsvall'),
      'x-kommuna-tenant': 'sundsvall',
    });
    expect(body.data.auditLog).toEqual(expect.arrayContaining([{ action: 'archive.case.exported', targetId: decided.errandNumber }]));
  });

  it('refuses an open case with a clear error, and changes nothing', async () => {
    const open = await apply(602, false);
    expect(open.status).toBe('manual_handling');
    const response = await get(`/admin/archive/cases/${open.errandNumber}.sip`, 'sundsvall', admin('sundsvall'));
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'ARCHIVE_CASE_NOT_CLOSED',
      message: expect.stringContaining(`Case ${open.errandNumber} is still open (e-forms, minasidor): only closed cases are exported`),
    });
  });

  it('keeps every municipality to its own cases and gives them to its admin alone', async () => {
    const decided = await apply(603, true);
    const url = `/admin/archive/cases/${decided.errandNumber}.sip`;
    // Timrå's admin addressing Timrå: Sundsvall's case is not there.
    const elsewhere = await get(url, 'timra', admin('timra'));
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toMatchObject({ code: 'ARCHIVE_CASE_NOT_FOUND' });
    // Timrå's admin addressing Sundsvall holds no role there.
    expect((await get(url, 'sundsvall', admin('timra'))).statusCode).toBe(403);
    expect((await get(url, 'sundsvall', citizen(603))).statusCode).toBe(403);
    expect((await get(url, 'sundsvall')).statusCode).toBe(401);
    const bad = await get('/admin/archive/cases/..%2F..%2Fetc.sip', 'sundsvall', admin('sundsvall'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('delivers every case closed in a period as one SIP archive each, leaving out open cases', async () => {
    const decided = await apply(604, true);
    const open = await apply(605, false);
    const tomorrow = stockholmTomorrow();
    const response = await get(`/admin/archive/cases.tar?closedBefore=${tomorrow}`, 'sundsvall', admin('sundsvall'));
    expect(response.statusCode).toBe(200);
    const dir = await unpack(response.rawPayload);
    const delivery = JSON.parse(fs.readFileSync(path.join(dir, 'delivery.json'), 'utf8'));
    expect(delivery).toMatchObject({ municipality: 'sundsvall', period: { from: null }, skipped: [] });
    const errands = delivery.packages.map((p: { errandNumber: string }) => p.errandNumber);
    expect(errands).toContain(decided.errandNumber);
    expect(errands).not.toContain(open.errandNumber);
    const entry = delivery.packages.find((p: { errandNumber: string }) => p.errandNumber === decided.errandNumber);
    const sip = await unpack(fs.readFileSync(path.join(dir, entry.file)));
    await expect(validateSipPackage(path.join(sip, entry.objid))).resolves.toMatchObject({ filesVerified: expect.any(Number) });

    // A period that ended before anything was decided holds no case; a bad date is refused.
    const empty = await get('/admin/archive/cases.tar?closedBefore=2020-01-01', 'sundsvall', admin('sundsvall'));
    const emptyDelivery = JSON.parse(fs.readFileSync(path.join(await unpack(empty.rawPayload), 'delivery.json'), 'utf8'));
    expect(emptyDelivery.packages).toEqual([]);
    const bad = await get('/admin/archive/cases.tar?closedBefore=2026-02-30', 'sundsvall', admin('sundsvall'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: 'closedBefore: 2026-02-30 is not a date that exists' });
    expect((await get('/admin/archive/cases.tar', 'sundsvall', admin('sundsvall'))).statusCode).toBe(400);
    const backwards = await get('/admin/archive/cases.tar?closedFrom=2026-05-01&closedBefore=2026-04-01', 'sundsvall', admin('sundsvall'));
    expect(backwards.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The period must start (closedFrom) before it ends (closedBefore)',
    });
  });

  it('exports a case a municipal case system closed through Mina sidor: its timeline, decision with legal basis and messages', async () => {
    const system = `Bearer ${api.realm.token({ sub: 'service-account-sundsvall-system', realm_access: { roles: ['service_account'] }, organization: ['sundsvall'], azp: 'sundsvall-system' })}`;
    const key = { source: 'procapita', externalCaseId: 'archive-e2e-1' };
    await ok(system, 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }', {
      input: {
        ...key,
        errandNumber: 'SOC 2025/0042',
        caseType: 'bistand',
        title: { sv: 'Ansökan om försörjningsstöd', en: 'Application for income support' },
        unit: 'socialtjanst',
        subject: { personnummer: testPersonnummer(606) },
        statusOccurredAt: '2025-02-01T10:00:00Z',
      },
    });
    await ok(system, 'mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { replayed } }', {
      input: {
        ...key,
        externalDecisionId: 'procapita-d-1',
        decisionType: 'bistand',
        outcome: 'APPROVAL',
        decidedAt: '2025-02-06T10:00:00Z',
        legalBasis: { sfs: '2001:453', chapter: '4', section: '1' },
        documents: [{ name: 'Beslut', ref: 'procapita:doc:77', checksum: 'sha256:abc' }],
      },
    });
    await ok(system, 'mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { replayed } }', {
      input: { ...key, externalMessageId: 'm-1', body: 'Beslutet finns nu i Mina sidor.', sentAt: '2025-02-06T10:05:00Z' },
    });
    const url = `/admin/archive/cases/${encodeURIComponent('SOC 2025/0042')}.sip`;
    // The decision puts the case in "Beslut finns": finished (slutbehandlat), so it may go to the archive.
    const response = await get(url, 'sundsvall', admin('sundsvall'));
    expect(response.statusCode).toBe(200);
    const dir = await unpack(response.rawPayload);
    const sip = path.join(dir, 'kommuna-sundsvall-SOC_2025_0042');
    await validateSipPackage(sip);
    const erms = fs.readFileSync(path.join(sip, 'metadata/descriptive/ERMS.xml'), 'utf8');
    expect(erms).toContain('<objectId>SOC 2025/0042</objectId>');
    expect(erms).toContain('<date dateType="opened">2025-02-01T10:00:00.000Z</date>');
    expect(erms).toMatch(/<ownElement name="sfs" dataType="string">\s*<value>2001:453<\/value>/);
    expect(erms).toMatch(/<ownElement name="ref" dataType="string">\s*<value>procapita:doc:77<\/value>/);
    expect(fs.readFileSync(path.join(sip, 'representations/rep1/data/02-message/meddelande.txt'), 'utf8')).toBe(
      'Beslutet finns nu i Mina sidor.\n',
    );
  });
  it('does the same from the command line (npm run archive:export), checking its arguments before it opens the database', async () => {
    const decided = await apply(608, true);
    const open = await apply(609, false);
    const runtime = api.runtime;
    const out = path.join(work, 'cli');
    const one = await runArchiveExport(
      parseArchiveExportArguments(['--tenant', 'sundsvall', '--case', decided.errandNumber, '--out', out, '--validate']),
      runtime,
    );
    expect(one).toEqual([
      expect.stringMatching(new RegExp(`^${decided.errandNumber}: .*kommuna-sundsvall-${decided.errandNumber} \\(\\d+ files, valid\\)$`)),
    ]);

    const tomorrow = stockholmTomorrow();
    const period = await runArchiveExport(
      parseArchiveExportArguments(['--tenant', 'sundsvall', '--closed-before', tomorrow, '--out', path.join(out, 'period'), '--validate']),
      runtime,
    );
    expect(period).toContain(
      `${decided.errandNumber}: ${path.join(out, 'period', `kommuna-sundsvall-${decided.errandNumber}.tar`)} (valid)`,
    );
    expect(period.join('\n')).not.toContain(open.errandNumber);
    expect(period[period.length - 1]).toMatch(/^sundsvall: \d+ cases exported, 0 left out; .*delivery\.json$/);

    await expect(
      runArchiveExport(parseArchiveExportArguments(['--tenant', 'sundsvall', '--case', open.errandNumber, '--out', out]), runtime),
    ).rejects.toMatchObject({
      code: 'ARCHIVE_CASE_NOT_CLOSED',
    });
    await expect(runArchiveExport(parseArchiveExportArguments(['--tenant', 'atlantis', '--case', 'X-1']), runtime)).rejects.toThrow(
      'No municipality "atlantis" on this platform',
    );
    for (const args of [
      ['--case', 'X-1'],
      ['--tenant', 'sundsvall'],
      ['--tenant', 'sundsvall', '--case', 'X-1', '--closed-before', '2026-01-01'],
      ['--tenant', 'sundsvall', '--case', 'X-1', '--closed-from', '2026-01-01'],
      ['--tenant', 'sundsvall', '--closed-before', '2026-01-01', '--colour', 'blue'],
    ])
      expect(() => parseArchiveExportArguments(args)).toThrow(/usage: npm run archive:export/);
    expect(() => parseArchiveExportArguments(['--tenant', 'sundsvall', '--closed-before', '2026-13-01'])).toThrow(
      '--closed-before: 2026-13-01 is not a date that exists',
    );
  });
});

/** Offboarding: a suspended municipality's units of work are read-only, and its admin can still take its closed cases to the archive. */
describe('archive export of a suspended municipality', () => {
  let api: TestApi;
  beforeAll(async () => {
    const tenantsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-tenants-'));
    fs.cpSync(path.join(REPO_ROOT, 'tenants'), tenantsDir, { recursive: true });
    fs.appendFileSync(path.join(tenantsDir, 'timra', 'tenant.yaml'), 'lifecycle: suspended\n');
    api = await startTestApi({ tenantsDir });
  });
  afterAll(() => api?.close());

  it('exports a closed case and records the export in the audit trail', async () => {
    const timra = api.runtime.tenants.get('timra');
    // The case system reported the case before the suspension (written here outside any request, which alone is read-only).
    await requestContext.run({ requestId: 'e2e', tenantId: timra.id }, () =>
      api.runtime.services.of(MINASIDOR_SERVICE).minasidor.intake.upsertCase({
        source: 'procapita',
        externalCaseId: 'suspended-1',
        errandNumber: 'TIM-2025-7',
        caseType: 'bistand',
        title: { sv: 'Bistånd', en: 'Assistance' },
        unit: 'socialtjanst',
        subject: { personnummer: testPersonnummer(607) },
        status: 'closed',
        statusOccurredAt: new Date('2025-03-01T10:00:00Z'),
      }),
    );
    const authorization = `Bearer ${api.realm.token({ sub: 'admin-timra', realm_access: { roles: ['tenant_admin'] }, organization: ['timra'] })}`;
    const response = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/admin/archive/cases/TIM-2025-7.sip', headers: { authorization, 'x-kommuna-tenant': 'timra' } });
    expect(response.statusCode).toBe(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-archive-suspended-'));
    try {
      await extractTar(response.rawPayload, dir);
      await validateSipPackage(path.join(dir, 'kommuna-timra-TIM-2025-7'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const { body } = await api.graphql(`{ auditLog { action targetId } }`, { authorization, 'x-kommuna-tenant': 'timra' });
    expect(body.data.auditLog).toEqual([{ action: 'archive.case.exported', targetId: 'TIM-2025-7' }]);
  });
});
