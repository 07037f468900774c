import { createPublicKey, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  FlattenedSign,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from 'jose';
import { stockholmDay } from '@kommuna/shared-identifiers';
import { DEMO_POWERS_OF_ATTORNEY, SimulatedParty, SimulatedPowerOfAttorney, THIRD_PARTIES } from './demo-data';

/**
 * A stand-in for Bolagsverket's Mina ombud (digital powers of attorney), speaking its consumer
 * API's shape: a client-credentials token endpoint, POST /sok/behorigheter and /sok/fullmakter
 * (Authorization, X-Service-Name and an X-Id-Token about the end user, checked), and each third
 * party's key set at /tredjeman/{id}/jwks. Authorisation contexts are signed as the real service
 * signs them: a detached JWS (RS256) over the context's RFC 8785 canonical JSON, embedded as
 * `_sig`. Faults for tests: a tampered answer, one signed with a key not in the key set, a stale
 * one, one about another person, slow answers and 503s. Served by the national-party simulator
 * under /mina-ombud.
 */
export const MINA_OMBUD_PREFIX = '/mina-ombud';
/** The consumer API's base path under the prefix, as on the real service (…/dfm/formedlare/v2). */
export const MINA_OMBUD_API_PATH = '/dfm/formedlare/v2';

export type AnswerFault = 'none' | 'tampered' | 'unknown_key' | 'stale' | 'other_holder';

export interface MinaOmbudSimulatorConfig {
  /** Registered clients: client id → secret. */
  clients: Record<string, string>;
  /** Public keys trusted for X-Id-Token (the consumers' registered keys). */
  idTokenKeys: JWK[];
  powersOfAttorney: SimulatedPowerOfAttorney[];
  /** How every authorisation answer is spoiled (tests of the client's checks). */
  answerFault: AnswerFault;
  latencyMs: number;
  /** The next n API requests (token endpoint included) are answered 503. */
  failNextRequests: number;
  /** Lifetime of issued access tokens. */
  tokenLifetimeSeconds: number;
}

/** The simulator's registered client for `npm start` (a real member gets its own from Bolagsverket). */
export const DEFAULT_CLIENT = { id: 'kommuna', secret: 'kommuna-simulator-secret' } as const;

export const DEFAULT_MINA_OMBUD_CONFIG: MinaOmbudSimulatorConfig = {
  clients: { [DEFAULT_CLIENT.id]: DEFAULT_CLIENT.secret },
  idTokenKeys: [],
  powersOfAttorney: DEMO_POWERS_OF_ATTORNEY,
  answerFault: 'none',
  latencyMs: 0,
  failNextRequests: 0,
  tokenLifetimeSeconds: 300,
};

export interface MinaOmbudSearchRecord {
  path: '/sok/behorigheter' | '/sok/fullmakter';
  serviceName: string;
  /** The request body as sent, so contract tests can check what clients send. */
  body: unknown;
  tredjeman: string[];
  holder: string | null;
  principal: string | null;
  status: number;
}

export interface MinaOmbudRecords {
  tokenRequests: number;
  searches: MinaOmbudSearchRecord[];
  keySetRequests: number;
}

export interface MinaOmbudSimulator {
  config: MinaOmbudSimulatorConfig;
  /** The answer to a request under MINA_OMBUD_PREFIX, or undefined when the path is not one of ours. */
  handle(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    raw: string,
  ): Promise<[number, unknown] | undefined>;
  records(): MinaOmbudRecords;
  configure(change: Partial<MinaOmbudSimulatorConfig>): void;
  reset(): void;
}

type Answer = [number, unknown];
interface SigningKey {
  key: CryptoKey;
  kid: string;
  publicJwk: JWK;
}

const SERVICE_NAME = /^[a-zA-Z0-9._-]+$/;
const ORGNR = /^\d{10}$/;
const ROLES = ['PRIVAT', 'ORGANISATION'];
const PERSONAL_NUMBER_CLAIM = 'https://claims.oidc.se/1.0/personalNumber';

/** The public half of a PEM key (private or public), as a JWK the simulator trusts for id tokens. */
export function publicJwkFromPem(pem: string): JWK {
  return createPublicKey(pem).export({ format: 'jwk' }) as JWK;
}

/**
 * `now` is the clock that decides which powers of attorney hold today (tests set it); tokens and
 * answer times use the real clock, as the clients that check them do.
 */
export async function createMinaOmbudSimulator(
  overrides: Partial<MinaOmbudSimulatorConfig> = {},
  now: () => Date = () => new Date(),
): Promise<MinaOmbudSimulator> {
  const config: MinaOmbudSimulatorConfig = { ...DEFAULT_MINA_OMBUD_CONFIG, ...overrides };
  const signing = await newSigningKey();
  // Signs the `unknown_key` fault's answers: a key the published key set never had.
  const stranger = await newSigningKey();
  const tokens = new Map<string, { clientId: string; scope: string; expiresAt: number }>();
  let records: MinaOmbudRecords = emptyRecords();

  const apiError = (status: number, type: string, instance: string, title: string, extra: Record<string, unknown> = {}): Answer => [
    status,
    { type: `urn:dfm:error:${type}`, instance, status, title, timestamp: new Date().toISOString(), ...extra },
  ];

  async function sign(content: Record<string, unknown>, key: SigningKey): Promise<Record<string, unknown>> {
    const payload = new TextEncoder().encode(canonicalize(content) as string);
    const jws = await new FlattenedSign(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.key);
    return { ...content, _sig: { protected: jws.protected, signature: jws.signature } };
  }

  function token(raw: string): Answer {
    const form = new URLSearchParams(raw);
    records.tokenRequests++;
    if (form.get('grant_type') !== 'client_credentials') return [400, { error: 'unsupported_grant_type' }];
    const clientId = form.get('client_id') ?? '';
    if (!clientId || config.clients[clientId] === undefined || config.clients[clientId] !== form.get('client_secret'))
      return [401, { error: 'invalid_client' }];
    const scope = form.get('scope') ?? 'user:self';
    if (!scope.split(' ').every((s) => ['user:self', 'user:any'].includes(s))) return [400, { error: 'invalid_scope' }];
    const accessToken = base64url.encode(randomBytes(32));
    tokens.set(accessToken, { clientId, scope, expiresAt: Date.now() + config.tokenLifetimeSeconds * 1000 });
    return [200, { access_token: accessToken, token_type: 'Bearer', expires_in: config.tokenLifetimeSeconds, scope }];
  }

  /** Authorization, X-Service-Name and X-Id-Token, as the service checks them; the end user's personnummer. */
  async function caller(
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ serviceName: string; personnummer: string } | Answer> {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const bearer = /^Bearer (\S+)$/.exec(header('authorization') ?? '')?.[1];
    const issued = bearer ? tokens.get(bearer) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return apiError(401, 'auth', 'auth.error', 'Missing or expired access token');
    const serviceName = header('x-service-name') ?? '';
    if (!SERVICE_NAME.test(serviceName))
      return apiError(400, 'validation', 'validation.client', 'Invalid request', {
        violations: [{ path: 'X-Service-Name', message: 'must match [a-zA-Z0-9._-]+' }],
      });
    const idToken = header('x-id-token');
    if (!idToken) return apiError(401, 'auth', 'auth.error', 'X-Id-Token is required with scope user:self');
    try {
      // The consumer's registered keys, tried in turn: a registered key need not carry the token's kid.
      const { payload } = await firstVerified(config.idTokenKeys, (key) =>
        jwtVerify(idToken, key, { algorithms: ['RS256'], audience: 'mina-ombud', requiredClaims: ['iat', 'exp', PERSONAL_NUMBER_CLAIM] }),
      );
      const personnummer = payload[PERSONAL_NUMBER_CLAIM];
      if (typeof personnummer !== 'string' || !/^\d{12}$/.test(personnummer)) throw new Error('no personnummer');
      return { serviceName, personnummer };
    } catch {
      return apiError(401, 'auth', 'auth.error', 'X-Id-Token is not valid');
    }
  }

  function identity(value: unknown): { id: string; typ: string } | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, typ } = value as Record<string, unknown>;
    return typeof id === 'string' && id.length > 0 && typeof typ === 'string' && ['pnr', 'orgnr', 'samnr', 'gdnr'].includes(typ)
      ? { id, typ }
      : undefined;
  }

  // A power of attorney's dates are Swedish days (Bolagsverket's): from Swedish midnight, not UTC's an hour or two later.
  const today = () => stockholmDay(now());
  const isValidNow = (poa: SimulatedPowerOfAttorney) =>
    !poa.aterkallad && poa.giltigFrom <= today() && (poa.giltigTom === undefined || today() <= poa.giltigTom);
  const holds = (poa: SimulatedPowerOfAttorney, holder: { id: string; typ: string }) =>
    poa.fullmaktshavare.some((h) => h.id === holder.id && h.typ === holder.typ);

  async function behorigheter(
    body: Record<string, unknown>,
    who: { personnummer: string },
  ): Promise<[Answer, Omit<MinaOmbudSearchRecord, 'path' | 'serviceName' | 'status' | 'body'>]> {
    const holder = identity(body.fullmaktshavare);
    const principal = body.fullmaktsgivare === undefined ? undefined : identity(body.fullmaktsgivare);
    const tredjeman = body.tredjeman;
    const roles = body.fullmaktsgivarroll;
    const codes = body.behorigheter;
    const violations = [
      ...(holder ? [] : [{ path: 'fullmaktshavare', message: 'must be an identity {id, typ}' }]),
      ...(body.fullmaktsgivare !== undefined && !principal ? [{ path: 'fullmaktsgivare', message: 'must be an identity {id, typ}' }] : []),
      ...(typeof tredjeman === 'string' && ORGNR.test(tredjeman) ? [] : [{ path: 'tredjeman', message: 'must be 10 digits' }]),
      ...(roles === undefined || (Array.isArray(roles) && roles.length > 0 && roles.every((r) => ROLES.includes(r as string)))
        ? []
        : [{ path: 'fullmaktsgivarroll', message: 'must be a non-empty list of PRIVAT, ORGANISATION' }]),
      ...(codes === undefined || (Array.isArray(codes) && codes.length > 0 && codes.every((c) => typeof c === 'string'))
        ? []
        : [{ path: 'behorigheter', message: 'must be a non-empty list of codes' }]),
    ];
    const record = {
      tredjeman: typeof tredjeman === 'string' ? [tredjeman] : [],
      holder: holder?.id ?? null,
      principal: principal?.id ?? null,
    };
    if (violations.length > 0 || !holder)
      return [apiError(400, 'validation', 'validation.client', 'Invalid request', { violations }), record];
    if (!THIRD_PARTIES[tredjeman as string]) return [apiError(400, 'basic', 'tredjeman.ogiltig', 'Unknown third party'), record];
    // With scope user:self a person may search only their own authorisations.
    if (holder.typ !== 'pnr' || holder.id !== who.personnummer)
      return [apiError(403, 'auth', 'anvandare.obehorig', 'Not the end user'), record];

    const wantedRoles = (roles as string[] | undefined) ?? ROLES;
    const wantedCodes = codes as string[] | undefined;
    const byPrincipal = new Map<string, SimulatedPowerOfAttorney[]>();
    for (const poa of config.powersOfAttorney) {
      if (poa.tredjeman !== tredjeman || !holds(poa, holder) || !isValidNow(poa) || !wantedRoles.includes(poa.fullmaktsgivarroll)) continue;
      if (principal && (poa.fullmaktsgivare.id !== principal.id || poa.fullmaktsgivare.typ !== principal.typ)) continue;
      const key = `${poa.fullmaktsgivarroll}:${poa.fullmaktsgivare.typ}:${poa.fullmaktsgivare.id}`;
      byPrincipal.set(key, [...(byPrincipal.get(key) ?? []), poa]);
    }
    const contexts: Array<Record<string, unknown>> = [];
    for (const poas of byPrincipal.values()) {
      // Per code, the power of attorney valid from the latest date (as the API documents).
      const byCode = new Map<string, SimulatedPowerOfAttorney>();
      for (const poa of [...poas].sort((a, b) => a.giltigFrom.localeCompare(b.giltigFrom)))
        for (const b of poa.behorigheter) if (!wantedCodes || wantedCodes.includes(b.kod)) byCode.set(b.kod, poa);
      if (byCode.size === 0) continue;
      const first = poas[0];
      const holderEntry = first.fullmaktshavare.find((h) => h.id === holder.id) as SimulatedParty;
      contexts.push({
        tredjeman,
        fullmaktsgivare: party(first.fullmaktsgivare),
        fullmaktsgivarroll: first.fullmaktsgivarroll,
        fullmaktshavare: [party(holderEntry)],
        behorigheter: [...byCode.entries()].map(([kod, poa]) => ({ kod, fullmakt: poa.id })),
        tidpunkt: new Date(Date.now() - (config.answerFault === 'stale' ? 3600_000 : 0)).toISOString(),
      });
    }
    contexts.sort((a, b) =>
      String((a.fullmaktsgivare as SimulatedParty).namn).localeCompare(String((b.fullmaktsgivare as SimulatedParty).namn)),
    );
    const { page, size } = pageOf(body.page);
    const signed: unknown[] = [];
    for (const context of contexts.slice(page * size, (page + 1) * size)) signed.push(await spoiled(context));
    return [
      [
        200,
        { kontext: signed, page: { size, number: page, totalElements: contexts.length, totalPages: Math.ceil(contexts.length / size) } },
      ],
      record,
    ];
  }

  /** Signs a context, then spoils it as the configured fault says. */
  async function spoiled(context: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (config.answerFault) {
      case 'unknown_key':
        return sign(context, stranger);
      case 'tampered': {
        // Signed, then changed in transit: another company slipped in as principal.
        const signed = await sign(context, signing);
        return { ...signed, fullmaktsgivare: { ...(signed.fullmaktsgivare as object), id: '5569999999', namn: 'Kapat AB' } };
      }
      case 'other_holder':
        // A genuine, correctly signed answer about someone else (a replay).
        return sign({ ...context, fullmaktshavare: [{ id: '191212121212', typ: 'pnr', fornamn: 'Tolvan', namn: 'Tolvansson' }] }, signing);
      default:
        return sign(context, signing);
    }
  }

  function fullmakter(
    body: Record<string, unknown>,
    who: { personnummer: string },
  ): [Answer, Omit<MinaOmbudSearchRecord, 'path' | 'serviceName' | 'status' | 'body'>] {
    const holder = body.fullmaktshavare === undefined ? undefined : identity(body.fullmaktshavare);
    const principal = body.fullmaktsgivare === undefined ? undefined : identity(body.fullmaktsgivare);
    const thirdParties = body.tredjeman;
    const record = {
      tredjeman: Array.isArray(thirdParties) ? thirdParties.map(String) : [],
      holder: holder?.id ?? null,
      principal: principal?.id ?? null,
    };
    if (!holder && !principal)
      return [apiError(400, 'basic', 'sokning.havare_givare.saknas', 'fullmaktshavare or fullmaktsgivare is required'), record];
    if (
      thirdParties !== undefined &&
      !(Array.isArray(thirdParties) && thirdParties.length > 0 && thirdParties.every((t) => typeof t === 'string' && ORGNR.test(t)))
    )
      return [
        apiError(400, 'validation', 'validation.client', 'Invalid request', {
          violations: [{ path: 'tredjeman', message: 'a non-empty list of 10-digit numbers' }],
        }),
        record,
      ];
    if (!holder || holder.typ !== 'pnr' || holder.id !== who.personnummer)
      return [apiError(403, 'auth', 'anvandare.obehorig', 'Not the end user'), record];
    const items = config.powersOfAttorney
      .filter(
        (poa) =>
          holds(poa, holder) && (!principal || (poa.fullmaktsgivare.id === principal.id && poa.fullmaktsgivare.typ === principal.typ)),
      )
      .filter((poa) => !Array.isArray(thirdParties) || thirdParties.includes(poa.tredjeman))
      .map((poa) => ({
        referensnummer: poa.referensnummer,
        status:
          poa.aterkallad || (poa.giltigTom !== undefined && poa.giltigTom < today()) ? 'HISTORISK' : isValidNow(poa) ? 'GILTIG' : 'AKTUELL',
        id: poa.id,
        rubrik: poa.rubrik,
        giltigFrom: poa.giltigFrom,
        ...(poa.giltigTom ? { giltigTom: poa.giltigTom } : {}),
        tredjeman: poa.tredjeman,
        fullmaktsgivare: party(poa.fullmaktsgivare),
        fullmaktsgivarroll: poa.fullmaktsgivarroll,
        fullmaktshavare: poa.fullmaktshavare.map(party),
        ...(poa.aterkallad ? { aterkallad: { part: 'FULLMAKTSGIVARE', tidpunkt: poa.aterkallad } } : {}),
      }));
    const { page, size } = pageOf(body.page);
    return [
      [
        200,
        {
          fullmakter: items.slice(page * size, (page + 1) * size),
          page: { size, number: page, totalElements: items.length, totalPages: Math.ceil(items.length / size) },
        },
      ],
      record,
    ];
  }

  async function handle(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    raw: string,
  ): Promise<Answer | undefined> {
    if (!path.startsWith(MINA_OMBUD_PREFIX)) return undefined;
    const route = `${method} ${path.slice(MINA_OMBUD_PREFIX.length)}`;
    if (route === 'GET /_records') return [200, records];
    if (route === 'GET /_control') return [200, { ...config, signingKey: signing.publicJwk }];
    if (route === 'POST /_control') {
      const change = parseJson(raw);
      if (!change || typeof change !== 'object') return [400, { code: 'BAD_REQUEST', message: 'a JSON object of settings is required' }];
      configure(change as Partial<MinaOmbudSimulatorConfig>);
      return [200, { ...config, signingKey: signing.publicJwk }];
    }
    if (route === 'POST /_reset') {
      reset();
      return [200, { reset: true }];
    }

    const api = route.replace(` ${MINA_OMBUD_API_PATH}/`, ' /');
    const jwks = /^GET \/tredjeman\/([^/]+)\/jwks$/.exec(api);
    const known = route === 'POST /token' || !!jwks || api === 'POST /sok/behorigheter' || api === 'POST /sok/fullmakter';
    if (!known) return apiError(404, 'basic', 'server.error', `No route ${route}`);
    if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    if (config.failNextRequests > 0) {
      config.failNextRequests--;
      return apiError(503, 'network', 'network.error', 'Simulated unavailability');
    }
    if (route === 'POST /token') return token(raw);
    if (jwks) {
      records.keySetRequests++;
      if (!THIRD_PARTIES[jwks[1]]) return apiError(404, 'basic', 'tredjeman.ogiltig', 'Unknown third party');
      return [200, { keys: [signing.publicJwk] }];
    }
    const who = await caller(headers);
    const serviceName = String(headers['x-service-name'] ?? '');
    const searchPath = api.slice('POST '.length) as MinaOmbudSearchRecord['path'];
    if (Array.isArray(who)) {
      records.searches.push({
        path: searchPath,
        serviceName,
        body: parseJson(raw) ?? raw,
        tredjeman: [],
        holder: null,
        principal: null,
        status: who[0],
      });
      return who;
    }
    const body = parseJson(raw);
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return apiError(400, 'validation', 'validation.client', 'The body is not a JSON object', { violations: [] });
    const [answer, record] =
      searchPath === '/sok/behorigheter'
        ? await behorigheter(body as Record<string, unknown>, who)
        : fullmakter(body as Record<string, unknown>, who);
    records.searches.push({ path: searchPath, serviceName, body, ...record, status: answer[0] });
    return answer;
  }

  function configure(change: Partial<MinaOmbudSimulatorConfig>): void {
    for (const key of Object.keys(DEFAULT_MINA_OMBUD_CONFIG) as Array<keyof MinaOmbudSimulatorConfig>) {
      if (change[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = change[key];
    }
  }

  function reset(): void {
    records = emptyRecords();
    tokens.clear();
  }

  return { config, handle, records: () => JSON.parse(JSON.stringify(records)), configure, reset };
}

async function firstVerified<T>(keys: JWK[], verify: (key: CryptoKey | Uint8Array) => Promise<T>): Promise<T> {
  for (const jwk of keys) {
    try {
      return await verify((await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey);
    } catch {
      // Not this key: the next one.
    }
  }
  throw new Error('no registered key verifies the id token');
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { key: privateKey, kid, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
}

function party(p: SimulatedParty): SimulatedParty {
  return { id: p.id, typ: p.typ, namn: p.namn, ...(p.fornamn ? { fornamn: p.fornamn } : {}) };
}

function pageOf(value: unknown): { page: number; size: number } {
  const { page, size } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    page: Number.isInteger(page) && (page as number) >= 0 ? (page as number) : 0,
    size: Number.isInteger(size) && (size as number) >= 1 ? Math.min(size as number, 100) : 20,
  };
}

function parseJson(raw: string): unknown {
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function emptyRecords(): MinaOmbudRecords {
  return { tokenRequests: 0, searches: [], keySetRequests: 0 };
}
