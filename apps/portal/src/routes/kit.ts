import type { FastifyReply, FastifyRequest } from 'fastify';
import { JsonLogger } from '@kommuna/platform-logging';
import { OidcClient } from '@kommuna/platform-oidc-client';
import { ApiClient, ApiError, langFrom, pageCookies } from '@kommuna/platform-page-server';
import { stockholmDay } from '@kommuna/shared-identifiers';
import type { PortalConfig } from '../config';
import { PortalData } from '../data';
import { Html, layout, PageContext } from '../html';
import { csrfMatches, Session, SessionStore, SessionTokens } from '../http/sessions';
import { Lang, t } from '../i18n';
import { messagePage } from '../pages/message';

export const SESSION_COOKIE = 'kp_session';
export const LOGIN_COOKIE = 'kp_login';
export const LANG_COOKIE = 'kp_lang';
/** The state of a logout at the realm, so its way back (to the callback) is told from a login. */
export const LOGOUT_COOKIE = 'kp_logout';

/** How long a session may last when the realm does not say how long its refresh token does. */
const SESSION_MAX_MS = 8 * 3600_000;
/** An access token this close to its expiry is renewed before use (clock skew, the api call's own time). */
const RENEW_BEFORE_MS = 30_000;

export interface PortalOptions {
  logger?: JsonLogger;
  now?: () => Date;
}

/** Only paths on this site: "/x", never "//evil" or "https://evil" (no open redirect). */
export const localPath = (value: unknown, fallback = '/catalogue'): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : fallback;

export type PortalKit = ReturnType<typeof createPortalKit>;

/**
 * What every route group of the portal shares: the session store and the realm, the api's data,
 * cookies, page rendering and the checks a page or a form post makes. One kit per portal instance,
 * handed to each route plugin as its options.
 */
export function createPortalKit(config: PortalConfig, options: PortalOptions = {}) {
  const logger = options.logger ?? new JsonLogger('info');
  const now = options.now ?? (() => new Date());
  const sessions = new SessionStore(() => now().getTime());
  const realm = new OidcClient({ issuer: config.realmUrl, clientId: config.clientId, now: () => now().getTime() });
  /** Renewals under way, by session id: concurrent requests of one session share one (a refresh token may be single-use). */
  const renewals = new Map<string, Promise<Session | undefined>>();
  const data = new PortalData(new ApiClient(config.apiUrl));
  const secure = config.publicUrl.startsWith('https://');
  const publicOrigin = new URL(config.publicUrl).origin;

  const { setCookie, clearCookie, cookiesOf } = pageCookies(secure);
  const langOf = (request: FastifyRequest): Lang => langFrom(cookiesOf(request)[LANG_COOKIE]);
  /** Until the refresh token ends (or, without one, the access token), and never past SESSION_MAX_MS without the realm saying so. */
  const sessionEnd = (tokens: SessionTokens) =>
    tokens.refreshToken
      ? Math.max(tokens.accessTokenExpiresAt, tokens.refreshTokenExpiresAt ?? now().getTime() + SESSION_MAX_MS)
      : tokens.accessTokenExpiresAt;
  /** The session as stored, not renewed (logging out and the not-found page need no fresh access token). */
  const storedSession = (request: FastifyRequest) => sessions.get(cookiesOf(request)[SESSION_COOKIE]);
  /**
   * The request's session with an access token fit to use: one about to expire is renewed with the
   * refresh token first. Undefined without a session, or when the realm refuses the renewal (the
   * session ends then). An unreachable realm throws.
   */
  const sessionOf = async (request: FastifyRequest): Promise<Session | undefined> => {
    const session = storedSession(request);
    if (!session || session.accessTokenExpiresAt - RENEW_BEFORE_MS > now().getTime()) return session;
    let renewal = renewals.get(session.id);
    if (!renewal) {
      renewal = realm
        .refresh(session, session.user.subject)
        .then((renewed) => {
          if (renewed) return sessions.renew(session.id, renewed.tokens, sessionEnd(renewed.tokens));
          sessions.delete(session.id);
          logger.event('info', 'portal session ended', { subject: session.user.subject, reason: 'renewal refused' });
          return undefined;
        })
        .finally(() => renewals.delete(session.id));
      renewals.set(session.id, renewal);
    }
    return renewal;
  };
  const context = (request: FastifyRequest, session?: Session): PageContext => ({
    lang: langOf(request),
    path: localPath(request.url),
    user: session?.user,
    csrfToken: session?.csrfToken,
  });
  const send = (reply: FastifyReply, status: number, ctx: PageContext, page: { title: string; body: Html }) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(layout(ctx, page.title, page.body));
  const toLogin = (reply: FastifyReply, returnTo: string) =>
    reply.redirect(`/auth/login?returnTo=${encodeURIComponent(localPath(returnTo))}`, 303);
  const yearOf = (request: FastifyRequest) => {
    const current = Number(stockholmDay(now()).slice(0, 4));
    const asked = Number((request.query as Record<string, string>).year);
    const years = [current - 2, current - 1, current, current + 1];
    return { year: years.includes(asked) ? asked : current, years };
  };

  /** Runs a page that needs a logged-in user; maps the api's refusals to pages. */
  const page =
    (work: (request: FastifyRequest, reply: FastifyReply, session: Session) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      let session: Session | undefined;
      try {
        session = await sessionOf(request);
        if (!session)
          return toLogin(
            reply,
            request.method === 'GET' ? request.url : String(request.headers.referer ?? '/catalogue').replace(/^https?:\/\/[^/]+/, ''),
          );
        return await work(request, reply, session);
      } catch (error) {
        const ctx = context(request, session);
        if (error instanceof ApiError) {
          if (error.code === 'UNAUTHENTICATED') {
            sessions.delete(session?.id);
            return toLogin(reply, request.url);
          }
          if (error.code === 'FORBIDDEN') return send(reply, 403, ctx, messagePage(ctx.lang, 'forbiddenTitle', 'forbiddenText'));
          if (error.code === 'NOT_FOUND' || error.code === 'TENANT_NOT_FOUND')
            return send(reply, 404, ctx, messagePage(ctx.lang, 'notFoundTitle', undefined));
        }
        logger.event('error', 'portal page failed', {
          path: request.url.split('?')[0],
          error: (error as Error).message,
          code: (error as { code?: string }).code,
        });
        return send(reply, 502, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
      }
    };

  /** A form post: needs the session's CSRF token, and a same-origin Origin when the browser sends one. */
  const checkPost = (request: FastifyRequest, session: Session): boolean => {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== publicOrigin) return false;
    return csrfMatches(session, (request.body as Record<string, unknown> | undefined)?.csrf);
  };
  const refuseCsrf = (request: FastifyRequest, reply: FastifyReply, session?: Session) => {
    const ctx = context(request, session);
    return reply
      .code(403)
      .type('text/html; charset=utf-8')
      .send(layout(ctx, t(ctx.lang, 'forbiddenTitle'), messagePage(ctx.lang, 'forbiddenTitle', undefined).body));
  };

  return {
    config,
    logger,
    now,
    sessions,
    realm,
    data,
    secure,
    setCookie,
    clearCookie,
    cookiesOf,
    langOf,
    sessionEnd,
    storedSession,
    context,
    send,
    yearOf,
    page,
    checkPost,
    refuseCsrf,
  };
}
