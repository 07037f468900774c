import fastifyCookie from '@fastify/cookie';
import Fastify, { FastifyInstance } from 'fastify';
import { langFrom, registerPageSecurity } from '@kommuna/platform-page-server';
import type { PortalConfig } from './config';
import { PORTAL_CSS } from './css';
import { messagePage } from './pages/message';
import { authRoutes } from './routes/auth';
import { catalogueRoutes } from './routes/catalogue';
import { exportRoutes } from './routes/exports';
import { proposalRoutes } from './routes/proposals';
import { createPortalKit, LANG_COOKIE, localPath, PortalOptions } from './routes/kit';

export type { PortalOptions } from './routes/kit';

/**
 * The steering group's web pages: server-rendered HTML over the api's GraphQL, logged in through
 * the identity provider. This file sets up what every page shares (cookies, security headers, the
 * form parser, logging, the stylesheet, the language switch); each route group is a Fastify plugin
 * in routes/, given the portal's kit (sessions, realm, data, page rendering) as its options.
 */
export function buildPortal(config: PortalConfig, options: PortalOptions = {}): FastifyInstance {
  const kit = createPortalKit(config, options);
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  void app.register(fastifyCookie);
  registerPageSecurity(app, { realmUrl: config.realmUrl, secure: kit.secure, scripts: false });

  app.addHook('onResponse', (request, reply, done) => {
    kit.logger.event('info', 'request', {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/assets/portal.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS),
  );
  app.get('/', async (_request, reply) => reply.redirect('/catalogue', 303));

  app.get('/lang/:lang', async (request, reply) => {
    const { lang } = request.params as { lang: string };
    reply.setCookie(LANG_COOKIE, langFrom(lang), { path: '/', sameSite: 'lax', secure: kit.secure, maxAge: 31_536_000 });
    return reply.redirect(localPath((request.query as Record<string, string>).returnTo), 303);
  });

  void app.register(authRoutes, kit);
  void app.register(catalogueRoutes, kit);
  void app.register(exportRoutes, kit);
  void app.register(proposalRoutes, kit);

  app.setNotFoundHandler((request, reply) => {
    // Who is logged in, as stored (a page that does not exist renews nothing).
    const ctx = kit.context(request, kit.storedSession(request));
    return kit.send(reply, 404, ctx, messagePage(ctx.lang, 'notFoundTitle', undefined));
  });

  return app;
}
