import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  exportJWK,
  importPKCS8,
  SignJWT,
  type CryptoKey,
  type FlattenedVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import {
  Behorighetskontext,
  FullmaktListItem,
  FullmaktsgivareRoll,
  HamtaBehorigheterRequest,
  HamtaBehorigheterResponse,
  HamtaFullmakterRequest,
  HamtaFullmakterResponse,
  PERSONAL_NUMBER_CLAIM,
} from './contract';
import { MinaOmbudFailure, RepresentationUnverifiedError } from './errors';
import { verifyEmbeddedSignature } from './signed-answer';

/** How Kommuna reaches one Mina ombud service (the real one, or the simulator). */
export interface MinaOmbudConnection {
  /** The consumer API's base, e.g. https://fullmakt-test.minaombud.se/dfm/formedlare/v2. */
  url: string;
  /** The OAuth2 token endpoint for the client-credentials grant. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** user:self: every search is on behalf of the end user named in X-Id-Token. */
  scope: string;
  /** X-Service-Name: the calling e-service ([a-zA-Z0-9._-]). */
  serviceName: string;
  /** Our key for the end-user id token (RS256, PKCS#8 PEM); Mina ombud knows its public half. */
  idTokenKeyPem: string;
  /** `iss` of the id token. */
  idTokenIssuer: string;
  /** `aud` of the id token. */
  idTokenAudience: string;
  /** Per request to the service, its token endpoint or key set. */
  timeoutMs: number;
  /** How old a signed answer's `tidpunkt` may be when it arrives. */
  maxAnswerAgeSeconds: number;
}

export const DEFAULT_CONNECTION = {
  scope: 'user:self',
  serviceName: 'kommuna-minasidor',
  idTokenIssuer: 'https://kommuna.se/mina-ombud',
  idTokenAudience: 'mina-ombud',
  timeoutMs: 5000,
  maxAnswerAgeSeconds: 300,
} as const;

/** Whose authorisations to search: the person asking (always), for whom, in which role, at which third party. */
export interface AuthorisationQuery {
  /** The municipality's organisationsnummer, 10 digits: authorisations hold only there. */
  tredjeman: string;
  /** The end user's personnummer, 12 digits: the power of attorney's holder. */
  holder: string;
  /** One principal (a company's organisationsnummer, a person's personnummer), or every one. */
  principal?: { id: string; typ: 'orgnr' | 'pnr' };
  roles: Array<z.infer<typeof FullmaktsgivareRoll>>;
  /** Only these authorisation codes. */
  codes?: string[];
}

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });
const MAX_PAGES = 10;
const PAGE_SIZE = 100;
/** A signed time this far in the future is a clock problem or a forgery, not a fresh answer. */
const CLOCK_SKEW_MS = 60_000;

/**
 * A client of Bolagsverket's Mina ombud consumer API. Every call carries a client-credentials
 * access token (cached until shortly before it expires), X-Service-Name and an X-Id-Token: a
 * short-lived RS256 JWS about the end user signed with our key. Authorisation answers are
 * accepted only when their embedded JWS verifies against the third party's key set, their signed
 * time is fresh and they are about exactly the person, principal and third party asked about;
 * anything else is a RepresentationUnverifiedError, never "may act".
 */
export class MinaOmbudClient {
  private token?: { value: string; renewAt: number };
  private tokenRequest?: Promise<string>;
  private signingKey?: Promise<{ key: CryptoKey; kid: string }>;
  private readonly keySets = new Map<string, FlattenedVerifyGetKey>();

  constructor(
    readonly connection: MinaOmbudConnection,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * POST /sok/behorigheter: the verified authorisation contexts of the holder at the third party.
   * Each context's signature, time and parties are checked before it is returned.
   */
  async searchAuthorisations(query: AuthorisationQuery): Promise<Behorighetskontext[]> {
    const contexts: Behorighetskontext[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const request: HamtaBehorigheterRequest = HamtaBehorigheterRequest.parse({
        tredjeman: query.tredjeman,
        fullmaktshavare: { id: query.holder, typ: 'pnr' },
        ...(query.principal ? { fullmaktsgivare: query.principal } : {}),
        fullmaktsgivarroll: query.roles,
        ...(query.codes?.length ? { behorigheter: query.codes } : {}),
        page: { page, size: PAGE_SIZE },
      });
      const answer = await this.post('/sok/behorigheter', request, query.holder, HamtaBehorigheterResponse);
      for (const raw of answer.kontext) contexts.push(await this.verifiedContext(raw, query));
      if ((answer.page.totalPages ?? 1) <= page + 1) break;
    }
    return contexts;
  }

  /**
   * POST /sok/fullmakter: the holder's powers of attorney (titles and periods, for showing them).
   * The published API does not sign these list items, so they never decide who may act.
   */
  async searchPowersOfAttorney(query: {
    holder: string;
    tredjeman: string[];
    principal?: AuthorisationQuery['principal'];
  }): Promise<FullmaktListItem[]> {
    const request = HamtaFullmakterRequest.parse({
      fullmaktshavare: { id: query.holder, typ: 'pnr' },
      ...(query.principal ? { fullmaktsgivare: query.principal } : {}),
      tredjeman: query.tredjeman,
      page: { page: 0, size: PAGE_SIZE },
    });
    return (await this.post('/sok/fullmakter', request, query.holder, HamtaFullmakterResponse)).fullmakter;
  }

  /** The end-user id token (X-Id-Token): who the search is for, signed by us, valid five minutes. */
  async idTokenFor(personnummer: string): Promise<string> {
    const { key, kid } = await this.idTokenKey();
    return new SignJWT({ [PERSONAL_NUMBER_CLAIM]: personnummer })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(this.connection.idTokenIssuer)
      .setAudience(this.connection.idTokenAudience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(key);
  }

  private async verifiedContext(raw: unknown, query: AuthorisationQuery): Promise<Behorighetskontext> {
    // The signature first, over the object as received: nothing of an unsigned answer is read.
    const parsedTredjeman = z.object({ tredjeman: z.string().regex(/^\d{10}$/) }).safeParse(raw);
    if (!parsedTredjeman.success)
      throw new RepresentationUnverifiedError('invalid_answer', 'an authorisation context names no third party');
    if (parsedTredjeman.data.tredjeman !== query.tredjeman)
      throw new RepresentationUnverifiedError('invalid_answer', 'an authorisation context is about another third party');
    await verifyEmbeddedSignature(raw, this.keySetOf(query.tredjeman));
    const parsed = Behorighetskontext.safeParse(raw);
    if (!parsed.success)
      throw new RepresentationUnverifiedError('invalid_answer', `an authorisation context: ${parsed.error.issues[0]?.message}`);
    const context = parsed.data;
    const signedAt = Date.parse(context.tidpunkt);
    const now = this.now().getTime();
    if (now - signedAt > this.connection.maxAnswerAgeSeconds * 1000 || signedAt - now > CLOCK_SKEW_MS)
      throw new RepresentationUnverifiedError('expired', 'the signed authorisation context is not from now');
    // A signed context about someone else (a replayed answer) proves nothing about this request.
    const aboutHolder = context.fullmaktshavare.some((holder) => holder.typ === 'pnr' && holder.id === query.holder);
    const aboutPrincipal =
      !query.principal || (context.fullmaktsgivare.id === query.principal.id && context.fullmaktsgivare.typ === query.principal.typ);
    if (!aboutHolder || !aboutPrincipal || !query.roles.includes(context.fullmaktsgivarroll))
      throw new RepresentationUnverifiedError('invalid_answer', 'an authorisation context is about other parties than asked');
    return context;
  }

  private keySetOf(tredjeman: string): FlattenedVerifyGetKey {
    let keys = this.keySets.get(tredjeman);
    if (!keys) {
      // jose caches the set and fetches it again (at most every 30 s) when a signature names an unknown key.
      keys = createRemoteJWKSet(new URL(`${this.connection.url}/tredjeman/${tredjeman}/jwks`), {
        timeoutDuration: this.connection.timeoutMs,
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
      });
      this.keySets.set(tredjeman, keys);
    }
    return keys;
  }

  private async post<T>(path: string, body: unknown, holder: string, answerShape: z.ZodType<T>): Promise<T> {
    const send = async (token: string) =>
      this.fetch(`${this.connection.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-service-name': this.connection.serviceName,
          'x-id-token': await this.idTokenFor(holder),
          'x-request-id': randomUUID(),
        },
        body: JSON.stringify(body),
      });
    let response = await send(await this.accessToken());
    if (response.status === 401) {
      // The token may have been revoked or expired early: one new token, one more try.
      this.token = undefined;
      response = await send(await this.accessToken());
    }
    if (!response.ok) throw new RepresentationUnverifiedError(failureOf(response.status), `${path} answered ${response.status}`);
    const parsed = answerShape.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new RepresentationUnverifiedError('invalid_answer', `${path}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.renewAt > Date.now()) return this.token.value;
    // Concurrent requests share one token request.
    this.tokenRequest ??= this.requestToken().finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    if (!this.connection.clientSecret) throw new RepresentationUnverifiedError('not_configured', 'no client secret is configured');
    const response = await this.fetch(this.connection.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.connection.clientId,
        client_secret: this.connection.clientSecret,
        scope: this.connection.scope,
      }),
    });
    if (!response.ok) throw new RepresentationUnverifiedError(failureOf(response.status), `the token endpoint answered ${response.status}`);
    const parsed = TokenAnswer.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new RepresentationUnverifiedError('invalid_answer', 'the token endpoint gave no access token');
    const lifetimeMs = (parsed.data.expires_in ?? 60) * 1000;
    // Renewed a little before it expires (half its life for short tokens), so no call carries an expired one.
    this.token = { value: parsed.data.access_token, renewAt: Date.now() + Math.max(lifetimeMs - 30_000, lifetimeMs / 2) };
    return this.token.value;
  }

  private idTokenKey(): Promise<{ key: CryptoKey; kid: string }> {
    this.signingKey ??= (async () => {
      if (!this.connection.idTokenKeyPem) throw new RepresentationUnverifiedError('not_configured', 'no id token key is configured');
      const key = await importPKCS8(this.connection.idTokenKeyPem, 'RS256', { extractable: true }).catch((error: Error) => {
        throw new RepresentationUnverifiedError('not_configured', `the id token key is not an RSA PKCS#8 key: ${error.message}`);
      });
      // The kid is the key's RFC 7638 thumbprint: the same key always has the same id, on every replica.
      const kid = await calculateJwkThumbprint(await exportJWK(key));
      return { key, kid };
    })();
    this.signingKey.catch(() => (this.signingKey = undefined));
    return this.signingKey;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.connection.timeoutMs) });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new RepresentationUnverifiedError('timeout', `no answer in ${this.connection.timeoutMs} ms`);
      throw new RepresentationUnverifiedError('unavailable', (error as Error).message);
    }
  }
}

function failureOf(status: number): MinaOmbudFailure {
  return status === 400 || status === 401 || status === 403 || status === 404 ? 'rejected' : 'unavailable';
}
