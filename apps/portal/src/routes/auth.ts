import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { IdentityProviderUnavailableError, LoginFailedError, newLoginChecks } from '@kommuna/platform-oidc-client';
import type { PortalConfig } from '../config';
import { mayUsePortal, SessionStoreFullError } from '../http/sessions';
import { messagePage } from '../pages/message';
import { localPath, LOGIN_COOKIE, LOGOUT_COOKIE, PortalKit, SESSION_COOKIE } from './kit';

/** The portal's one redirect URI at the realm: logins come back here, and so do logouts (with their state). */
const redirectUri = (config: Pick<PortalConfig, 'publicUrl'>) => `${config.publicUrl}/auth/callback`;

/**
 * Login and logout at the realm (@kommuna/platform-oidc-client: authorization code + PKCE, state
 * and nonce, the id_token checked; RP-initiated logout with the id_token as hint). The tokens stay
 * on the server; the browser holds an opaque session id.
 */
export const authRoutes: FastifyPluginAsync<PortalKit> = async (app, kit) => {
  const { config, logger, sessions, realm, context, send, setCookie, clearCookie, cookiesOf } = kit;

  app.get('/auth/login', async (request, reply) => {
    const checks = newLoginChecks();
    let url: string;
    try {
      url = await realm.authorizationUrl({ redirectUri: redirectUri(config), checks, language: kit.langOf(request) });
    } catch (error) {
      if (!(error instanceof IdentityProviderUnavailableError)) throw error;
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
      const session = sessions.create(tokens, kit.sessionEnd(tokens), user);
      setCookie(reply, SESSION_COOKIE, session.id);
      clearCookie(reply, LOGIN_COOKIE);
      logger.event('info', 'portal login', { subject: user.subject });
      return reply.redirect(login.returnTo, 303);
    } catch (error) {
      if (error instanceof SessionStoreFullError) {
        logger.event('error', 'portal login refused', { reason: error.message });
        return send(reply.header('retry-after', '60'), 503, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
      }
      if (error instanceof IdentityProviderUnavailableError) {
        logger.event('error', 'portal login failed', { error: error.message });
        return send(reply, 502, ctx, messagePage(ctx.lang, 'errorTitle', 'errorText'));
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
    const session = kit.storedSession(request);
    if (session && !kit.checkPost(request, session)) return kit.refuseCsrf(request, reply, session);
    sessions.delete(session?.id);
    clearCookie(reply, SESSION_COOKIE);
    if (!session) return reply.redirect('/logged-out', 303);
    const state = randomBytes(24).toString('base64url');
    let url: string | undefined;
    try {
      url = await realm.logoutUrl({ idToken: session.idToken, postLogoutRedirectUri: redirectUri(config), state });
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
};
