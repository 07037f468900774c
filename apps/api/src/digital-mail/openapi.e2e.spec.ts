import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { REPO_ROOT, startTestApi, systemToken, useTestApi } from '../testing/test-api';
import { DocumentedRoutes, documentedRoutes } from '../testing/openapi-answers';
import { DIGITAL_MAIL_OPENAPI } from './openapi';

/**
 * The digital mail REST document against what the routes answer: every status a municipal system
 * can meet, each live answer validated against the document it fetched (ajv, JSON Schema
 * 2020-12), and a client generated from the document with openapi-typescript's defaults that
 * compiles and types what the api requires and returns.
 */
describe('the digital mail OpenAPI document', () => {
  // The flood below is one client's: a low per-client budget, a high one for the municipality.
  const api = useTestApi(() => startTestApi({ env: { KOMMUNA_RATE_LIMIT_PER_CLIENT: '20', KOMMUNA_RATE_LIMIT_PER_TENANT: '10000' } }));
  let routes: DocumentedRoutes;
  beforeAll(async () => {
    routes = await documentedRoutes(api.app, '/digital-mail/openapi.json');
  });
  const ask: DocumentedRoutes['ask'] = (...request) => routes.ask(...request);

  const serviceAccount = (slug: string, sub?: string) => systemToken(api.realm, slug, sub);
  const letter = { recipient: '199001019802', subject: 'Beslut om bygglov', body: 'Ditt bygglov är beviljat.' };

  const send = (token: string | undefined, body: unknown, tenant = 'sundsvall', headers: Record<string, string> = {}) =>
    ask('POST', '/digital-mail/messages', { token, tenant, body, headers });

  it('is the document the api serves', () => {
    expect(routes.document).toEqual(JSON.parse(JSON.stringify(DIGITAL_MAIL_OPENAPI)));
  });

  it('declares every answer of a send and a read, with the fields they carry', async () => {
    const token = serviceAccount('sundsvall');
    const sent = await send(token, { ...letter, bodyFormat: 'HTML', body: '<p>Hej</p>', language: 'en' });
    expect(sent.status).toBe(202);
    expect(sent.json()).toMatchObject({ bodyFormat: 'HTML', language: 'en', sendBatchId: null });
    const read = await ask('GET', `/digital-mail/messages/${sent.json().id}`, { token, tenant: 'sundsvall' });
    expect(read.status).toBe(200);
    expect((await ask('GET', '/digital-mail/messages/00000000-0000-0000-0000-000000000000', { token, tenant: 'sundsvall' })).status).toBe(
      404,
    );
  });

  it('declares every refusal, in the documented error shape', async () => {
    const token = serviceAccount('sundsvall');
    expect((await send(token, { ...letter, recipient: '199001019801' })).json().code).toBe('INVALID_RECIPIENT');
    expect((await send(token, { subject: '' })).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: expect.any(Array) },
    });
    // A body that is not JSON: the same shape, not the framework's.
    const broken = await send(token, '{"recipient":');
    expect(broken.status).toBe(400);
    expect(broken.json()).toEqual({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: expect.any(String) });

    const anonymous = await send(undefined, letter);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="kommuna"');
    const forged = await send('not-a-token', letter);
    expect(forged.status).toBe(401);
    expect(forged.headers['www-authenticate']).toBe('Bearer realm="kommuna", error="invalid_token"');
    expect((await send(serviceAccount('timra'), letter)).status).toBe(403);

    await send(token, letter, 'sundsvall', { 'idempotency-key': 'openapi-1' });
    expect((await send(token, { ...letter, subject: 'Annat' }, 'sundsvall', { 'idempotency-key': 'openapi-1' })).status).toBe(409);
    expect((await send(serviceAccount('harnosand'), letter, 'harnosand')).json().code).toBe('SERVICE_NOT_ENABLED');

    const plain = await ask('POST', '/digital-mail/messages', {
      token,
      tenant: 'sundsvall',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.json().code).toBe('CSRF_REJECTED');
    const xml = await ask('POST', '/digital-mail/messages', {
      token,
      tenant: 'sundsvall',
      body: '<x/>',
      headers: { 'content-type': 'application/xml', 'x-kommuna-csrf': '1' },
    });
    expect(xml.status).toBe(415);
    const huge = await send(token, { ...letter, body: 'x'.repeat(13 * 1024 * 1024) });
    expect(huge.status).toBe(413);

    const greedy = serviceAccount('sundsvall', 'service-account-sundsvall-greedy');
    let last = await ask('GET', '/digital-mail/messages/00000000-0000-0000-0000-000000000000', { token: greedy, tenant: 'sundsvall' });
    for (let i = 0; i < 25 && last.status !== 429; i++)
      last = await ask('GET', '/digital-mail/messages/00000000-0000-0000-0000-000000000000', { token: greedy, tenant: 'sundsvall' });
    expect(last.status).toBe(429);
  });

  it('generates, with openapi-typescript’s defaults, a client that compiles: defaults optional in requests, answers complete', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-openapi-'));
    try {
      fs.writeFileSync(path.join(dir, 'digital-mail.json'), JSON.stringify(routes.document));
      const generator = path.join(REPO_ROOT, 'node_modules/.bin/openapi-typescript');
      await promisify(execFile)(generator, [path.join(dir, 'digital-mail.json'), '-o', path.join(dir, 'digital-mail.ts')]);
      const client = path.join(dir, 'client.ts');
      fs.writeFileSync(
        client,
        [
          `import type { components, paths } from './digital-mail';`,
          `type Message = paths['/digital-mail/messages']['post']['responses'][202]['content']['application/json'];`,
          `type Problem = paths['/digital-mail/messages']['post']['responses'][401]['content']['application/json'];`,
          // Only what the api requires: a default is no reason to send a property.
          `export const minimal: components['schemas']['SendMessage'] = { recipient: '199001019802', subject: 'Beslut', body: 'Text', attachments: [{ filename: 'a.pdf', contentBase64: 'JVBERi0=' }] };`,
          // What every answer carries is not optional.
          `export function read(m: Message, p: Problem): [string, string, 'TEXT' | 'HTML', string | null, string, string] { return [m.id, m.status, m.bodyFormat, m.sendBatchId, p.code, p.message]; }`,
        ].join('\n'),
      );
      const program = ts.createProgram([client], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
