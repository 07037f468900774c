import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface PortalUser {
  subject: string;
  name: string;
  roles: string[];
}

export interface Session {
  id: string;
  accessToken: string;
  /** When the access token expires (ms since epoch): the session ends with it. */
  expiresAt: number;
  /** Sent with every form of this session and checked on every post (CSRF). */
  csrfToken: string;
  user: PortalUser;
}

export interface PendingLogin {
  state: string;
  verifier: string;
  returnTo: string;
  createdAt: number;
}

const token = () => randomBytes(32).toString('base64url');

/**
 * Sessions and logins in progress, kept server-side (the browser holds only an opaque id in an
 * httpOnly cookie, never the access token). Bounded: the oldest entries go first, so memory stays
 * flat however many log in. One portal process; a second replica would need a shared store.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly logins = new Map<string, PendingLogin>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
    private readonly loginTtlMs = 10 * 60_000,
  ) {}

  create(accessToken: string, expiresAt: number, user: PortalUser): Session {
    const session: Session = { id: token(), accessToken, expiresAt, csrfToken: token(), user };
    this.sessions.set(session.id, session);
    if (this.sessions.size > this.maxEntries) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  /** The live session with this id; an expired one is forgotten. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  startLogin(verifier: string, returnTo: string): PendingLogin {
    const login: PendingLogin = { state: token(), verifier, returnTo, createdAt: this.now() };
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
