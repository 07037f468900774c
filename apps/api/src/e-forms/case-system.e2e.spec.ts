import { randomUUID } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { requestContext } from '@kommuna/platform-tenancy';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { testPersonnummer } from '@kommuna/platform-testing';
import { parkingPermitAnswers, startTestApi, TestApi } from '../testing/test-api';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const SUBMIT = 'mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId errandNumber status } }';
const SUBMISSION = `id errandNumber formSlug caseType unit status applicant { kind identityNumber } answers { field value { sv } }
  attachments { id fileName contentType sha256 } registration { caseSystemReference registeredBy }`;

/**
 * A municipality's case system takes e-forms submissions in, over REST and GraphQL, as the api
 * runs: paging, a submission with its files and receipt, the acknowledgement with a diarienummer
 * that the resident then sees in Mina sidor, and the refusals (another municipality's system, a
 * system without the scope, case workers, bad input).
 */
describe('e-forms for case systems', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const system = (slug: string, scope = 'profile email eforms-submissions') =>
    `Bearer ${api.realm.token({ sub: `service-account-${slug}-system`, realm_access: { roles: ['service_account'] }, organization: [slug], azp: `${slug}-system`, scope })}`;
  const citizen = (n: number) =>
    `Bearer ${api.realm.token({ sub: `citizen-${n}`, realm_access: { roles: ['citizen'] }, personnummer: testPersonnummer(n) })}`;
  const gql = (tenant: string | undefined, authorization: string, query: string, variables?: Record<string, unknown>) =>
    api.graphql(query, { authorization, ...(tenant ? { 'x-kommuna-tenant': tenant } : {}) }, variables);
  const ok = async (tenant: string | undefined, authorization: string, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await gql(tenant, authorization, query, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };
  const codeOf = async (tenant: string, authorization: string, query: string, variables?: Record<string, unknown>) => {
    const { body } = await gql(tenant, authorization, query, variables);
    expect(body.errors).toHaveLength(1);
    return body.errors[0].extensions.code as string;
  };
  const rest = (method: 'GET' | 'POST', url: string, tenant: string, authorization: string, body?: unknown) =>
    api.rest(method, url, { headers: { authorization, 'x-kommuna-tenant': tenant }, body });
  const sql = (slug: string, query: string, params: unknown[] = []) =>
    requestContext.run({ requestId: 'e2e', tenantId: api.runtime.tenants.get(slug).id }, () =>
      api.runtime.database.transaction((em) => em.query(query, params)),
    );
  /** A Sundsvall resident's parking permit application (manual handling), optionally with a certificate. */
  const submit = async (n: number, withCertificate = false) => {
    const resident = citizen(n);
    let data = parkingPermitAnswers();
    if (withCertificate) {
      const { startFormDraft: draft } = await ok(
        'sundsvall',
        resident,
        'mutation { startFormDraft(formSlug: "parkeringstillstand") { id } }',
      );
      const { uploadFormAttachment: file } = await ok(
        'sundsvall',
        resident,
        'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id } }',
        {
          input: { draftId: draft.id, field: 'lakarintyg', fileName: 'läkarintyg.pdf', contentBase64: PDF.toString('base64') },
        },
      );
      data = parkingPermitAnswers({ harLakarintyg: true, lakarintyg: file.id });
    }
    const { submitForm } = await ok('sundsvall', resident, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data, idempotencyKey: randomUUID() },
    });
    return { ...submitForm, resident };
  };

  it("lists the municipality's submissions oldest first, paged by a cursor that later submissions come after, narrowed by status and registration", async () => {
    const first = await submit(401);
    const second = await submit(402);
    const sundsvall = system('sundsvall');
    const all: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = (
        await ok(
          'sundsvall',
          sundsvall,
          'query($after: String) { caseSystemSubmissions(first: 2, after: $after) { nodes { id submittedAt } endCursor hasNextPage } }',
          { after },
        )
      ).caseSystemSubmissions;
      all.push(...page.nodes.map((n: any) => n.id));
      pages++;
      expect(page.nodes.length).toBeLessThanOrEqual(2);
      if (!page.hasNextPage) {
        after = page.endCursor;
        break;
      }
      after = page.endCursor;
    }
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(new Set(all).size).toBe(all.length);
    expect(all.indexOf(first.submissionId)).toBeLessThan(all.indexOf(second.submissionId));
    const [{ n }] = await sql('sundsvall', 'SELECT count(*)::int AS n FROM eforms_submission');
    expect(all).toHaveLength(n);

    // Kept, the last cursor finds exactly what came in since.
    const third = await submit(403);
    const since = (
      await ok('sundsvall', sundsvall, 'query($after: String) { caseSystemSubmissions(after: $after) { nodes { id } hasNextPage } }', {
        after,
      })
    ).caseSystemSubmissions;
    expect(since).toEqual({ nodes: [{ id: third.submissionId }], hasNextPage: false });

    // The same over REST, with the filters.
    const manual = await rest(
      'GET',
      '/e-forms/case-system/submissions?status=manual_handling&registered=false&first=100',
      'sundsvall',
      sundsvall,
    );
    expect(manual.status).toBe(200);
    expect(manual.body.nodes.map((s: any) => s.id)).toEqual(
      expect.arrayContaining([first.submissionId, second.submissionId, third.submissionId]),
    );
    expect(manual.body.nodes.every((s: any) => s.status === 'manual_handling' && s.registration === null)).toBe(true);
    expect((await rest('GET', '/e-forms/case-system/submissions?first=0', 'sundsvall', sundsvall)).body).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await rest('GET', '/e-forms/case-system/submissions?status=lost', 'sundsvall', sundsvall)).status).toBe(400);
    expect((await rest('GET', '/e-forms/case-system/submissions?after=bm90LWEtY3Vyc29y', 'sundsvall', sundsvall)).status).toBe(400);
    expect((await rest('GET', '/e-forms/case-system/submissions?registered=maybe', 'sundsvall', sundsvall)).status).toBe(400);
  });

  it('fetches one submission with answers, applicant, files and receipt PDF; the acknowledgement shows in Mina sidor as the diarienummer', async () => {
    const sent = await submit(404, true);
    const sundsvall = system('sundsvall');
    const { caseSystemSubmission: s } = await ok(
      'sundsvall',
      sundsvall,
      `query($id: ID!) { caseSystemSubmission(id: $id) { ${SUBMISSION} receiptPdfBase64 } }`,
      { id: sent.submissionId },
    );
    expect(s).toMatchObject({
      id: sent.submissionId,
      errandNumber: sent.errandNumber,
      formSlug: 'parkeringstillstand',
      unit: 'socialtjanst',
      applicant: { kind: 'person', identityNumber: testPersonnummer(404) },
      attachments: [{ fileName: 'läkarintyg.pdf', contentType: 'application/pdf' }],
      registration: null,
    });
    expect(s.answers).toContainEqual({ field: 'harLakarintyg', value: { sv: 'Ja' } });
    const receipt = Buffer.from(s.receiptPdfBase64, 'base64');
    expect((await PDFDocument.load(receipt)).getTitle()).toBe(`Kvittens ${sent.errandNumber}`);

    // REST: the same submission, the file's very bytes, the receipt.
    const got = await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}`, 'sundsvall', sundsvall);
    expect(got).toMatchObject({ status: 200, body: { id: sent.submissionId, applicant: { identityNumber: testPersonnummer(404) } } });
    const file = await rest(
      'GET',
      `/e-forms/case-system/submissions/${sent.submissionId}/attachments/${s.attachments[0].id}`,
      'sundsvall',
      sundsvall,
    );
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(`attachment; filename="l_karintyg.pdf"; filename*=UTF-8''l%C3%A4karintyg.pdf`);
    expect(Buffer.compare(file.raw, PDF)).toBe(0);
    const pdf = await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}/receipt.pdf?language=en`, 'sundsvall', sundsvall);
    expect(pdf.status).toBe(200);
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      (await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}/attachments/${randomUUID()}`, 'sundsvall', sundsvall)).body,
    ).toMatchObject({ code: 'ATTACHMENT_NOT_FOUND' });
    expect((await rest('GET', `/e-forms/case-system/submissions/${randomUUID()}`, 'sundsvall', sundsvall)).status).toBe(404);

    // Bad references are refused with nothing stored.
    for (const bad of [
      {},
      { caseSystemReference: '' },
      { caseSystemReference: ' ' },
      { caseSystemReference: 'KS\n2026/1' },
      { caseSystemReference: 'x'.repeat(101) },
      { caseSystemReference: 42 },
    ]) {
      const refused = await rest('POST', `/e-forms/case-system/submissions/${sent.submissionId}/registration`, 'sundsvall', sundsvall, bad);
      expect({ bad, status: refused.status, code: refused.body?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await sql('sundsvall', 'SELECT case_system_reference FROM eforms_submission WHERE id = $1', [sent.submissionId])).toEqual([
      { case_system_reference: null },
    ]);

    const acknowledged = await rest('POST', `/e-forms/case-system/submissions/${sent.submissionId}/registration`, 'sundsvall', sundsvall, {
      caseSystemReference: ' KS 2026/0142 ',
    });
    expect(acknowledged).toMatchObject({
      status: 200,
      body: { registration: { caseSystemReference: 'KS 2026/0142', registeredBy: 'sundsvall-system' } },
    });
    // Again with the same reference: unchanged, no second event; another reference: CONFLICT.
    const again = await ok(
      'sundsvall',
      sundsvall,
      `mutation($id: ID!) { acknowledgeFormSubmission(submissionId: $id, caseSystemReference: "KS 2026/0142") { registration { caseSystemReference } } }`,
      { id: sent.submissionId },
    );
    expect(again.acknowledgeFormSubmission.registration.caseSystemReference).toBe('KS 2026/0142');
    const moved = await rest('POST', `/e-forms/case-system/submissions/${sent.submissionId}/registration`, 'sundsvall', sundsvall, {
      caseSystemReference: 'KS 2026/9999',
    });
    expect(moved).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const events = await sql('sundsvall', `SELECT data FROM outbox_event WHERE subject = $1 AND type = $2`, [
      sent.submissionId,
      EVENT_TYPES.formSubmissionRegistered,
    ]);
    expect(events).toEqual([
      {
        data: {
          submissionId: sent.submissionId,
          errandNumber: sent.errandNumber,
          caseSystemReference: 'KS 2026/0142',
          registeredAt: expect.any(String),
          subjectPartyId: expect.any(String),
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(testPersonnummer(404));
    const registered = (
      await rest('GET', '/e-forms/case-system/submissions?registered=true&first=100', 'sundsvall', sundsvall)
    ).body.nodes.map((n: any) => n.id);
    expect(registered).toContain(sent.submissionId);

    // The resident sees the diarienummer on the case and in its timeline.
    await api.dispatchEvents();
    const { myCases } = await ok(
      undefined,
      sent.resident,
      '{ myCases { nodes { errandNumber caseSystemReference timeline { kind text { sv } } } } }',
    );
    const mine = myCases.nodes.find((c: any) => c.errandNumber === sent.errandNumber);
    expect(mine.caseSystemReference).toBe('KS 2026/0142');
    expect(mine.timeline).toContainEqual({
      kind: 'registered',
      text: { sv: 'Ditt ärende är registrerat hos kommunen med diarienummer KS 2026/0142.' },
    });
    // Delivering the event again adds nothing.
    await api.dispatchEvents();
    const again2 = (await ok(undefined, sent.resident, '{ myCases { nodes { errandNumber timeline { kind } } } }')).myCases.nodes.find(
      (c: any) => c.errandNumber === sent.errandNumber,
    );
    expect(again2.timeline.filter((e: any) => e.kind === 'registered')).toHaveLength(1);
  });

  it("isolates municipalities: Timrå's system sees, reads and registers none of Sundsvall's submissions, and is refused addressing Sundsvall", async () => {
    const sent = await submit(405);
    const timra = system('timra');
    const listed = (await ok('timra', timra, '{ caseSystemSubmissions(first: 100) { nodes { id errandNumber } } }')).caseSystemSubmissions
      .nodes;
    expect(listed.map((n: any) => n.id)).not.toContain(sent.submissionId);
    expect(listed.every((n: any) => n.errandNumber.startsWith('TIM-'))).toBe(true);
    expect((await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}`, 'timra', timra)).body).toMatchObject({
      code: 'SUBMISSION_NOT_FOUND',
    });
    expect((await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}/receipt.pdf`, 'timra', timra)).status).toBe(404);
    expect(
      (
        await rest('POST', `/e-forms/case-system/submissions/${sent.submissionId}/registration`, 'timra', timra, {
          caseSystemReference: 'TIM 1',
        })
      ).status,
    ).toBe(404);
    expect(await codeOf('sundsvall', timra, '{ caseSystemSubmissions { nodes { id } } }')).toBe('FORBIDDEN');
    expect((await rest('GET', '/e-forms/case-system/submissions', 'sundsvall', timra)).status).toBe(403);
    expect(await sql('sundsvall', 'SELECT case_system_reference FROM eforms_submission WHERE id = $1', [sent.submissionId])).toEqual([
      { case_system_reference: null },
    ]);
  });

  it('refuses a service account without the scope, case workers, tenant admins and residents', async () => {
    const sent = await submit(406);
    const unscoped = system('sundsvall', 'profile email');
    expect(await codeOf('sundsvall', unscoped, '{ caseSystemSubmissions { nodes { id } } }')).toBe('FORBIDDEN');
    const refused = await rest('GET', `/e-forms/case-system/submissions/${sent.submissionId}`, 'sundsvall', unscoped);
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(refused.body.message).toContain('eforms-submissions');
    expect(
      (
        await rest('POST', `/e-forms/case-system/submissions/${sent.submissionId}/registration`, 'sundsvall', unscoped, {
          caseSystemReference: 'KS 1',
        })
      ).status,
    ).toBe(403);
    // The scope in another claim, or as a prefix of another scope, is no scope.
    expect(await codeOf('sundsvall', system('sundsvall', 'eforms-submissions-extra'), '{ caseSystemSubmissions { nodes { id } } }')).toBe(
      'FORBIDDEN',
    );
    const staff = (roles: string[]) =>
      `Bearer ${api.realm.token({ sub: `staff-${roles[0]}`, realm_access: { roles }, organization: ['sundsvall'], unit: 'socialtjanst', scope: 'eforms-submissions' })}`;
    for (const who of [staff(['case_worker']), staff(['tenant_admin']), citizen(406)]) {
      expect(await codeOf('sundsvall', who, '{ caseSystemSubmissions { nodes { id } } }')).toBe('FORBIDDEN');
    }
    expect(await sql('sundsvall', 'SELECT case_system_reference FROM eforms_submission WHERE id = $1', [sent.submissionId])).toEqual([
      { case_system_reference: null },
    ]);
  });

  it('serves its OpenAPI document, naming every route and the scope', async () => {
    const response = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/e-forms/case-system/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/e-forms/case-system/submissions',
      '/e-forms/case-system/submissions/{id}',
      '/e-forms/case-system/submissions/{id}/attachments/{attachmentId}',
      '/e-forms/case-system/submissions/{id}/receipt.pdf',
      '/e-forms/case-system/submissions/{id}/registration',
    ]);
    expect(doc.security).toEqual([{ bearer: ['eforms-submissions'] }]);
  });
});
