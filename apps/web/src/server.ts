import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JsonLogger } from '@kommuna/platform-logging';
import { LoginFailedError, newLoginChecks, OidcClient } from '@kommuna/platform-oidc-client';
import { ApiClient, ApiError, langFrom, pageCookies, registerPageSecurity } from '@kommuna/platform-page-server';
import type { WebAssets } from './assets';
import type { WebConfig } from './config';
import { answersFromEntries } from './forms/answers';
import { answerAttachments, MAX_FILE_BYTES, PostedFile } from './forms/uploads';
import type { FieldProblem } from './forms/form-view';
import {
  CaseSummary,
  FORM_RECEIPT,
  FORM_RECEIPT_PDF,
  FormReceiptView,
  MY_ORGANISATIONS,
  MY_PAGES,
  NoticeView,
  Organisation,
  PUBLISHED_FORM,
  PUBLISHED_FORMS,
  PublishedForm,
  PublishedFormSummary,
  SUBMIT_FORM,
  FORM_DRAFT,
  FormDraftView,
  SAVE_FORM_DRAFT,
  START_FORM_DRAFT,
} from './http/queries';
import { localPath, PostedForm, RouteKit } from './http/route-kit';
import { csrfMatches, derivedKey, newToken, seal, Session, SessionStore, unseal } from './http/sessions';
import { Lang, t } from './i18n';
import { formPage, FormPageState, receiptPage, servicesPage } from './pages/e-services';
import { chooseMunicipalityPage } from './pages/home';
import { assurancePage, messagePage, Page, PageContext, renderPage } from './pages/layout';
import { myPagesPage } from './pages/my-pages';
import type { TenantHosts, WebTenant } from './tenants';
import { registerWorkspaceRoutes } from './workspace/routes';
import { asOrganisationOf, registerMyPagesRoutes } from './routes/my-pages';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The largest file this route takes in a multipart post; forms' attachment limit if unset. */
    maxFileBytes?: number;
  }
}

const SESSION_COOKIE = 'kw_session';
const LOGIN_COOKIE = 'kw_login';
/** The state of a logout at the realm, so its way back (to the callback) is told from a login. */
const LOGOUT_COOKIE = 'kw_logout';
const LANG_COOKIE = 'kw_lang';
/** A session ends after this long whatever happens; within it the access token is renewed. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60_000;
const LOGIN_MAX_AGE_MS = 10 * 60_000;

export interface WebOptions {
  config: WebConfig;
  tenants: TenantHosts;
  sessions: SessionStore;
  assets: WebAssets;
  logger?: JsonLogger;
  now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The residents' web: every member municipality on one app, told apart by host name. Pages are
 * React rendered on the server over the api's GraphQL; login through the realm (code + PKCE, state and
 * nonce, the id_token checked; @kommuna/platform-oidc-client) and logout there too; the
 * session in Redis or an encrypted cookie, never in this process.
 */
export function buildWeb(options: WebOptions): FastifyInstance {
  const { config, tenants, sessions, assets } = options;
  const logger = options.logger ?? new JsonLogger('info');
  const now = options.now ?? Date.now;
  const api = new ApiClient(config.apiUrl);
  const realm = new OidcClient({ issuer: config.realmUrl, clientId: config.clientId, now });
  const loginKey = derivedKey(config.sessionSecret, 'login');
  const secure = config.scheme === 'https';
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, trustProxy: false });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, [...new URLSearchParams(body as string).entries()]);
  });

  // Forms with files post multipart: its fields become the same entries a plain form's do (so the
  // CSRF check reads them alike), its files are kept beside them for the route.
  const postedFiles = new WeakMap<FastifyRequest, PostedFile[]>();
  void app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 10, fields: 300, fieldSize: 64 * 1024 } });
  app.addHook('preHandler', async (request) => {
    if (!request.isMultipart()) return;
    const entries: PostedForm = [];
    const files: PostedFile[] = [];
    // A route may take larger files than forms do (a call recording): it says so in its config.
    const fileSize = request.routeOptions.config.maxFileBytes ?? MAX_FILE_BYTES;
    for await (const part of request.parts({ limits: { fileSize } })) {
      if (part.type === 'field') {
        entries.push([part.fieldname, String(part.value)]);
        continue;
      }
      let data: Buffer = Buffer.alloc(0);
      let tooLarge = false;
      try {
        data = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
        tooLarge = true;
      }
      if (part.filename) files.push({ name: part.fieldname, fileName: part.filename, data, tooLarge });
    }
    request.body = entries;
    postedFiles.set(request, files);
  });

  void app.register(fastifyCookie);
  registerPageSecurity(app, { realmUrl: config.realmUrl, secure, scripts: true });
  app.addHook('onResponse', (request, reply, done) => {
    logger.event('info', 'request', {
      method: request.method,
      host: request.headers.host,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });

  const { setCookie, clearCookie, cookiesOf } = pageCookies(secure);
  const langOf = (request: FastifyRequest): Lang => langFrom(cookiesOf(request)[LANG_COOKIE]);
  const tenantOf = (request: FastifyRequest) => tenants.find(request.headers.host);
  /** This host's own origin: where the browser is, so where the realm sends it back. */
  const originOf = (request: FastifyRequest) => `${config.scheme}://${request.headers.host}`;
  const context = (request: FastifyRequest, tenant?: WebTenant, session?: Session): PageContext => ({
    lang: langOf(request),
    path: localPath(request.url),
    tenant,
    user: session?.user,
    csrfToken: session?.csrfToken,
    stylesheet: assets.css.path,
    theme: tenant && assets.themes.get(tenant.slug),
  });
  const send = (reply: FastifyReply, status: number, ctx: PageContext, page: Page) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderPage(ctx, page));
  const toLogin = (reply: FastifyReply, returnTo: string) =>
    reply.redirect(`/auth/login?returnTo=${encodeURIComponent(localPath(returnTo))}`, 303);

  /**
   * The request's live session at this municipality, its access token renewed when it is about
   * to expire (and the cookie with it); undefined when there is none or the realm refused renewal.
   */
  async function sessionOf(request: FastifyRequest, reply: FastifyReply, tenant: WebTenant): Promise<Session | undefined> {
    const stored = cookiesOf(request)[SESSION_COOKIE];
    const session = await sessions.load(stored);
    if (!session || session.tenant !== tenant.slug) return undefined;
    if (session.accessTokenExpiresAt - 30_000 > now()) return session;
    const renewed = await realm.refresh(session, session.user.subject);
    if (!renewed) {
      await sessions.delete(stored);
      clearCookie(reply, SESSION_COOKIE);
      return undefined;
    }
    const { accessToken, accessTokenExpiresAt, refreshToken, idToken } = renewed.tokens;
    const next: Session = { ...session, accessToken, accessTokenExpiresAt, refreshToken, idToken, user: renewed.user };
    setCookie(reply, SESSION_COOKIE, await sessions.save(next));
    return next;
  }

  type Handler = (request: FastifyRequest, reply: FastifyReply, tenant: WebTenant, session: Session | undefined) => Promise<unknown>;

  /** A page of a municipality: 404 on a host that is none; the api's refusals become pages. */
  const municipal =
    (work: Handler) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const tenant = tenantOf(request);
      if (!tenant)
        return send(
          reply,
          404,
          context(request),
          messagePage(t(langOf(request), 'notFoundTitle'), t(langOf(request), 'notFoundText'), { href: '/', label: 'Kommuna' }),
        );
      const session = await sessionOf(request, reply, tenant);
      try {
        return await work(request, reply, tenant, session);
      } catch (error) {
        const ctx = context(request, tenant, session);
        if (error instanceof ApiError) {
          if (error.code === 'UNAUTHENTICATED') {
            await sessions.delete(cookiesOf(request)[SESSION_COOKIE]);
            clearCookie(reply, SESSION_COOKIE);
            return toLogin(reply, request.method === 'GET' ? request.url : '/');
          }
          if (error.code === 'FORBIDDEN') return send(reply, 403, ctx, messagePage(t(ctx.lang, 'forbiddenTitle')));
          if (error.code === 'INSUFFICIENT_ASSURANCE')
            return send(
              reply,
              403,
              ctx,
              assurancePage(ctx.lang, error.details, request.method === 'GET' ? localPath(request.url) : '/my-pages', session?.csrfToken),
            );
          if (['NOT_FOUND', 'FORM_NOT_FOUND', 'CASE_NOT_FOUND', 'SUBMISSION_NOT_FOUND'].includes(error.code))
            return send(reply, 404, ctx, messagePage(t(ctx.lang, 'notFoundTitle'), t(ctx.lang, 'notFoundText')));
        }
        logger.event('error', 'web page failed', {
          path: request.url.split('?')[0],
          error: (error as Error).message,
          code: (error as { code?: string }).code,
        });
        return send(reply, 502, ctx, messagePage(t(ctx.lang, 'errorTitle'), t(ctx.lang, 'errorText')));
      }
    };

  /** A page of a municipality for the logged-in resident: anyone else goes through the login first. */
  const resident = (work: (request: FastifyRequest, reply: FastifyReply, tenant: WebTenant, session: Session) => Promise<unknown>) =>
    municipal(async (request, reply, tenant, session) => (session ? work(request, reply, tenant, session) : toLogin(reply, request.url)));

  /** A form post: the session's CSRF token when logged in, and a same-origin Origin when the browser sends one. */
  const postAllowed = (request: FastifyRequest, session: Session | undefined): boolean => {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== originOf(request)) return false;
    if (!session) return true;
    const posted = (request.body as PostedForm | undefined)?.find(([name]) => name === 'csrf')?.[1];
    return csrfMatches(session, posted);
  };
  const postedValue = (request: FastifyRequest, name: string) =>
    Array.isArray(request.body) ? (request.body as PostedForm).find(([n]) => n === name)?.[1] : undefined;

  const apiOrigin = new URL(config.apiUrl).origin;
  const kit: RouteKit = {
    api,
    apiOrigin,
    langOf,
    context,
    send,
    resident,
    residentPost: (work) =>
      resident(async (request, reply, tenant, session) =>
        postAllowed(request, session)
          ? work(request, reply, tenant, session)
          : send(reply, 403, context(request, tenant, session), messagePage(t(langOf(request), 'forbiddenTitle'))),
      ),
    postedValue,
    postedEntries: (request) => (Array.isArray(request.body) ? (request.body as PostedForm) : []),
    postedFiles: (request) => postedFiles.get(request) ?? [],
    caller: (tenant, session) => ({ tenant: tenant.slug, accessToken: session.accessToken }),
    proxyFile: async (reply, tenant, session, apiPath, options = {}) => {
      // Only the platform's own paths on the api, never a full URL a record might carry.
      if (!/^\/[A-Za-z0-9/_.-]+$/.test(apiPath) || apiPath.includes('..')) throw new ApiError('NOT_FOUND', 'Not a document path');
      const response = await fetch(`${apiOrigin}${apiPath}?language=${langOf(reply.request)}`, {
        headers: { authorization: `Bearer ${session.accessToken}`, 'x-kommuna-tenant': tenant.slug },
        signal: AbortSignal.timeout(15_000),
      }).catch((error: Error) => {
        throw new ApiError('API_UNAVAILABLE', `The api cannot be reached (${error.message})`);
      });
      if (response.status === 401) throw new ApiError('UNAUTHENTICATED', 'The api did not accept the token');
      if (response.status === 403) throw new ApiError('FORBIDDEN', 'Not allowed');
      if (response.status === 404) throw new ApiError('NOT_FOUND', 'No such document');
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || !type || (options.pdfOnly && !type.startsWith('application/pdf')))
        throw new ApiError('API_UNAVAILABLE', `The api answered ${response.status} for a document`);
      return (
        reply
          .type(type)
          .header('content-disposition', response.headers.get('content-disposition') ?? 'attachment')
          // A resident's file is passed on as the api sent it: never sniffed into something else, never cached.
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(await response.arrayBuffer()))
      );
    },
  };

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/assets/:file', async (request, reply) => {
    const found = assets.byPath.get(request.url.split('?')[0]);
    if (!found) return reply.code(404).send();
    const accepted = String(request.headers['accept-encoding'] ?? '');
    reply.type(found.type).header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding');
    if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(found.brotli);
    if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(found.gzip);
    return reply.send(found.body);
  });

  app.get('/', async (request, reply) => {
    const tenant = tenantOf(request);
    if (tenant) return reply.redirect('/e-services', 303);
    // No municipality in the host: each member's own address.
    const port = request.headers.host?.match(/:(\d+)$/)?.[1];
    const urlOf = (member: WebTenant) =>
      config.localDomain
        ? `${config.scheme}://${member.slug}.${config.localDomain}${port ? `:${port}` : ''}/`
        : `${config.scheme}://${member.hosts[0]}/`;
    const ctx = context(request);
    return send(
      reply,
      200,
      ctx,
      chooseMunicipalityPage(
        ctx.lang,
        tenants.tenants.map((member) => ({ tenant: member, url: urlOf(member) })),
      ),
    );
  });

  app.get('/lang/:lang', async (request, reply) => {
    const { lang } = request.params as { lang: string };
    reply.setCookie(LANG_COOKIE, langFrom(lang), { path: '/', sameSite: 'lax', secure, maxAge: 31_536_000 });
    return reply.redirect(localPath((request.query as Record<string, string>).returnTo), 303);
  });

  app.get(
    '/auth/login',
    municipal(async (request, reply, tenant) => {
      const checks = newLoginChecks();
      const returnTo = localPath((request.query as Record<string, string>).returnTo, '/my-pages');
      const url = await realm.authorizationUrl({
        redirectUri: `${originOf(request)}/auth/callback`,
        checks,
        language: langOf(request),
        fresh: (request.query as Record<string, string>).fresh === '1',
      });
      // The login in progress (its state, PKCE verifier and nonce) travels sealed in a cookie of this
      // browser: any replica finishes it, and nobody can finish a login started in another browser.
      const sealed = await seal(loginKey, { ...checks, returnTo, tenant: tenant.slug }, now() + LOGIN_MAX_AGE_MS);
      setCookie(reply, LOGIN_COOKIE, sealed, LOGIN_MAX_AGE_MS / 1000);
      return reply.redirect(url, 303);
    }),
  );

  app.get(
    '/auth/callback',
    municipal(async (request, reply, tenant) => {
      const ctx = context(request, tenant);
      const query = request.query as Record<string, string | undefined>;
      // The way back from a logout at the realm (its post-logout redirect is this callback, which the
      // realm has registered): the state this browser was given at logout, and no code.
      const loggingOut = cookiesOf(request)[LOGOUT_COOKIE];
      if (!query.code && query.state && loggingOut === query.state) return clearCookie(reply, LOGOUT_COOKIE).redirect('/logged-out', 303);
      const login = await unseal(loginKey, cookiesOf(request)[LOGIN_COOKIE], now());
      const failed = () =>
        send(
          clearCookie(reply, LOGIN_COOKIE),
          400,
          ctx,
          messagePage(t(ctx.lang, 'loginFailed'), t(ctx.lang, 'loginFailedText'), { href: '/auth/login', label: t(ctx.lang, 'login') }),
        );
      if (
        !login ||
        login.tenant !== tenant.slug ||
        typeof login.state !== 'string' ||
        login.state !== query.state ||
        typeof login.verifier !== 'string' ||
        typeof login.nonce !== 'string'
      )
        return failed();
      try {
        const { tokens, user } = await realm.finishLogin(new URL(`${originOf(request)}${request.url}`), {
          state: login.state,
          verifier: login.verifier,
          nonce: login.nonce,
        });
        const session: Session = {
          id: newToken(),
          tenant: tenant.slug,
          accessToken: tokens.accessToken,
          accessTokenExpiresAt: tokens.accessTokenExpiresAt,
          refreshToken: tokens.refreshToken,
          idToken: tokens.idToken,
          user,
          expiresAt: now() + SESSION_MAX_AGE_MS,
          csrfToken: newToken(),
        };
        setCookie(reply, SESSION_COOKIE, await sessions.save(session));
        clearCookie(reply, LOGIN_COOKIE);
        logger.event('info', 'web login', { tenant: tenant.slug, subject: session.user.subject });
        return reply.redirect(localPath(login.returnTo, '/my-pages'), 303);
      } catch (error) {
        if (!(error instanceof LoginFailedError)) throw error;
        logger.event('warn', 'web login failed', { tenant: tenant.slug, error: error.message });
        return failed();
      }
    }),
  );

  /**
   * Ends the web's session, then the realm's (RP-initiated logout with the id_token as hint, so the
   * realm does not ask), which sends the browser back to the callback with the state given here.
   * Without a session, or when the realm cannot be reached, the web's session alone ends.
   */
  app.post(
    '/auth/logout',
    municipal(async (request, reply, tenant, session) => {
      if (session && !postAllowed(request, session))
        return send(reply, 403, context(request, tenant, session), messagePage(t(langOf(request), 'forbiddenTitle')));
      await sessions.delete(cookiesOf(request)[SESSION_COOKIE]);
      clearCookie(reply, SESSION_COOKIE);
      if (!session) return reply.redirect('/logged-out', 303);
      const state = newToken();
      let url: string | undefined;
      try {
        url = await realm.logoutUrl({ idToken: session.idToken, postLogoutRedirectUri: `${originOf(request)}/auth/callback`, state });
      } catch (error) {
        logger.event('warn', 'web logout at the realm skipped', { tenant: tenant.slug, error: (error as Error).message });
      }
      logger.event('info', 'web logout', { tenant: tenant.slug, subject: session.user.subject, atRealm: url !== undefined });
      if (!url) return reply.redirect('/logged-out', 303);
      setCookie(reply, LOGOUT_COOKIE, state, LOGIN_MAX_AGE_MS / 1000);
      return reply.redirect(url, 303);
    }),
  );

  // Logged in with too weak an e-legitimation: this session ends and the realm asks again.
  app.post(
    '/auth/login-again',
    municipal(async (request, reply, tenant, session) => {
      if (session && !postAllowed(request, session))
        return send(reply, 403, context(request, tenant, session), messagePage(t(langOf(request), 'forbiddenTitle')));
      await sessions.delete(cookiesOf(request)[SESSION_COOKIE]);
      clearCookie(reply, SESSION_COOKIE);
      return reply.redirect(
        `/auth/login?fresh=1&returnTo=${encodeURIComponent(localPath(postedValue(request, 'returnTo'), '/my-pages'))}`,
        303,
      );
    }),
  );

  app.get(
    '/logged-out',
    municipal(async (request, reply, tenant) => {
      const ctx = context(request, tenant);
      return send(reply, 200, ctx, messagePage(t(ctx.lang, 'loggedOut'), t(ctx.lang, 'loggedOutText')));
    }),
  );

  app.get(
    '/e-services',
    municipal(async (request, reply, tenant, session) => {
      const ctx = context(request, tenant, session);
      const query = (request.query as Record<string, unknown>).q;
      const { publishedForms } = await api.query<{ publishedForms: PublishedFormSummary[] }>({ tenant: tenant.slug }, PUBLISHED_FORMS);
      return send(
        reply,
        200,
        ctx,
        servicesPage(ctx.lang, tenant.names[ctx.lang], publishedForms, typeof query === 'string' ? query.slice(0, 200) : ''),
      );
    }),
  );

  const loadForm = async (tenant: WebTenant, slug: string) =>
    (await api.query<{ publishedForm: PublishedForm }>({ tenant: tenant.slug }, PUBLISHED_FORM, { slug })).publishedForm;
  const renderForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session | undefined,
    form: PublishedForm,
    status: number,
    state: FormPageState,
    idempotencyKey: string,
  ) => {
    const ctx = context(request, tenant, session);
    const hidden: Record<string, string> = { idempotencyKey };
    if (session) hidden.csrf = session.csrfToken;
    if (state.draft) hidden.draftId = state.draft.id;
    return send(reply, status, ctx, formPage(ctx.lang, form, state, hidden, assets.formScript.path, session !== undefined));
  };

  const draftIdOf = (value: unknown) => (typeof value === 'string' && UUID.test(value) ? value : undefined);
  const filesOf = (draft: FormDraftView) => Object.fromEntries(draft.attachments.map((a) => [a.field, { id: a.id, fileName: a.fileName }]));

  app.get(
    '/e-services/:slug',
    municipal(async (request, reply, tenant, session) => {
      const form = await loadForm(tenant, (request.params as { slug: string }).slug);
      if (form.loginRequired && !session) return toLogin(reply, request.url);
      const query = request.query as Record<string, unknown>;
      const draftId = draftIdOf(query.draft);
      if (draftId && session) {
        // A saved draft, on this device or another: the answers and files as they were left.
        const { formDraft } = await api.query<{ formDraft: FormDraftView }>(kit.caller(tenant, session), FORM_DRAFT, { id: draftId });
        if (formDraft.formSlug !== form.slug)
          return reply.redirect(`/e-services/${encodeURIComponent(formDraft.formSlug)}?draft=${draftId}`, 303);
        return renderForm(
          request,
          reply,
          tenant,
          session,
          form,
          200,
          {
            answers: formDraft.data,
            problems: [],
            files: filesOf(formDraft),
            draft: { id: formDraft.id, expiresAt: formDraft.expiresAt, saved: query.saved === '1' },
          },
          randomUUID(),
        );
      }
      return renderForm(request, reply, tenant, session, form, 200, { answers: {}, problems: [] }, randomUUID());
    }),
  );

  app.post(
    '/e-services/:slug',
    municipal(async (request, reply, tenant, session) => {
      const { slug } = request.params as { slug: string };
      const lang = langOf(request);
      if (!postAllowed(request, session))
        return send(reply, 403, context(request, tenant, session), messagePage(t(lang, 'forbiddenTitle')));
      const form = await loadForm(tenant, slug);
      if (form.loginRequired && !session) return toLogin(reply, `/e-services/${encodeURIComponent(slug)}`);
      const posted = Array.isArray(request.body) ? (request.body as PostedForm) : [];
      const answers = answersFromEntries(form.definition, posted);
      const saving = postedValue(request, 'intent') === 'save';
      // The same key for a resubmitted page (a double click, a reload): the api answers the same receipt.
      const key = postedValue(request, 'idempotencyKey');
      const idempotencyKey = key && /^[A-Za-z0-9-]{8,64}$/.test(key) ? key : randomUUID();
      const files = kit.postedFiles(request);
      // Files and saving go through a draft (a logged-in resident's): a file is uploaded to it.
      let draft: FormDraftView | undefined;
      let problems: FieldProblem[] = [];
      let held: Record<string, { id: string; fileName: string }> = {};
      if (session && (saving || files.length > 0 || draftIdOf(postedValue(request, 'draftId')))) {
        const caller = kit.caller(tenant, session);
        const draftId = draftIdOf(postedValue(request, 'draftId'));
        draft = draftId
          ? (await api.query<{ formDraft: FormDraftView }>(caller, FORM_DRAFT, { id: draftId })).formDraft
          : (await api.query<{ startFormDraft: FormDraftView }>(caller, START_FORM_DRAFT, { slug })).startFormDraft;
        const uploaded = await answerAttachments(
          api,
          caller,
          form.definition,
          { draftId: draft.id },
          { entries: posted, files },
          draft.attachments,
          answers,
          lang,
        );
        problems = uploaded.problems;
        held = uploaded.files;
        if (saving) {
          await api.query(caller, SAVE_FORM_DRAFT, { id: draft.id, data: answers });
          if (problems.length === 0) return reply.redirect(`/e-services/${encodeURIComponent(slug)}?draft=${draft.id}&saved=1`, 303);
        }
      } else if (!session && files.length > 0) {
        problems = [{ path: '', message: t(lang, 'loginToAttach') }];
      }
      const state = (extra: Partial<FormPageState>): FormPageState => ({
        answers,
        problems,
        files: held,
        draft: draft ? { id: draft.id, expiresAt: draft.expiresAt, saved: false } : undefined,
        ...extra,
      });
      if (problems.length > 0) return renderForm(request, reply, tenant, session, form, 422, state({}), idempotencyKey);
      let receipt: FormReceiptView;
      try {
        ({ submitForm: receipt } = await api.query<{ submitForm: FormReceiptView }>(
          { tenant: tenant.slug, accessToken: session?.accessToken },
          SUBMIT_FORM,
          {
            input: { formSlug: slug, data: answers, idempotencyKey, ...(draft ? { draftId: draft.id } : {}) },
            language: lang,
          },
        ));
      } catch (error) {
        if (!(error instanceof ApiError) || !['SUBMISSION_INVALID', 'VALIDATION_FAILED'].includes(error.code)) throw error;
        const found = Array.isArray(error.details)
          ? error.details.filter((d): d is FieldProblem => isRecord(d) && typeof d.path === 'string' && typeof d.message === 'string')
          : [];
        return renderForm(request, reply, tenant, session, form, 422, state({ problems: found, message: error.message }), idempotencyKey);
      }
      if (session) return reply.redirect(`/receipts/${encodeURIComponent(receipt.submissionId)}`, 303);
      // Without a login the receipt cannot be fetched again: it is shown here (a reload posts the same key).
      const ctx = context(request, tenant, session);
      return send(reply, 200, ctx, receiptPage(ctx.lang, receipt, false));
    }),
  );

  app.get(
    '/receipts/:id',
    resident(async (request, reply, tenant, session) => {
      const ctx = context(request, tenant, session);
      const { formReceipt } = await api.query<{ formReceipt: FormReceiptView }>(
        { tenant: tenant.slug, accessToken: session.accessToken },
        FORM_RECEIPT,
        { id: (request.params as { id: string }).id },
      );
      return send(reply, 200, ctx, receiptPage(ctx.lang, formReceipt, true));
    }),
  );

  app.get(
    '/receipts/:id/pdf',
    resident(async (request, reply, tenant, session) => {
      const { formReceipt } = await api.query<{ formReceipt: { errandNumber: string; pdfBase64: string } }>(
        { tenant: tenant.slug, accessToken: session.accessToken },
        FORM_RECEIPT_PDF,
        {
          id: (request.params as { id: string }).id,
          language: langOf(request),
        },
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="kvittens-${formReceipt.errandNumber.replace(/[^A-Za-z0-9-]/g, '')}.pdf"`)
        .send(Buffer.from(formReceipt.pdfBase64, 'base64'));
    }),
  );

  app.get(
    '/my-pages',
    resident(async (request, reply, tenant, session) => {
      const ctx = context(request, tenant, session);
      const caller = { tenant: tenant.slug, accessToken: session.accessToken };
      // Company mode is for representatives: whom they may act for is Mina ombud's answer, asked by the api.
      const organisations = session.user.roles.includes('company_representative')
        ? (await api.query<{ myOrganisations: Organisation[] }>(caller, MY_ORGANISATIONS)).myOrganisations
        : [];
      const as = asOrganisationOf((request.query as Record<string, unknown>).as);
      const actingFor = (as && organisations.find((o) => o.organisationsnummer === as)) || null;
      if (as && !actingFor) return send(reply, 403, ctx, messagePage(t(ctx.lang, 'forbiddenTitle')));
      const { myCases, myFormDrafts, myNotices } = await api.query<{
        myCases: { nodes: CaseSummary[] };
        myFormDrafts: FormDraftView[];
        myNotices: NoticeView[];
      }>(caller, MY_PAGES, { as });
      // Drafts and notices are the resident's own: not shown while acting for a company.
      return send(
        reply,
        200,
        ctx,
        myPagesPage(ctx.lang, session.user.name, myCases.nodes, actingFor ? [] : myFormDrafts, {
          organisations,
          actingFor,
          notices: actingFor ? [] : myNotices,
        }),
      );
    }),
  );

  registerWorkspaceRoutes(app, kit);
  registerMyPagesRoutes(app, kit, assets.formScript.path);

  app.setNotFoundHandler((request, reply) => {
    const ctx = context(request, tenantOf(request));
    return send(
      reply,
      404,
      ctx,
      messagePage(t(ctx.lang, 'notFoundTitle'), t(ctx.lang, 'notFoundText'), { href: '/', label: t(ctx.lang, 'eServices') }),
    );
  });

  app.addHook('onClose', async () => sessions.close());
  return app;
}
