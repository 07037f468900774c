import Fastify from 'fastify';
import { registerPageSecurity } from './page-security';

// The headers on a bare Fastify app with one page and one asset, as the web and the portal register them.
describe('registerPageSecurity', () => {
  const appWith = async (options: { secure: boolean; scripts: boolean }) => {
    const app = Fastify();
    registerPageSecurity(app, { realmUrl: 'http://127.0.0.1:3001/realms/kommuna', ...options });
    app.get('/page', async () => 'a page');
    app.get('/assets/site.css', async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send('body {}'));
    await app.ready();
    return app;
  };
  /** The policy as directive → sources, so a directive added or missing fails as much as a changed one. */
  const policyOf = (csp: unknown): Record<string, string> =>
    Object.fromEntries(
      String(csp)
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources.join(' ')]),
    );

  it('allows only its own styles and images, forms here and to the realm, no framing, and no script unless asked', async () => {
    const app = await appWith({ secure: false, scripts: false });
    const page = await app.inject({ method: 'GET', url: '/page' });
    expect(policyOf(page.headers['content-security-policy'])).toEqual({
      'default-src': "'none'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'form-action': "'self' http://127.0.0.1:3001",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
    });
    expect(page.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    });
    expect(page.headers['strict-transport-security']).toBeUndefined();
    await app.close();

    const withScripts = await appWith({ secure: true, scripts: true });
    const secured = await withScripts.inject({ method: 'GET', url: '/page' });
    expect(policyOf(secured.headers['content-security-policy'])['script-src']).toBe("'self'");
    expect(secured.headers['strict-transport-security']).toBe('max-age=31536000');
    await withScripts.close();
  });

  it('lets no page be cached, and leaves the caching of assets to their route', async () => {
    const app = await appWith({ secure: false, scripts: false });
    expect((await app.inject({ method: 'GET', url: '/page' })).headers['cache-control']).toBe('no-store');
    expect((await app.inject({ method: 'GET', url: '/assets/site.css' })).headers['cache-control']).toBe('public, max-age=3600');
    await app.close();
  });
});
