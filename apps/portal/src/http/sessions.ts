import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LoginChecks, OidcTokens, OidcUser } from '@kommuna/platform-oidc-client';

/** Who is logged in: the subject of the checked id_token, name and realm roles (@kommuna/platform-oidc-client). */
export type PortalUser = OidcUser;

/** The realm's tokens a session holds (server-side only); the id_token goes back to the realm as hint at logout. */
export type SessionTokens = OidcTokens;

export interface Session extends SessionTokens {
  id: string;
  /** When the session ends (ms since epoch): the refresh token's end, or the access token's without one. */
  expiresAt: number;
  /** Sent with every form of this session and checked on every post (CSRF). */
  csrfToken: string;
  user: PortalUser;
}

/** A login in progress: its checks (state, PKCE verifier, nonce) and where the person goes afterwards. */
export interface PendingLogin extends LoginChecks {
  returnTo: string;
  createdAt: number;
}

const token = () => randomBytes(32).toString('base64url');

/**
 * Who may have a portal session: the catalogue's readers (CATALOGUE_READER_ROLES in
 * @kommuna/catalogue; a test keeps the two equal). Anyone else is refused at the callback before a
 * session is stored, so citizens and staff cannot fill the store.
 */
export const PORTAL_ROLES: readonly string[] = ['steering_group', 'platform_admin'];

export const mayUsePortal = (user: PortalUser): boolean => user.roles.some((role) => PORTAL_ROLES.includes(role));

/** The store holds only live sessions and is full: a new login waits rather than end someone's. */
export class SessionStoreFullError extends Error {
  readonly code = 'SESSIONS_FULL';
}

/**
 * Sessions and logins in progress, kept server-side (the browser holds only an opaque id in an
 * httpOnly cookie, never the access token). Bounded without letting one caller end another's
 * session: a live session is never evicted for someone else's. One identity keeps at most
 * `maxPerIdentity` sessions (a new login ends its own oldest); when the store is full of live
 * sessions a new login is refused (SessionStoreFullError) until some expire or log out. Logins in
 * progress are bounded too; past the bound the oldest pending login goes (its user starts again).
 * One portal process; a second replica would need a shared store.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  /** Each identity's session ids, oldest first. */
  private readonly bySubject = new Map<string, string[]>();
  private readonly logins = new Map<string, PendingLogin>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
    private readonly loginTtlMs = 10 * 60_000,
    private readonly maxPerIdentity = 10,
  ) {}

  create(tokens: SessionTokens, expiresAt: number, user: PortalUser): Session {
    for (let own = this.bySubject.get(user.subject) ?? []; own.length >= this.maxPerIdentity; own = this.bySubject.get(user.subject) ?? [])
      this.forget(own[0]);
    if (this.sessions.size >= this.maxEntries) this.forgetExpired();
    if (this.sessions.size >= this.maxEntries)
      throw new SessionStoreFullError(`The portal holds ${this.sessions.size} live sessions, its limit`);
    const session: Session = { ...tokens, id: token(), expiresAt, csrfToken: token(), user };
    this.sessions.set(session.id, session);
    this.bySubject.set(user.subject, [...(this.bySubject.get(user.subject) ?? []), session.id]);
    return session;
  }

  /** How many sessions the store holds (expired ones not yet forgotten included). */
  get size(): number {
    return this.sessions.size;
  }

  /** The live session with this id; an expired one is forgotten. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.forget(id);
      return undefined;
    }
    return session;
  }

  /** The session with renewed tokens: same id, same CSRF token, same person. */
  renew(id: string, tokens: SessionTokens, expiresAt: number): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const renewed: Session = { ...session, ...tokens, expiresAt };
    this.sessions.set(id, renewed);
    return renewed;
  }

  delete(id: string | undefined): void {
    if (id) this.forget(id);
  }

  private forget(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    const rest = (this.bySubject.get(session.user.subject) ?? []).filter((other) => other !== id);
    if (rest.length > 0) this.bySubject.set(session.user.subject, rest);
    else this.bySubject.delete(session.user.subject);
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.forget(id);
  }

  /** Keeps a login in progress by its state until the callback (its PKCE verifier and nonce with it). */
  startLogin(checks: LoginChecks, returnTo: string): PendingLogin {
    const login: PendingLogin = { state: checks.state, verifier: checks.verifier, nonce: checks.nonce, returnTo, createdAt: this.now() };
    if (this.logins.size >= this.maxEntries) {
      const now = this.now();
      for (const [state, pending] of this.logins) if (now - pending.createdAt >= this.loginTtlMs) this.logins.delete(state);
    }
    this.logins.set(login.state, login);
    if (this.logins.size > this.maxEntries) this.logins.delete(this.logins.keys().next().value!);
    return login;
  }

  /** Takes (once) the login this state belongs to, if it is still fresh. */
  finishLogin(state: string | undefined): PendingLogin | undefined {
    if (!state) return undefined;
    const login = this.logins.get(state);
    this.logins.delete(state);
    return login && this.now() - login.createdAt < this.loginTtlMs ? login : undefined;
  }
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function csrfMatches(session: Session, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
