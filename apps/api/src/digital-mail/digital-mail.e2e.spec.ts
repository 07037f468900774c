import { PDFDocument } from 'pdf-lib';
import { systemToken, useTestApi } from '../testing/test-api';
import { openApiAnswerChecker } from '../testing/openapi-answers';
import { DIGITAL_MAIL_OPENAPI } from './openapi';

// The api as `npm start` builds it: REST for municipal systems, GraphQL for staff. Delivery itself
// is proven in libs/digital-mail against the simulator; here: acceptance, access and errors.
describe('digital mail api', () => {
  const api = useTestApi();

  const serviceAccount = (slug: string) => systemToken(api.realm, slug);
  const staff = (slug: string, roles = ['case_worker']) =>
    api.realm.token({ sub: `staff-${slug}`, realm_access: { roles }, organization: [slug], unit: 'socialtjanst' });
  const checkAnswer = openApiAnswerChecker(JSON.parse(JSON.stringify(DIGITAL_MAIL_OPENAPI)));
  const rest = async (
    method: 'GET' | 'POST',
    url: string,
    token: string | undefined,
    tenant: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const answer = await api.rest(method, url, {
      headers: { 'x-kommuna-tenant': tenant, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: payload,
    });
    // Every answer of the REST routes is as their OpenAPI document says (openapi.e2e.spec.ts covers each status).
    if (url !== '/digital-mail/openapi.json') {
      const problems = checkAnswer({ method, url, status: answer.status, headers: answer.headers, body: answer.raw.toString('utf8') });
      expect({ url, problems }).toEqual({ url, problems: [] });
    }
    return { status: answer.status, body: answer.body };
  };
  const letter = {
    recipient: '199001019802',
    subject: 'Beslut om bygglov',
    body: 'Ditt bygglov är beviljat.',
    externalReferences: { caseId: 'SKM-2025-0042' },
  };

  it('serves its OpenAPI document publicly', async () => {
    const { status, body } = await rest('GET', '/digital-mail/openapi.json', undefined, 'sundsvall');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(['/digital-mail/messages', '/digital-mail/messages/{id}']);
  });

  it('accepts a letter from a service account (202, PENDING) and answers its status', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const pdf = Buffer.from(await doc.save()).toString('base64');
    const { status, body } = await rest('POST', '/digital-mail/messages', serviceAccount('sundsvall'), 'sundsvall', {
      ...letter,
      attachments: [{ filename: 'beslut.pdf', contentBase64: pdf }],
    });
    expect(status).toBe(202);
    expect(body).toMatchObject({
      status: 'PENDING',
      sentBy: 'sundsvall-system',
      sentByKind: 'system',
      externalReferences: { caseId: 'SKM-2025-0042' },
    });
    expect(JSON.stringify(body)).not.toContain('199001019802');
    const read = await rest('GET', `/digital-mail/messages/${body.id}`, serviceAccount('sundsvall'), 'sundsvall');
    expect(read).toMatchObject({ status: 200, body: { id: body.id, status: 'PENDING' } });
    // Another municipality's system does not see it.
    expect((await rest('GET', `/digital-mail/messages/${body.id}`, serviceAccount('timra'), 'timra')).status).toBe(404);
  });

  it('answers bad input with 400 and a code, a reused idempotency key with 409', async () => {
    const token = serviceAccount('sundsvall');
    const invalid = await rest('POST', '/digital-mail/messages', token, 'sundsvall', { ...letter, recipient: '199001019801' });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'INVALID_RECIPIENT' } });
    const unsafe = await rest('POST', '/digital-mail/messages', token, 'sundsvall', {
      ...letter,
      bodyFormat: 'HTML',
      body: '<p onclick="x()">Hej</p>',
    });
    expect(unsafe).toMatchObject({ status: 400, body: { code: 'UNSAFE_HTML', details: { removed: ['p[onclick]'] } } });
    const notPdf = await rest('POST', '/digital-mail/messages', token, 'sundsvall', {
      ...letter,
      attachments: [{ filename: 'x.pdf', contentBase64: Buffer.from('GIF89a....').toString('base64') }],
    });
    expect(notPdf).toMatchObject({ status: 400, body: { code: 'ATTACHMENT_NOT_PDF' } });
    const first = await rest('POST', '/digital-mail/messages', token, 'sundsvall', letter, { 'idempotency-key': 'skm-42' });
    const again = await rest('POST', '/digital-mail/messages', token, 'sundsvall', letter, { 'idempotency-key': 'skm-42' });
    expect(again.body.id).toBe(first.body.id);
    const other = await rest(
      'POST',
      '/digital-mail/messages',
      token,
      'sundsvall',
      { ...letter, subject: 'Annat' },
      { 'idempotency-key': 'skm-42' },
    );
    expect(other).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    // Digital mail is not enabled in Härnösand.
    expect((await rest('POST', '/digital-mail/messages', serviceAccount('harnosand'), 'harnosand', letter)).body).toMatchObject({
      code: 'SERVICE_NOT_ENABLED',
    });
  });

  it('refuses citizens and other municipalities', async () => {
    const citizen = api.realm.token({ sub: 'c', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
    expect((await rest('POST', '/digital-mail/messages', citizen, 'sundsvall', letter)).status).toBe(403);
    expect((await rest('POST', '/digital-mail/messages', serviceAccount('timra'), 'sundsvall', letter)).status).toBe(403);
    expect((await rest('POST', '/digital-mail/messages', undefined, 'sundsvall', letter)).status).toBe(401);
  });

  it('lets case workers send and bulk-send, and tenant admins keep templates, over GraphQL', async () => {
    const admin = { authorization: `Bearer ${staff('timra', ['tenant_admin'])}`, 'x-kommuna-tenant': 'timra' };
    const headers = { authorization: `Bearer ${staff('timra')}`, 'x-kommuna-tenant': 'timra' };
    const sent = await api.graphql(
      `mutation($input: SendDigitalMailInput!) { sendDigitalMail(input: $input) { id status sentByKind department externalReferences { key value } } }`,
      headers,
      { input: { recipient: '197110109878', subject: 'Hej', body: 'Text', externalReferences: [{ key: 'caseId', value: 'T-1' }] } },
    );
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data.sendDigitalMail).toMatchObject({
      status: 'PENDING',
      sentByKind: 'user',
      department: 'socialtjanst',
      externalReferences: [{ key: 'caseId', value: 'T-1' }],
    });

    const template = await api.graphql(
      `mutation { saveDigitalMailTemplate(input: { name: "avgift", subject: { sv: "Avgift {{month}}", en: "Fee {{month}}" }, body: { sv: "Hej {{name}}", en: "Hi {{name}}" } }) { version placeholders department } }`,
      admin,
    );
    expect(template.body.data.saveDigitalMailTemplate).toEqual({ version: 1, placeholders: ['month', 'name'], department: null });

    const bad = await api.graphql(
      `mutation($csv: String!) { createDigitalMailSendBatch(input: { template: { name: "avgift" }, csv: $csv }) { id } }`,
      headers,
      { csv: 'recipient;name;month\n199001019802;Anna;maj\n199001019801;X;maj' },
    );
    expect(bad.body.errors[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ field: 'recipients[1].recipient' }] },
    });

    const batch = await api.graphql(
      `mutation($csv: String!) { createDigitalMailSendBatch(input: { template: { name: "avgift" }, csv: $csv }) { id total accepted pending completed department } }`,
      headers,
      // A quoted field may hold a line break and a doubled quote (it split the row before csv-parse).
      { csv: 'recipient;name;month\n199001019802;"Anna\n""Ankan"" Andersson";maj\n197110109878;Erik;maj' },
    );
    expect(batch.body.errors).toBeUndefined();
    expect(batch.body.data.createDigitalMailSendBatch).toMatchObject({
      total: 2,
      accepted: 0,
      pending: 2,
      completed: false,
      department: 'socialtjanst',
    });
    const progress = await api.graphql(`query($id: ID!) { digitalMailSendBatch(id: $id) { total pending } }`, headers, {
      id: batch.body.data.createDigitalMailSendBatch.id,
    });
    expect(progress.body.data.digitalMailSendBatch).toEqual({ total: 2, pending: 2 });
    const stats = await api.graphql(`{ digitalMailStatistics { department total pending } }`, headers);
    expect(stats.body.data.digitalMailStatistics).toEqual([expect.objectContaining({ department: 'socialtjanst', total: 1, pending: 1 })]);
    expect((await api.graphql(`{ digitalMailStatistics { department total } }`, admin)).body.data.digitalMailStatistics).toEqual([
      expect.objectContaining({ department: 'socialtjanst', total: 1 }),
    ]);
  });

  it('refuses an HTML template whose filled-in link is not https (UNSAFE_LINK), and stores no batch', async () => {
    const admin = { authorization: `Bearer ${staff('sundsvall', ['tenant_admin'])}`, 'x-kommuna-tenant': 'sundsvall' };
    const headers = { authorization: `Bearer ${staff('sundsvall')}`, 'x-kommuna-tenant': 'sundsvall' };
    const saved = await api.graphql(
      `mutation { saveDigitalMailTemplate(input: { name: "lank", bodyFormat: HTML, subject: { sv: "Beslut", en: "Decision" }, body: { sv: "<p><a href=\\"{{lank}}\\">Läs</a></p>", en: "<p><a href=\\"{{lank}}\\">Read</a></p>" } }) { version } }`,
      admin,
    );
    expect(saved.body.errors).toBeUndefined();
    const refused = await api.graphql(
      `mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id } }`,
      headers,
      {
        input: {
          template: { name: 'lank' },
          recipients: [{ recipient: '199001019802', values: [{ key: 'lank', value: 'javascript:alert(document.cookie)' }] }],
        },
      },
    );
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'UNSAFE_LINK',
      details: { problems: [{ field: 'recipients[0].values' }] },
    });
    const preview = await api.graphql(
      `{ digitalMailTemplatePreview(template: { name: "lank" }, values: [{ key: "lank", value: "javascript:alert(1)" }]) { body } }`,
      headers,
    );
    expect(preview.body.errors[0].extensions.code).toBe('UNSAFE_LINK');
    const letters = await api.graphql(`{ digitalMailMessages { id } }`, headers);
    expect(letters.body.data.digitalMailMessages).toEqual([]);
  });

  it('keeps tenant admins out of letters (as out of cases), and case workers without a unit out of everything', async () => {
    const admin = { authorization: `Bearer ${staff('timra', ['tenant_admin'])}`, 'x-kommuna-tenant': 'timra' };
    const noUnit = {
      authorization: `Bearer ${api.realm.token({ sub: 'no-unit', realm_access: { roles: ['case_worker'] }, organization: ['timra'] })}`,
      'x-kommuna-tenant': 'timra',
    };
    for (const who of [admin, noUnit]) {
      const res = await api.graphql(`{ digitalMailMessages { id subject } }`, who);
      expect(res.status).toBe(403);
      expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await api.graphql(`{ digitalMailStatistics { total } }`, noUnit)).status).toBe(403);
    expect((await rest('POST', '/digital-mail/messages', staff('timra', ['tenant_admin']), 'timra', letter)).status).toBe(403);
  });

  it('answers a compiled operation (its second and later use) like the first: omitted defaults stay defaults', async () => {
    const headers = { authorization: `Bearer ${staff('sundsvall')}`, 'x-kommuna-tenant': 'sundsvall' };
    for (let use = 1; use <= 3; use++) {
      const sent = await api.graphql('mutation($input: SendDigitalMailInput!) { sendDigitalMail(input: $input) { bodyFormat } }', headers, {
        input: { recipient: '199001019802', subject: `Brev ${use}`, body: 'Text' },
      });
      expect({ use, errors: sent.body.errors, data: sent.body.data }).toEqual({
        use,
        errors: undefined,
        data: { sendDigitalMail: { bodyFormat: 'TEXT' } },
      });
    }
  });

  it('keeps case workers from changing templates', async () => {
    const res = await api.graphql(
      `mutation { saveDigitalMailTemplate(input: { name: "x", subject: { sv: "s", en: "s" }, body: { sv: "b", en: "b" } }) { id } }`,
      { authorization: `Bearer ${staff('timra')}`, 'x-kommuna-tenant': 'timra' },
    );
    expect(res.status).toBe(403);
  });
});
