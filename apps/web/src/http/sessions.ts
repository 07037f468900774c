import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Redis } from 'ioredis';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { OidcUser } from '@kommuna/platform-oidc-client';

/** Who is logged in: the subject of the checked id_token, name and realm roles (@kommuna/platform-oidc-client). */
export type WebUser = OidcUser;

export interface Session {
  /** The session's own id (also the Redis key's tail). */
  id: string;
  /** The municipality the login was made at: a session is good only on its host. */
  tenant: string;
  accessToken: string;
  /** When the access token expires (ms since epoch); a refresh token renews it. */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  /** The checked id_token, the hint that lets the realm log out at once. */
  idToken?: string;
  /** When the session ends whatever happens (ms since epoch). */
  expiresAt: number;
  /** Sent with every form of this session and checked on every post (CSRF). */
  csrfToken: string;
  user: WebUser;
}

export const newToken = () => randomBytes(32).toString('base64url');

/**
 * Where sessions live: never in the process's memory, so they survive a restart and any replica
 * serves them. The browser holds only what `save` returns, in an httpOnly cookie.
 */
export interface SessionStore {
  /** Stores the session (again, after its token was renewed); returns the cookie value naming it. */
  save(session: Session): Promise<string>;
  /** The live session a cookie value names, or undefined. */
  load(cookie: string | undefined): Promise<Session | undefined>;
  delete(cookie: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/** A 256-bit key for one purpose, derived from the configured secret. */
export function derivedKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'kommuna-web', purpose, 32));
}

/** Seals a value for the browser to carry: encrypted and authenticated (JWE, A256GCM), with an expiry. */
export async function seal(key: Uint8Array, value: Record<string, unknown>, expiresAt: number): Promise<string> {
  return new EncryptJWT(value)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .encrypt(key);
}

/** The value sealed in `token`, or undefined if it was altered, made with another key or has expired. */
export async function unseal(key: Uint8Array, token: string | undefined, now = Date.now()): Promise<Record<string, unknown> | undefined> {
  if (!token || token.length > 8192) return undefined;
  try {
    const { payload } = await jwtDecrypt(token, key, { currentDate: new Date(now) });
    return payload;
  } catch {
    return undefined;
  }
}

const isSession = (value: unknown): value is Session => {
  const s = value as Partial<Session> | undefined;
  return (
    typeof s?.id === 'string' &&
    typeof s.tenant === 'string' &&
    typeof s.accessToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    typeof s.csrfToken === 'string' &&
    typeof s.user?.subject === 'string'
  );
};

/** What a session cookie may hold with its name and attributes beside it (browsers keep 4096 bytes per cookie). */
const COOKIE_BYTES = 3900;

/**
 * Sessions in the cookie itself, encrypted with the web's secret: nothing to share between
 * replicas. Logging out clears the cookie; a copy taken before stays good until it expires, which
 * is why KOMMUNA_REDIS_URL is the choice for production.
 */
export class CookieSessionStore implements SessionStore {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = derivedKey(secret, 'session');
  }

  async save(session: Session): Promise<string> {
    const sealed = await seal(this.key, { session }, session.expiresAt);
    if (sealed.length <= COOKIE_BYTES || !session.idToken) return sealed;
    // Browsers keep about 4 KB per cookie: without room for the id_token the session keeps the rest,
    // and a logout at the realm goes without the hint (the realm then asks before it logs out).
    return seal(this.key, { session: { ...session, idToken: undefined } }, session.expiresAt);
  }

  async load(cookie: string | undefined): Promise<Session | undefined> {
    const payload = await unseal(this.key, cookie, this.now());
    return isSession(payload?.session) && payload.session.expiresAt > this.now() ? payload.session : undefined;
  }

  async delete(): Promise<void> {
    // Nothing is kept here: the caller clears the cookie.
  }

  async close(): Promise<void> {
    // No connection to close.
  }
}

/** Sessions in Redis under an opaque id (the cookie carries only that), each expiring with its session. */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly now: () => number = Date.now,
    private readonly prefix = 'kommuna:web:session:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  async save(session: Session): Promise<string> {
    const ttlMs = Math.max(1, session.expiresAt - this.now());
    await this.redis.set(this.prefix + session.id, JSON.stringify(session), 'PX', ttlMs);
    return session.id;
  }

  async load(cookie: string | undefined): Promise<Session | undefined> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const stored = await this.redis.get(this.prefix + cookie);
    if (!stored) return undefined;
    const session: unknown = JSON.parse(stored);
    return isSession(session) && session.id === cookie && session.expiresAt > this.now() ? session : undefined;
  }

  async delete(cookie: string | undefined): Promise<void> {
    if (cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie)) await this.redis.del(this.prefix + cookie);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function csrfMatches(session: Session, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
