import { createPublicKey, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { SignJWT } from 'jose';
import { ApiError, Behorighetskontext, HamtaBehorigheterResponse, HamtaFullmakterResponse, JwkSet } from '@kommuna/minasidor';
import { RunningSimulator, startSimulator } from '../simulator';
import { MINASIDOR_AUTHORISATION } from './demo-data';
import { createMinaOmbudSimulator, DEFAULT_CLIENT } from './simulator';

/**
 * The Mina ombud simulator as a client meets it over HTTP: answers checked against the published
 * API's structure (the contract in @kommuna/minasidor), signatures checked with node:crypto alone
 * (an independent verifier: base64url(header) . base64url(RFC 8785 JSON), RS256), and the
 * requests it refuses.
 */
const LENA = '196502029884';
const SUNDSVALL = '2120002411';
const TIMRA = '2120002395';
const API = '/mina-ombud/dfm/formedlare/v2';

const consumerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ minaOmbud: { idTokenKeys: [consumerKey.publicKey.export({ format: 'jwk' }) as never] } });
});
afterAll(() => simulator.close());
beforeEach(() =>
  fetch(`${simulator.url}/mina-ombud/_control`, { method: 'POST', body: JSON.stringify({ answerFault: 'none', failNextRequests: 0 }) }),
);

async function accessToken(secret: string = DEFAULT_CLIENT.secret): Promise<Response> {
  return fetch(`${simulator.url}/mina-ombud/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEFAULT_CLIENT.id,
      client_secret: secret,
      scope: 'user:self',
    }),
  });
}

async function idToken(personnummer: string, key: KeyObject = consumerKey.privateKey): Promise<string> {
  return new SignJWT({ 'https://claims.oidc.se/1.0/personalNumber': personnummer })
    .setProtectedHeader({ alg: 'RS256' })
    .setAudience('mina-ombud')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

async function search(path: string, body: unknown, options: { idToken?: string; token?: string; serviceName?: string } = {}) {
  const token = options.token ?? ((await (await accessToken()).json()) as { access_token: string }).access_token;
  const response = await fetch(`${simulator.url}${API}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-service-name': options.serviceName ?? 'kommuna-minasidor',
      'x-id-token': options.idToken ?? (await idToken(LENA)),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Independent of jose: the JWS signing input rebuilt by hand and checked with node:crypto. */
function verifiesWith(signed: Record<string, any>, key: KeyObject): boolean {
  const { _sig, ...content } = signed;
  const input = `${_sig.protected}.${Buffer.from(canonicalize(content) as string).toString('base64url')}`;
  return createVerify('RSA-SHA256').update(input).verify(key, Buffer.from(_sig.signature, 'base64url'));
}

async function publishedKey(tredjeman: string): Promise<{ key: KeyObject; kid: string }> {
  const response = await fetch(`${simulator.url}${API}/tredjeman/${tredjeman}/jwks`);
  const set = JwkSet.parse(await response.json());
  return { key: createPublicKey({ key: set.keys[0] as never, format: 'jwk' }), kid: set.keys[0].kid as string };
}

const lenasQuery = {
  tredjeman: SUNDSVALL,
  fullmaktshavare: { id: LENA, typ: 'pnr' },
  fullmaktsgivarroll: ['ORGANISATION'],
  page: { page: 0, size: 100 },
};

describe('Mina ombud simulator', () => {
  it('answers /sok/behorigheter with contexts of the published shape, each signed over its canonical JSON with a key of the JWKS', async () => {
    const { status, body } = await search('/sok/behorigheter', lenasQuery);
    expect(status).toBe(200);
    const answer = HamtaBehorigheterResponse.parse(body);
    expect(answer.kontext).toHaveLength(1);
    const context = Behorighetskontext.parse(answer.kontext[0]);
    expect(context).toMatchObject({
      tredjeman: SUNDSVALL,
      fullmaktsgivare: { id: '5560160680', typ: 'orgnr', namn: 'Demobolaget AB' },
      fullmaktsgivarroll: 'ORGANISATION',
      fullmaktshavare: [{ id: LENA, typ: 'pnr' }],
      behorigheter: [{ kod: MINASIDOR_AUTHORISATION.kod }],
    });
    const { key, kid } = await publishedKey(SUNDSVALL);
    expect(JSON.parse(Buffer.from(context._sig.protected, 'base64url').toString())).toEqual({ alg: 'RS256', kid });
    expect(verifiesWith(answer.kontext[0] as never, key)).toBe(true);
    // The signature covers the content: one changed character and it no longer verifies.
    expect(verifiesWith({ ...(answer.kontext[0] as object), tidpunkt: '2020-01-01T00:00:00Z' }, key)).toBe(false);
  });

  it('holds a power of attorney only towards its third party, and answers /sok/fullmakter with list items of the published shape', async () => {
    expect((await search('/sok/behorigheter', { ...lenasQuery, tredjeman: TIMRA })).body.kontext).toEqual([]);
    const listed = await search('/sok/fullmakter', { fullmaktshavare: { id: LENA, typ: 'pnr' }, tredjeman: [SUNDSVALL, TIMRA] });
    expect(listed.status).toBe(200);
    const answer = HamtaFullmakterResponse.parse(listed.body);
    expect(answer.fullmakter.map((f) => [f.tredjeman, f.status, f.fullmaktsgivare.id])).toEqual([[SUNDSVALL, 'GILTIG', '5560160680']]);
  });

  it('refuses a wrong client secret, a missing or foreign id token, another person’s search and a malformed request', async () => {
    expect((await accessToken('wrong')).status).toBe(401);
    const foreign = await search('/sok/behorigheter', lenasQuery, { idToken: await idToken(LENA, strangerKey.privateKey) });
    expect(foreign.status).toBe(401);
    expect(ApiError.parse(foreign.body)).toMatchObject({ instance: 'auth.error' });
    const other = await search('/sok/behorigheter', lenasQuery, { idToken: await idToken('199001019802') });
    expect([other.status, other.body.instance]).toEqual([403, 'anvandare.obehorig']);
    const noToken = await search('/sok/behorigheter', lenasQuery, { token: 'not-issued' });
    expect(noToken.status).toBe(401);
    const malformed = await search('/sok/behorigheter', { ...lenasQuery, tredjeman: '212000-2411' });
    expect([malformed.status, malformed.body.instance, malformed.body.violations[0].path]).toEqual([400, 'validation.client', 'tredjeman']);
    const badService = await search('/sok/behorigheter', lenasQuery, { serviceName: 'Mina sidor!' });
    expect(badService.status).toBe(400);
  });

  it('spoils answers on request: tampered after signing, signed with a key not in the set, stale', async () => {
    const { key } = await publishedKey(SUNDSVALL);
    const answerWith = async (answerFault: string) => {
      await fetch(`${simulator.url}/mina-ombud/_control`, { method: 'POST', body: JSON.stringify({ answerFault }) });
      return (await search('/sok/behorigheter', lenasQuery)).body.kontext[0];
    };
    expect(verifiesWith(await answerWith('tampered'), key)).toBe(false);
    const foreign = await answerWith('unknown_key');
    expect(verifiesWith(foreign, key)).toBe(false);
    const stale = await answerWith('stale');
    expect(verifiesWith(stale, key)).toBe(true);
    expect(Date.now() - Date.parse(stale.tidpunkt)).toBeGreaterThan(30 * 60_000);
  });
});

describe("Mina ombud's validity days", () => {
  it("lets a power of attorney hold from Sweden's midnight, not UTC's", async () => {
    const principal = { id: '194511143030', typ: 'pnr' as const, namn: 'Erik Eriksson' };
    const holder = { id: LENA, typ: 'pnr' as const, namn: 'Lena Lind' };
    const poa = (id: string, giltigFrom: string, giltigTom?: string) => ({
      id,
      referensnummer: `MOP-${id}`,
      rubrik: 'Ombud',
      tredjeman: SUNDSVALL,
      fullmaktsgivare: principal,
      fullmaktsgivarroll: 'PRIVAT' as const,
      fullmaktshavare: [holder],
      behorigheter: [MINASIDOR_AUTHORISATION],
      giltigFrom,
      ...(giltigTom ? { giltigTom } : {}),
    });
    // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
    const minaOmbud = await createMinaOmbudSimulator(
      {
        idTokenKeys: [consumerKey.publicKey.export({ format: 'jwk' }) as never],
        powersOfAttorney: [poa('starts-today', '2026-12-08'), poa('ended-yesterday', '2026-01-01', '2026-12-07')],
      },
      () => new Date('2026-12-07T23:30:00Z'),
    );
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEFAULT_CLIENT.id,
      client_secret: DEFAULT_CLIENT.secret,
    });
    const [, token] = (await minaOmbud.handle('POST', '/mina-ombud/token', {}, form.toString())) as [number, { access_token: string }];
    const [status, answer] = (await minaOmbud.handle(
      'POST',
      `${API}/sok/fullmakter`,
      { authorization: `Bearer ${token.access_token}`, 'x-service-name': 'kommuna-minasidor', 'x-id-token': await idToken(LENA) },
      JSON.stringify({ fullmaktshavare: { id: LENA, typ: 'pnr' } }),
    )) as [number, { fullmakter: Array<{ id: string; status: string }> }];
    expect(status).toBe(200);
    expect(Object.fromEntries(answer.fullmakter.map((f) => [f.id, f.status]))).toEqual({
      'starts-today': 'GILTIG',
      'ended-yesterday': 'HISTORISK',
    });
  });
});
