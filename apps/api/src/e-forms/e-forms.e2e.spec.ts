import { randomUUID } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { requestContext } from '@kommuna/platform-tenancy';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { startTestApi, TestApi } from '../testing/test-api';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')]);

const RECEIPT = `submissionId errandNumber submittedAt formSlug formVersion status tenant { slug names { sv } }
  title { sv en } answers { field label { sv } value { sv en } } attachments { id fileName contentType sizeBytes sha256 }
  decision { outcome automated reasons { ruleId text { sv en } legalBasis { sfs chapter section } } legalBasis { sfs chapter section } }`;
const SUBMIT = `mutation($input: SubmitFormInput!, $language: FormLanguage) { submitForm(input: $input, language: $language) { ${RECEIPT} } }`;

// The whole e-forms path through the api as `npm start` builds it, with the shipped forms.
describe('e-forms over GraphQL', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const citizen = (personnummer = '199001019802') =>
    `Bearer ${api.realm.token({ sub: `citizen-${personnummer}`, realm_access: { roles: ['citizen'] }, personnummer })}`;
  const staff = (tenant: string, roles: string[], unit?: string) =>
    `Bearer ${api.realm.token({ sub: `${tenant}-${roles[0]}-${unit ?? ''}`, realm_access: { roles }, organization: [tenant], ...(unit ? { unit } : {}) })}`;
  const gql = async (tenant: string | undefined, authorization: string | undefined, query: string, variables?: Record<string, unknown>) => {
    const headers: Record<string, string> = {};
    if (tenant) headers['x-kommuna-tenant'] = tenant;
    if (authorization) headers.authorization = authorization;
    return api.graphql(query, headers, variables);
  };
  const ok = async (tenant: string | undefined, authorization: string | undefined, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await gql(tenant, authorization, query, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };
  const fails = async (
    tenant: string | undefined,
    authorization: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ) => {
    const { status, body } = await gql(tenant, authorization, query, variables);
    expect(status).toBeLessThan(500);
    expect(body.errors).toHaveLength(1);
    return body.errors[0] as { message: string; extensions: { code: string; details?: any } };
  };
  const tenantId = (slug: string) => api.runtime.tenants.get(slug).id;
  const sql = (slug: string, query: string, params: unknown[] = []) =>
    requestContext.run({ requestId: 'e2e', tenantId: tenantId(slug) }, () =>
      api.runtime.database.transaction((em) => em.query(query, params)),
    );
  const counts = async (slug: string) =>
    (
      await sql(
        slug,
        `SELECT (SELECT count(*) FROM eforms_submission)::int AS submissions, (SELECT count(*) FROM outbox_event WHERE source = '/e-forms')::int AS events,
                (SELECT count(*) FROM eforms_decision)::int AS decisions, (SELECT count(*) FROM eforms_attachment)::int AS attachments,
                (SELECT coalesce(sum(last_value), 0) FROM eforms_errand_counter)::int AS numbers`,
      )
    )[0];
  const parking = (extra: Record<string, unknown> = {}) => ({
    roll: 'forare',
    telefon: '060-19 10 00',
    funktionsnedsattning: 'Svår artros i båda knäna, går med rullator.',
    varaktighetManader: 24,
    gangstrackaMeter: 40,
    harLakarintyg: false,
    ...extra,
  });
  const year = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', year: 'numeric' }).format(new Date()));

  it('loads the shipped forms at start-up: Sundsvall publishes three, Ånge reuses one as a template', async () => {
    const sundsvall = await ok('sundsvall', undefined, '{ publishedForms { slug version unit loginRequired title { sv } } }');
    expect(sundsvall.publishedForms.map((f: any) => f.slug)).toEqual(['bygglov-forfragan', 'parkeringstillstand', 'skolval']);
    const ange = await ok(
      'ange',
      staff('ange', ['tenant_admin']),
      '{ adminForms { slug currentVersion adoptedFrom { publisher slug } versions { version template { publisher slug version } } } }',
    );
    expect(ange.adminForms).toEqual([
      {
        slug: 'parkeringstillstand',
        currentVersion: '1.0',
        adoptedFrom: { publisher: 'sundsvall', slug: 'parkeringstillstand' },
        versions: [{ version: '1.0', template: { publisher: 'sundsvall', slug: 'parkeringstillstand', version: '1.0' } }],
      },
    ]);
    const form = await ok('sundsvall', undefined, '{ publishedForm(slug: "parkeringstillstand") { definition } }');
    expect(form.publishedForm.definition.decisionRules[0].legalBasis).toEqual({
      sfs: '1998:1276',
      chapter: '13',
      section: '8',
      title: { sv: 'Trafikförordningen', en: 'Road Traffic Ordinance' },
    });
  });

  it('the whole path: an admin publishes a version, a citizen submits with an attachment, gets a receipt and PDF, the events are in the outbox, the rules decide', async () => {
    const admin = staff('sundsvall', ['tenant_admin']);
    const { publishedForm } = await ok('sundsvall', undefined, '{ publishedForm(slug: "parkeringstillstand") { definition } }');
    const definition = { ...publishedForm.definition, description: { sv: 'Uppdaterad beskrivning.', en: 'Updated description.' } };
    const created = await ok(
      'sundsvall',
      admin,
      'mutation($input: CreateFormVersionInput!) { createFormVersion(input: $input) { version status } }',
      {
        input: { formSlug: 'parkeringstillstand', definition, changelog: 'Ny beskrivning' },
      },
    );
    expect(created.createFormVersion).toEqual({ version: '1.1', status: 'draft' });
    await ok('sundsvall', admin, 'mutation { publishFormVersion(formSlug: "parkeringstillstand", version: "1.1") { status } }');

    const anna = citizen();
    const { startFormDraft: draft } = await ok(
      'sundsvall',
      anna,
      'mutation { startFormDraft(formSlug: "parkeringstillstand") { id formVersion expiresAt } }',
    );
    expect(draft.formVersion).toBe('1.1');
    const { uploadFormAttachment: file } = await ok(
      'sundsvall',
      anna,
      'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id contentType sizeBytes sha256 } }',
      {
        input: { draftId: draft.id, field: 'lakarintyg', fileName: 'lakarintyg.pdf', contentBase64: PDF.toString('base64') },
      },
    );
    expect(file).toMatchObject({ contentType: 'application/pdf', sizeBytes: PDF.length });
    const data = parking({ harLakarintyg: true, lakarintyg: file.id });
    await ok('sundsvall', anna, 'mutation($id: ID!, $data: JSON!) { saveFormDraft(draftId: $id, data: $data) { id } }', {
      id: draft.id,
      data,
    });

    const idempotencyKey = randomUUID();
    const { submitForm: receipt } = await ok('sundsvall', anna, SUBMIT, { input: { draftId: draft.id, data, idempotencyKey } });
    expect(receipt).toMatchObject({
      errandNumber: `PTS-${year}-000001`,
      formSlug: 'parkeringstillstand',
      formVersion: '1.1',
      status: 'decided',
      tenant: { slug: 'sundsvall', names: { sv: 'Sundsvalls kommun' } },
      attachments: [{ id: file.id, fileName: 'lakarintyg.pdf', contentType: 'application/pdf', sha256: file.sha256 }],
      decision: {
        outcome: 'approve',
        automated: true,
        reasons: [{ ruleId: 'bifall-intyg-varaktig', legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' } }],
        legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
      },
    });
    expect(receipt.answers).toContainEqual({
      field: 'harLakarintyg',
      label: { sv: 'Bifogar du ett läkarintyg?' },
      value: { sv: 'Ja', en: 'Yes' },
    });

    const { formReceipt } = await ok('sundsvall', anna, `query($id: ID!) { formReceipt(submissionId: $id) { errandNumber pdfBase64 } }`, {
      id: receipt.submissionId,
    });
    const pdf = Buffer.from(formReceipt.pdfBase64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await PDFDocument.load(pdf)).getTitle()).toBe(`Kvittens ${receipt.errandNumber}`);

    const events = await sql('sundsvall', `SELECT type, data FROM outbox_event WHERE subject = $1 ORDER BY occurred_at, type DESC`, [
      receipt.submissionId,
    ]);
    expect(events.map((e: any) => e.type)).toEqual([EVENT_TYPES.formSubmissionReceived, EVENT_TYPES.formDecisionMade]);
    expect(events[0].data).toMatchObject({
      submissionId: receipt.submissionId,
      errandNumber: receipt.errandNumber,
      formSlug: 'parkeringstillstand',
      formVersion: '1.1',
      unit: 'socialtjanst',
      subjectKind: 'person',
    });
    expect(events[0].data.subjectPartyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(events)).not.toContain('199001019802');
    expect(events[1].data).toMatchObject({ outcome: 'approval', automated: true, reasons: [{ ruleId: 'bifall-intyg-varaktig' }] });
    // The worker delivers them (to every service's handlers) without failing.
    await api.dispatchEvents();
    expect(
      await sql('sundsvall', `SELECT count(*)::int AS n FROM outbox_event WHERE subject = $1 AND published_at IS NULL`, [
        receipt.submissionId,
      ]),
    ).toEqual([{ n: 0 }]);

    // A replay, and a concurrent burst with one key, give back the one receipt.
    const before = await counts('sundsvall');
    const replay = await ok('sundsvall', anna, SUBMIT, { input: { draftId: draft.id, data, idempotencyKey } });
    expect(replay.submitForm).toEqual(receipt);
    const burstKey = randomUUID();
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        ok('sundsvall', anna, SUBMIT, { input: { formSlug: 'parkeringstillstand', data: parking(), idempotencyKey: burstKey } }),
      ),
    );
    expect(new Set(burst.map((b) => b.submitForm.errandNumber)).size).toBe(1);
    expect(burst[0].submitForm).toMatchObject({ status: 'manual_handling', decision: null });
    const after = await counts('sundsvall');
    expect(after.submissions - before.submissions).toBe(1);
    const conflict = await fails('sundsvall', anna, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: parking({ gangstrackaMeter: 41 }), idempotencyKey: burstKey },
    });
    expect(conflict.extensions.code).toBe('CONFLICT');
  });

  it('answers bad input precisely, in Swedish or English, and leaves no partial record', async () => {
    const anna = citizen();
    const before = await counts('sundsvall');
    const invalid = await fails('sundsvall', anna, SUBMIT, {
      input: {
        formSlug: 'parkeringstillstand',
        data: { ...parking({ roll: 'passagerare', gangstrackaMeter: 'långt' }), lösenord: 'x' },
        idempotencyKey: randomUUID(),
      },
      language: 'en',
    });
    expect(invalid).toMatchObject({ message: 'The form has 3 error(s)', extensions: { code: 'SUBMISSION_INVALID' } });
    expect(invalid.extensions.details).toEqual([
      { path: '/behovAvHjalp', message: 'This field is required' },
      { path: '/gangstrackaMeter', message: 'Wrong type: must be a whole number' },
      { path: '/lösenord', message: 'Unknown field: the form has no such field' },
    ]);
    const conditional = await fails('sundsvall', anna, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: parking({ harLakarintyg: true }), idempotencyKey: randomUUID() },
    });
    expect(conditional.extensions).toEqual({
      code: 'SUBMISSION_INVALID',
      details: [{ path: '/lakarintyg', message: 'Fältet måste fyllas i' }],
    });
    const notObject = await fails('sundsvall', anna, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: [1, 2], idempotencyKey: randomUUID() },
    });
    expect(notObject.extensions.details).toEqual([{ path: '', message: 'Svaren ska vara ett objekt med ett värde per fält' }]);

    const { startFormDraft: draft } = await ok('sundsvall', anna, 'mutation { startFormDraft(formSlug: "parkeringstillstand") { id } }');
    const upload = (fileName: string, bytes: Buffer) =>
      fails('sundsvall', anna, 'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id } }', {
        input: { draftId: draft.id, field: 'lakarintyg', fileName, contentBase64: bytes.toString('base64') },
      });
    expect((await upload('intyg.pdf', PNG)).extensions.code).toBe('ATTACHMENT_DISGUISED');
    expect((await upload('intyg.pdf', Buffer.concat([PDF, Buffer.alloc(700_001 - PDF.length)]))).extensions).toEqual({
      code: 'ATTACHMENT_TOO_LARGE',
      details: { sizeBytes: 700_001, maxBytes: 700_000 },
    });

    const otherTenant = await fails('ange', anna, SUBMIT, { input: { formSlug: 'skolval', data: {}, idempotencyKey: randomUUID() } });
    expect(otherTenant.extensions.code).toBe('FORM_NOT_FOUND');
    const otherDraft = await fails('ange', anna, SUBMIT, { input: { draftId: draft.id, data: parking(), idempotencyKey: randomUUID() } });
    expect(otherDraft.extensions.code).toBe('DRAFT_NOT_FOUND');
    const noTenant = await fails(undefined, anna, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: parking(), idempotencyKey: randomUUID() },
    });
    expect(noTenant.extensions.code).toBe('TENANT_REQUIRED');
    const anonymous = await fails('sundsvall', undefined, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: parking(), idempotencyKey: randomUUID() },
    });
    expect(anonymous.extensions.code).toBe('LOGIN_REQUIRED');

    const after = await counts('sundsvall');
    expect({ ...after, attachments: after.attachments - before.attachments }).toEqual({ ...before, attachments: 0 });
  });

  it('takes anonymous enquiries where the form allows them', async () => {
    const { submitForm } = await ok('sundsvall', undefined, SUBMIT, {
      input: {
        formSlug: 'bygglov-forfragan',
        data: {
          fastighetsbeteckning: 'Sundsvall Norrmalm 3:12',
          atgard: 'attefall',
          beskrivning: 'Ett attefallshus på 25 kvm.',
          namn: 'Kim',
          svarsform: 'epost',
          epost: 'kim@example.se',
        },
        idempotencyKey: randomUUID(),
      },
    });
    expect(submitForm).toMatchObject({ errandNumber: `BYG-${year}-000001`, status: 'received' });
  });

  it('lets an admin create and retire a form; a retired form takes no submissions', async () => {
    const admin = staff('sundsvall', ['tenant_admin']);
    const { publishedForm } = await ok('sundsvall', undefined, '{ publishedForm(slug: "skolval") { definition } }');
    await ok('sundsvall', admin, 'mutation($input: CreateFormInput!) { createForm(input: $input) { slug } }', {
      input: { slug: 'skolval-hosttermin', unit: 'skola', definition: publishedForm.definition, changelog: 'Höstterminen' },
    });
    await ok('sundsvall', admin, 'mutation { publishFormVersion(formSlug: "skolval-hosttermin", version: "1.0") { status } }');
    const bad = await fails('sundsvall', admin, 'mutation($input: CreateFormInput!) { createForm(input: $input) { slug } }', {
      input: {
        slug: 'trasig',
        unit: 'skola',
        definition: { ...publishedForm.definition, conditions: [{ field: 'sprak', showWhen: { eval: 'x' } }] },
        changelog: 'x',
      },
    });
    expect(bad.extensions).toEqual({
      code: 'FORM_DEFINITION_INVALID',
      details: [{ path: '/conditions/0/showWhen/eval', message: 'unknown or disallowed JSON Logic operator "eval"' }],
    });
    const immutable = await fails(
      'sundsvall',
      admin,
      'mutation { updateFormVersion(input: { formSlug: "skolval-hosttermin", version: "1.0", changelog: "x" }) { status } }',
    );
    expect(immutable.extensions.code).toBe('FORM_VERSION_IMMUTABLE');
    await ok('sundsvall', admin, 'mutation { retireFormVersion(formSlug: "skolval-hosttermin", version: "1.0") { status } }');
    const retired = await fails('sundsvall', citizen(), SUBMIT, {
      input: { formSlug: 'skolval-hosttermin', data: {}, idempotencyKey: randomUUID() },
    });
    expect(retired.extensions.code).toBe('FORM_VERSION_RETIRED');
    // Staff of another municipality cannot touch Sundsvall's forms; citizens cannot administer.
    expect((await gql('sundsvall', staff('timra', ['tenant_admin']), '{ adminForms { slug } }')).status).toBe(403);
    expect((await gql('sundsvall', citizen(), '{ adminForms { slug } }')).status).toBe(403);
  });

  it("shows case workers their unit's submissions and records their decisions", async () => {
    const social = staff('sundsvall', ['case_worker'], 'socialtjanst');
    const formSubmissions = (
      await ok('sundsvall', social, '{ formSubmissions(status: manual_handling) { nodes { id errandNumber formSlug status } } }')
    ).formSubmissions.nodes;
    expect(formSubmissions.length).toBeGreaterThan(0);
    expect(new Set(formSubmissions.map((s: any) => s.formSlug))).toEqual(new Set(['parkeringstillstand']));
    expect(
      (await ok('sundsvall', staff('sundsvall', ['case_worker'], 'skola'), '{ formSubmissions { nodes { id } endCursor hasNextPage } }'))
        .formSubmissions,
    ).toEqual({ nodes: [], endCursor: null, hasNextPage: false });
    const target = formSubmissions[0].id;
    await ok(
      'sundsvall',
      social,
      'mutation($id: ID!) { requestFormCompletion(submissionId: $id, message: { sv: "Bifoga läkarintyg.", en: "Attach a certificate." }) { status } }',
      { id: target },
    );
    const { decideFormSubmission } = await ok(
      'sundsvall',
      social,
      'mutation($input: DecideFormSubmissionInput!) { decideFormSubmission(input: $input) { status decision { outcome automated reasons { text { sv } } } } }',
      {
        input: {
          submissionId: target,
          outcome: 'reject',
          reason: { sv: 'Läkarintyg saknas.', en: 'No medical certificate.' },
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
        },
      },
    );
    expect(decideFormSubmission).toEqual({
      status: 'decided',
      decision: { outcome: 'reject', automated: false, reasons: [{ text: { sv: 'Läkarintyg saknas.' } }] },
    });
    const types = (await sql('sundsvall', `SELECT type FROM outbox_event WHERE subject = $1 ORDER BY occurred_at`, [target])).map(
      (e: any) => e.type,
    );
    expect(types).toEqual([EVENT_TYPES.formSubmissionReceived, EVENT_TYPES.formCompletionRequested, EVENT_TYPES.formDecisionMade]);
  });

  it('walks the documented parking-permit flow: receipt notice, completion with a certificate, Mina sidor back to the municipality, a decision with validity and its document', async () => {
    const personnummer = '198112289874';
    const resident = citizen(personnummer);
    const social = staff('sundsvall', ['case_worker'], 'socialtjanst');
    const earlier = (
      await ok('sundsvall', resident, SUBMIT, {
        input: { formSlug: 'parkeringstillstand', data: { ...parking(), harLakarintyg: false }, idempotencyKey: randomUUID() },
      })
    ).submitForm;
    await api.dispatchEvents();
    const { submitForm } = await ok('sundsvall', resident, SUBMIT, {
      input: { formSlug: 'parkeringstillstand', data: { ...parking(), harLakarintyg: false }, idempotencyKey: randomUUID() },
    });
    expect(submitForm.status).toBe('manual_handling');
    await api.dispatchEvents();
    // The form says `notifications: on received` by digital mail to the applicant, and Sundsvall uses digital mail.
    const notices = await sql('sundsvall', `SELECT subject FROM mail_message WHERE external_references->>'submissionId' = $1`, [
      submitForm.submissionId,
    ]);
    expect(notices).toEqual([{ subject: `Vi har tagit emot ditt ärende: ${submitForm.errandNumber}` }]);
    // Mina sidor lists it for the resident (their own notices only, in the municipality addressed).
    const myNotices = async (authorization: string) =>
      (
        (await ok('sundsvall', authorization, '{ myNotices { subject errandNumber sentAt status } }')).myNotices as Array<{
          errandNumber: string;
        }>
      ).filter((n) => n.errandNumber === submitForm.errandNumber);
    expect(await myNotices(resident)).toEqual([
      {
        subject: `Vi har tagit emot ditt ärende: ${submitForm.errandNumber}`,
        errandNumber: submitForm.errandNumber,
        sentAt: expect.any(String),
        status: expect.any(String),
      },
    ]);
    expect(await myNotices(citizen('199001019802'))).toEqual([]);

    // The case worker pages through the unit's submissions and finds it on the first page.
    const page = (await ok('sundsvall', social, '{ formSubmissions(first: 1) { nodes { id } endCursor hasNextPage } }')).formSubmissions;
    expect(page).toEqual({ nodes: [{ id: submitForm.submissionId }], endCursor: expect.any(String), hasNextPage: true });
    const next = (
      await ok('sundsvall', social, 'query($after: String) { formSubmissions(first: 1, after: $after) { nodes { id } } }', {
        after: page.endCursor,
      })
    ).formSubmissions;
    expect(next.nodes).toEqual([{ id: earlier.submissionId }]);
    expect((await fails('sundsvall', social, '{ formSubmissions(first: 1000) { nodes { id } } }')).extensions.code).toBe(
      'VALIDATION_FAILED',
    );

    await ok(
      'sundsvall',
      social,
      'mutation($id: ID!) { requestFormCompletion(submissionId: $id, message: { sv: "Bifoga läkarintyg.", en: "Attach a certificate." }) { status } }',
      { id: submitForm.submissionId },
    );
    await api.dispatchEvents();
    const myCase = async () =>
      (
        await ok(
          undefined,
          resident,
          '{ myCases { nodes { errandNumber whoseTurn status { label { sv } } decisions { validFrom validTo documents { name url } } } } }',
        )
      ).myCases.nodes.find((c: any) => c.errandNumber === submitForm.errandNumber);
    expect((await myCase()).status.label.sv).toBe('Komplettering behövs');

    // The certificate is uploaded to the submission itself (it has no draft) and given as the completion.
    const { uploadFormAttachment } = await ok(
      'sundsvall',
      resident,
      'mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id fileName } }',
      {
        input: {
          submissionId: submitForm.submissionId,
          field: 'lakarintyg',
          fileName: 'lakarintyg.pdf',
          contentBase64: PDF.toString('base64'),
        },
      },
    );
    const { provideFormCompletion } = await ok(
      'sundsvall',
      resident,
      `mutation($id: ID!, $data: JSON!) { provideFormCompletion(submissionId: $id, data: $data) { status attachments { id fileName } } }`,
      {
        id: submitForm.submissionId,
        data: { ...parking(), harLakarintyg: true, lakarintyg: uploadFormAttachment.id },
      },
    );
    expect(provideFormCompletion).toEqual({
      status: 'received',
      attachments: [{ id: uploadFormAttachment.id, fileName: 'lakarintyg.pdf' }],
    });
    await api.dispatchEvents();
    expect(await myCase()).toMatchObject({ whoseTurn: 'MUNICIPALITY', status: { label: { sv: 'Inskickat' } } });

    // The case worker writes to the resident on the errand's Mina sidor case; the resident reads it there. Another unit cannot.
    const caseOf = async (authorization: string) =>
      (
        await ok('sundsvall', authorization, 'query($id: ID!) { staffCaseOfSubmission(submissionId: $id) { id errandNumber } }', {
          id: submitForm.submissionId,
        })
      ).staffCaseOfSubmission;
    const errandCase = await caseOf(social);
    expect(errandCase).toEqual({ id: expect.any(String), errandNumber: submitForm.errandNumber });
    expect(await caseOf(staff('sundsvall', ['case_worker'], 'skola'))).toBeNull();
    const MESSAGE = 'mutation($id: ID!, $body: String!) { messageResident(caseId: $id, body: $body) { messages { author body } } }';
    expect(
      (await ok('sundsvall', social, MESSAGE, { id: errandCase.id, body: 'Tack, intyget är mottaget.' })).messageResident.messages,
    ).toEqual([{ author: 'MUNICIPALITY', body: 'Tack, intyget är mottaget.' }]);
    expect(
      (await fails('sundsvall', staff('sundsvall', ['case_worker'], 'skola'), MESSAGE, { id: errandCase.id, body: 'Hej' })).extensions.code,
    ).toBe('NOT_FOUND');
    const thread = (
      await ok(undefined, resident, 'query($id: ID!) { myCase(id: $id) { messages { author body } } }', { id: errandCase.id })
    ).myCase.messages;
    expect(thread).toEqual([{ author: 'MUNICIPALITY', body: 'Tack, intyget är mottaget.' }]);

    // The case worker downloads the certificate; another unit, another municipality and the resident get nothing here.
    const file = (authorization: string, tenant = 'sundsvall') =>
      api.app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'GET',
          url: `/e-forms/submissions/${submitForm.submissionId}/attachments/${uploadFormAttachment.id}`,
          headers: { authorization, 'x-kommuna-tenant': tenant },
        });
    const certificate = await file(social);
    expect([certificate.statusCode, certificate.headers['content-type'], certificate.headers['cache-control']]).toEqual([
      200,
      'application/pdf',
      'private, no-store',
    ]);
    expect(certificate.rawPayload.equals(PDF)).toBe(true);
    expect((await file(staff('sundsvall', ['case_worker'], 'skola'))).statusCode).toBe(404);
    expect((await file(staff('timra', ['case_worker'], 'socialtjanst'), 'timra')).statusCode).toBe(404);
    expect((await file(resident)).statusCode).toBe(403);
    expect(
      await sql(
        'sundsvall',
        `SELECT actor, details->>'attachmentId' AS "attachmentId" FROM audit_log WHERE action = 'eforms.attachment.read' AND target_id = $1`,
        [submitForm.submissionId],
      ),
    ).toEqual([{ actor: expect.stringContaining('sundsvall-case_worker-socialtjanst'), attachmentId: uploadFormAttachment.id }]);

    const invalid = await fails(
      'sundsvall',
      social,
      'mutation($input: DecideFormSubmissionInput!) { decideFormSubmission(input: $input) { status } }',
      {
        input: {
          submissionId: submitForm.submissionId,
          outcome: 'approve',
          reason: { sv: 'Styrkt.', en: 'Established.' },
          validFrom: '2026-06-01',
          validTo: '2026-05-31',
        },
      },
    );
    expect(invalid.extensions.code).toBe('VALIDATION_FAILED');
    const { decideFormSubmission } = await ok(
      'sundsvall',
      social,
      'mutation($input: DecideFormSubmissionInput!) { decideFormSubmission(input: $input) { decision { id validFrom validTo documentUrl } } }',
      {
        input: {
          submissionId: submitForm.submissionId,
          outcome: 'approve',
          reason: { sv: 'Behovet är styrkt.', en: 'The need is established.' },
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
          validFrom: '2026-06-01',
          validTo: '2029-05-31',
        },
      },
    );
    const decision = decideFormSubmission.decision;
    expect(decision).toEqual({
      id: expect.any(String),
      validFrom: '2026-06-01',
      validTo: '2029-05-31',
      documentUrl: `/e-forms/decisions/${decision.id}/document.pdf`,
    });
    await api.dispatchEvents();
    expect((await myCase()).decisions).toEqual([
      {
        validFrom: '2026-06-01',
        validTo: '2029-05-31',
        documents: [{ name: `Beslut ${submitForm.errandNumber}.pdf`, url: decision.documentUrl }],
      },
    ]);

    // The link serves the PDF to the resident and the unit, and to nobody else.
    const get = (authorization: string, tenant = 'sundsvall') =>
      api.app
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'GET', url: decision.documentUrl, headers: { authorization, 'x-kommuna-tenant': tenant } });
    const pdf = await get(resident);
    expect([pdf.statusCode, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
    expect((await PDFDocument.load(pdf.rawPayload)).getTitle()).toBe(`Beslut ${submitForm.errandNumber}`);
    expect((await get(social)).statusCode).toBe(200);
    expect((await get(citizen('199001019802'))).statusCode).toBe(404);
    expect((await get(staff('sundsvall', ['case_worker'], 'skola'))).statusCode).toBe(404);
    expect((await get(resident, 'timra')).statusCode).toBe(404);
    expect((await get(staff('sundsvall', ['tenant_admin']))).statusCode).toBe(403);
  });

  it('lets another municipality adopt the template and see when it has a newer version', async () => {
    const sundsvallAdmin = staff('sundsvall', ['tenant_admin']);
    const timraAdmin = staff('timra', ['tenant_admin']);
    const { formTemplates } = await ok('timra', timraAdmin, '{ formTemplates { publisher slug version title { sv } } }');
    expect(formTemplates).toEqual([
      {
        publisher: 'sundsvall',
        slug: 'parkeringstillstand',
        version: '1.0',
        title: { sv: 'Ansök om parkeringstillstånd för rörelsehindrade' },
      },
    ]);
    const { adoptFormTemplate } = await ok(
      'timra',
      timraAdmin,
      'mutation { adoptFormTemplate(input: { publisher: "sundsvall", templateSlug: "parkeringstillstand" }) { slug unit versions { version status template { version } } } }',
    );
    expect(adoptFormTemplate).toEqual({
      slug: 'parkeringstillstand',
      unit: 'socialtjanst',
      versions: [{ version: '1.0', status: 'draft', template: { version: '1.0' } }],
    });
    const updates = () =>
      ok('timra', timraAdmin, '{ formTemplateUpdates { formSlug adoptedVersion latestVersion newerVersionAvailable } }');
    expect((await updates()).formTemplateUpdates).toEqual([
      { formSlug: 'parkeringstillstand', adoptedVersion: '1.0', latestVersion: '1.0', newerVersionAvailable: false },
    ]);
    // Sundsvall shares its current version (1.1, published in the path above).
    await ok('sundsvall', sundsvallAdmin, 'mutation { publishFormTemplate(formSlug: "parkeringstillstand") { version } }');
    expect((await updates()).formTemplateUpdates).toEqual([
      { formSlug: 'parkeringstillstand', adoptedVersion: '1.0', latestVersion: '1.1', newerVersionAvailable: true },
    ]);
    const ange = await ok('ange', staff('ange', ['tenant_admin']), '{ formTemplateUpdates { newerVersionAvailable } }');
    expect(ange.formTemplateUpdates).toEqual([{ newerVersionAvailable: true }]);
  });
});
