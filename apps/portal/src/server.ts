import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JsonLogger } from '@kommuna/platform-logging';
import type { PortalConfig } from './config';
import { PORTAL_CSS } from './css';
import { PortalData } from './data';
import { meetingPackCsv, meetingPackOf, meetingPackPdf } from './exports';
import { Html, layout, PageContext } from './html';
import { ApiClient, ApiError } from './http/api-client';
import { LoginFailedError, newLoginChecks, RealmClient, redirectUri } from './http/oidc';
import { csrfMatches, mayUsePortal, Session, SessionStore, SessionStoreFullError, SessionTokens } from './http/sessions';
import { Lang, LANGS, t } from './i18n';
import { cataloguePage } from './pages/catalogue';
import { messagePage } from './pages/message';
import { municipalityPage } from './pages/municipality';
import { FormState, servicePage } from './pages/service';

const SESSION_COOKIE = 'kp_session';
const LOGIN_COOKIE = 'kp_login';
const LANG_COOKIE = 'kp_lang';
/** The state of a logout at the realm, so its way back (to the callback) is told from a login. */
const LOGOUT_COOKIE = 'kp_logout';

/** How long a session may last when the realm does not say how long its refresh token does. */
const SESSION_MAX_MS = 8 * 3600_000;
/** An access token this close to its expiry is renewed before use (clock skew, the api call's own time). */
const RENEW_BEFORE_MS = 30_000;

export interface PortalOptions {
  logger?: JsonLogger;
  now?: () => Date;
}

/** Only paths on this site: "/x", never "//evil" or "https://evil" (no open redirect). */
const localPath = (value: unknown, fallback = '/catalogue'): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : fallback;

const stockholmToday = (now: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(now);

/**
 * The steering group's web pages: server-rendered HTML over the api's GraphQL, logged in through
 * the identity provider (openid-client: authorization code + PKCE, the id_token checked, renewal by
 * refresh token, logout at the realm). The tokens stay on the server; the browser holds an opaque
 * session id in an httpOnly, SameSite=Lax cookie.
 */
export function buildPortal(config: PortalConfig, options: PortalOptions = {}): FastifyInstance {
  const logger = options.logger ?? new JsonLogger('info');
  const now = options.now ?? (() => new Date());
  const sessions = new SessionStore(() => now().getTime());
  const realm = new RealmClient(config, () => now().getTime());
  /** Renewals under way, by session id: concurrent requests of one session share one (a refresh token may be single-use). */
  const renewals = new Map<string, Promise<Session | undefined>>();
  const data = new PortalData(new ApiClient(config));
  const secure = config.publicUrl.startsWith('https://');
  const publicOrigin = new URL(config.publicUrl).origin;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  void app.register(fastifyCookie);
  void app.register(fastifyHelmet, {
    // No script at all: the pages are documents with forms. Styles from our own stylesheet only.
    // Forms post here, and the logout form's redirect goes on to the realm (browsers check form-action on it).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'", new URL(config.realmUrl).origin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    hsts: secure ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    logger.event('info', 'request', {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });

  const COOKIE = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;
  const setCookie = (reply: FastifyReply, name: string, value: string, maxAgeSeconds?: number) =>
    reply.setCookie(name, value, { ...COOKIE, maxAge: maxAgeSeconds });
  const clearCookie = (reply: FastifyReply, name: string) => reply.clearCookie(name, COOKIE);
  /** The request's cookies (a malformed one reads as absent or as sent, never as a crash). */
  const cookiesOf = (request: FastifyRequest): Record<string, string | undefined> => request.cookies;
  const langOf = (request: FastifyRequest): Lang => {
    const chosen = cookiesOf(request)[LANG_COOKIE];
    return LANGS.includes(chosen as Lang) ? (chosen as Lang) : 'sv';
  };
  /** Until the refresh token ends (or, without one, the access token), and never past SESSION_MAX_MS without the realm saying so. */
  const sessionEnd = (tokens: SessionTokens) =>
    tokens.refreshToken
      ? Math.max(tokens.accessTokenExpiresAt, tokens.refreshTokenExpiresAt ?? now().getTime() + SESSION_MAX_MS)
      : tokens.accessTokenExpiresAt;
  /**
   * The request's session with an access token fit to use: one about to expire is renewed with the
   * refresh token first. Undefined without a session, or when the realm refuses the renewal (the
   * session ends then). An unreachable realm throws.
   */
  const sessionOf = async (request: FastifyRequest): Promise<Session | undefined> => {
    const session = sessions.get(cookiesOf(request)[SESSION_COOKIE]);
    if (!session || session.accessTokenExpiresAt - RENEW_BEFORE_MS > now().getTime()) return session;
    let renewal = renewals.get(session.id);
    if (!renewal) {
      renewal = realm
        .refresh(session, session.user.subject)
        .then((tokens) => {
          if (tokens) return sessions.renew(session.id, tokens, sessionEnd(tokens));
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
    const current = Number(stockholmToday(now()).slice(0, 4));
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

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/assets/portal.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS),
  );
  app.get('/', async (_request, reply) => reply.redirect('/catalogue', 303));

  app.get('/lang/:lang', async (request, reply) => {
    const { lang } = request.params as { lang: string };
    const chosen: Lang = LANGS.includes(lang as Lang) ? (lang as Lang) : 'sv';
    reply.setCookie(LANG_COOKIE, chosen, { path: '/', sameSite: 'lax', secure, maxAge: 31_536_000 });
    return reply.redirect(localPath((request.query as Record<string, string>).returnTo), 303);
  });

  app.get('/auth/login', async (request, reply) => {
    const checks = newLoginChecks();
    let url: string;
    try {
      url = await realm.authorizationUrl(checks);
    } catch (error) {
      if (!(error instanceof LoginFailedError)) throw error;
      logger.event('error', 'portal login failed', { error: error.message });
      const ctx = context(request);
      return send(reply, 502, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
    }
    const login = sessions.startLogin(checks, localPath((request.query as Record<string, string>).returnTo));
    // The state is bound to this browser too, so nobody can finish a login started elsewhere.
    setCookie(reply, LOGIN_COOKIE, login.state, 600);
    return reply.redirect(url, 303);
  });

  app.get('/auth/callback', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const ctx = context(request);
    const cookies = cookiesOf(request);
    // The way back from a logout at the realm (its post-logout redirect is this callback, which the
    // realm has registered): the state this browser was given at logout, and no code.
    if (!query.code && query.state && cookies[LOGOUT_COOKIE] === query.state) {
      clearCookie(reply, LOGOUT_COOKIE);
      return reply.redirect('/logged-out', 303);
    }
    const login = query.state && cookies[LOGIN_COOKIE] === query.state ? sessions.finishLogin(query.state) : undefined;
    if (!login || !query.code) {
      return send(reply, 400, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
    }
    try {
      // The URL the realm sent the browser back to: the registered redirect URI with this query.
      const { tokens, user } = await realm.finishLogin(new URL(`${redirectUri(config)}?${request.url.split('?')[1] ?? ''}`), login);
      // Only the steering group and platform administrators get a session: anyone else is told so
      // here, and nothing is stored for them (a flood of citizens' logins fills nothing).
      if (!mayUsePortal(user)) {
        clearCookie(reply, LOGIN_COOKIE);
        logger.event('warn', 'portal login refused', { subject: user.subject, reason: 'no portal role' });
        return send(reply, 403, ctx, messagePage(ctx.lang, 'forbiddenTitle', 'forbiddenText'));
      }
      const session = sessions.create(tokens, sessionEnd(tokens), user);
      setCookie(reply, SESSION_COOKIE, session.id);
      clearCookie(reply, LOGIN_COOKIE);
      logger.event('info', 'portal login', { subject: user.subject });
      return reply.redirect(login.returnTo, 303);
    } catch (error) {
      if (error instanceof SessionStoreFullError) {
        logger.event('error', 'portal login refused', { reason: error.message });
        return send(reply.header('retry-after', '60'), 503, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
      }
      if (!(error instanceof LoginFailedError)) throw error;
      logger.event('warn', 'portal login failed', { error: error.message });
      return send(reply, 400, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
    }
  });

  /**
   * Ends the portal session, then the realm's (RP-initiated logout with the id_token as hint), which
   * sends the browser back to the callback with the state given here. Without a session, or when the
   * realm cannot be reached, the portal session alone ends.
   */
  app.post('/auth/logout', async (request, reply) => {
    // The session as stored, not renewed: logging out needs no fresh access token.
    const session = sessions.get(cookiesOf(request)[SESSION_COOKIE]);
    if (session && !checkPost(request, session)) return refuseCsrf(request, reply, session);
    sessions.delete(session?.id);
    clearCookie(reply, SESSION_COOKIE);
    if (!session) return reply.redirect('/logged-out', 303);
    const state = randomBytes(24).toString('base64url');
    let url: string | undefined;
    try {
      url = await realm.logoutUrl(session.idToken, redirectUri(config), state);
    } catch (error) {
      logger.event('warn', 'portal logout at the realm skipped', { subject: session.user.subject, error: (error as Error).message });
    }
    logger.event('info', 'portal logout', { subject: session.user.subject, atRealm: url !== undefined });
    if (!url) return reply.redirect('/logged-out', 303);
    setCookie(reply, LOGOUT_COOKIE, state, 600);
    return reply.redirect(url, 303);
  });

  app.get('/logged-out', async (request, reply) => {
    const ctx = context(request);
    return send(reply, 200, ctx, messagePage(ctx.lang, 'loggedOut', 'loggedOutText', undefined));
  });

  app.get(
    '/catalogue',
    page(async (request, reply, session) => {
      const { year, years } = yearOf(request);
      const view = await data.catalogue(session.accessToken, year);
      const ctx = { ...context(request, session), demo: view.catalogueDemo };
      return send(reply, 200, ctx, cataloguePage(ctx.lang, view, year, years));
    }),
  );

  const renderService = async (request: FastifyRequest, reply: FastifyReply, session: Session, status: number, state?: FormState) => {
    const { id } = request.params as { id: string };
    const { year, years } = yearOf(request);
    const saved = (request.query as Record<string, string>).saved;
    const result = await data.service(session.accessToken, id, year);
    const ctx = { ...context(request, session), demo: result.catalogueDemo };
    return send(
      reply,
      status,
      ctx,
      servicePage(ctx.lang, result, year, years, session.csrfToken, { state, saved, today: stockholmToday(now()) }),
    );
  };

  app.get(
    '/services/:id',
    page((request, reply, session) => renderService(request, reply, session, 200)),
  );

  app.get(
    '/services/:id/publiccode.yml',
    page(async (request, reply, session) => {
      const { id } = request.params as { id: string };
      return reply.type('text/yaml; charset=utf-8').send(await data.publiccode(session.accessToken, id));
    }),
  );

  const fields = (body: unknown, names: string[]): Record<string, string> =>
    Object.fromEntries(
      names.map((name) => [
        name,
        typeof (body as Record<string, unknown>)?.[name] === 'string'
          ? ((body as Record<string, string>)[name] as string).slice(0, 2000)
          : '',
      ]),
    );

  app.post(
    '/services/:id/follow-ups',
    page(async (request, reply, session) => {
      if (!checkPost(request, session)) return refuseCsrf(request, reply, session);
      const { id } = request.params as { id: string };
      const values = fields(request.body, ['hypothesisId', 'periodStart', 'periodEnd', 'measuredValue', 'measuredOn', 'source', 'note']);
      const measured = Number(values.measuredValue.replace(',', '.').replace(/\s/g, ''));
      if (values.measuredValue.trim() === '' || !Number.isFinite(measured)) {
        const message = langOf(request) === 'sv' ? 'ange ett tal, t.ex. 9,5' : 'enter a number, e.g. 9.5';
        return renderService(request, reply, session, 422, { form: 'follow-up', values, errors: [{ field: 'measuredValue', message }] });
      }
      try {
        await data.recordFollowUp(session.accessToken, {
          service: id,
          ...values,
          measuredValue: measured,
          note: values.note.trim() || null,
        });
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') throw error;
        return renderService(request, reply, session, 422, {
          form: 'follow-up',
          values,
          errors: Array.isArray(error.details) ? (error.details as FormState['errors']) : [],
          message: error.message,
        });
      }
      return reply.redirect(`/services/${encodeURIComponent(id)}?saved=follow-up#follow-ups`, 303);
    }),
  );

  app.post(
    '/services/:id/decisions',
    page(async (request, reply, session) => {
      if (!checkPost(request, session)) return refuseCsrf(request, reply, session);
      const { id } = request.params as { id: string };
      const values = fields(request.body, ['toStatus', 'decidedOn', 'diaryNumber']);
      try {
        await data.recordDecision(session.accessToken, { service: id, ...values });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PROMOTION_REFUSED') {
          const missing = (error.details as { missing?: Array<{ sv: string; en: string }> } | undefined)?.missing ?? [
            { sv: error.message, en: error.message },
          ];
          return renderService(request, reply, session, 422, { form: 'decision', values, errors: [], missing });
        }
        if (error instanceof ApiError && (error.code === 'VALIDATION_FAILED' || error.code === 'GRAPHQL_VALIDATION_FAILED')) {
          return renderService(request, reply, session, 422, {
            form: 'decision',
            values,
            errors: Array.isArray(error.details) ? (error.details as FormState['errors']) : [],
            message: error.message,
          });
        }
        throw error;
      }
      return reply.redirect(`/services/${encodeURIComponent(id)}?saved=decision#decisions`, 303);
    }),
  );

  app.get(
    '/municipalities/:slug',
    page(async (request, reply, session) => {
      const { slug } = request.params as { slug: string };
      const { year, years } = yearOf(request);
      const view = await data.municipality(session.accessToken, slug, year);
      const ctx = { ...context(request, session), demo: view.catalogueDemo };
      return send(reply, 200, ctx, municipalityPage(ctx.lang, view, years));
    }),
  );

  app.get(
    '/export/meeting-pack.csv',
    page(async (request, reply, session) => {
      const { year } = yearOf(request);
      const lang = langOf(request);
      const pack = meetingPackOf(await data.meetingPack(session.accessToken, year), year, lang);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kommuna-${lang === 'sv' ? 'motesunderlag' : 'meeting-pack'}-${year}.csv"`)
        .send(meetingPackCsv(pack, lang));
    }),
  );

  app.get(
    '/export/meeting-pack.pdf',
    page(async (request, reply, session) => {
      const { year } = yearOf(request);
      const lang = langOf(request);
      const pack = meetingPackOf(await data.meetingPack(session.accessToken, year), year, lang);
      const pdf = await meetingPackPdf(pack, lang, now());
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="kommuna-${lang === 'sv' ? 'motesunderlag' : 'meeting-pack'}-${year}.pdf"`)
        .send(Buffer.from(pdf));
    }),
  );

  app.setNotFoundHandler((request, reply) => {
    // Who is logged in, as stored (a page that does not exist renews nothing).
    const ctx = context(request, sessions.get(cookiesOf(request)[SESSION_COOKIE]));
    return send(reply, 404, ctx, messagePage(ctx.lang, 'notFoundTitle', undefined));
  });

  return app;
}
