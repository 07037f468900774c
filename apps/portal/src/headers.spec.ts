import { JsonLogger } from '@kommuna/platform-logging';
import { loadPortalConfig } from './config';
import { buildPortal } from './server';

// The portal's security headers (@fastify/helmet) and cookie reading (@fastify/cookie), without an
// identity provider: none of these requests reaches one.
describe('portal headers and cookies', () => {
  const portalAt = (publicUrl: string) =>
    buildPortal(loadPortalConfig({ NODE_ENV: 'test', KEYCLOAK_URL: 'http://127.0.0.1:3001', PORTAL_PUBLIC_URL: publicUrl }), {
      logger: new JsonLogger('error'),
    });

  it('sends a script-free CSP whose forms go only here and to the realm, no framing, no sniffing, and no caching of pages', async () => {
    const portal = portalAt('http://127.0.0.1:3003');
    const page = await portal.inject({ method: 'GET', url: '/logged-out' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp.split(';').map((d) => d.trim())).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self' http://127.0.0.1:3001",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ]),
    );
    expect(csp).not.toMatch(/script-src/);
    expect(page.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    // HSTS only where the portal is reached over https.
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const css = await portal.inject({ method: 'GET', url: '/assets/portal.css' });
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    await portal.close();

    const behindTls = portalAt('https://portal.kommuna.example');
    expect((await behindTls.inject({ method: 'GET', url: '/logged-out' })).headers['strict-transport-security']).toBe('max-age=31536000');
    await behindTls.close();
  });

  it('reads the language cookie, ignores a malformed one, and sets cookies httpOnly and SameSite=Lax (Secure over https)', async () => {
    const portal = portalAt('https://portal.kommuna.example');
    expect((await portal.inject({ method: 'GET', url: '/logged-out', headers: { cookie: 'kp_lang=en' } })).body).toContain('lang="en"');
    const malformed = await portal.inject({ method: 'GET', url: '/logged-out', headers: { cookie: 'kp_lang=%E0%A4%A; kp_session=%' } });
    expect(malformed.statusCode).toBe(200);
    expect(malformed.body).toContain('lang="sv"');
    const lang = await portal.inject({ method: 'GET', url: '/lang/en?returnTo=/catalogue' });
    expect(lang.headers['set-cookie']).toBe('kp_lang=en; Max-Age=31536000; Path=/; Secure; SameSite=Lax');
    const logout = await portal.inject({ method: 'POST', url: '/auth/logout' });
    expect(String(logout.headers['set-cookie'])).toMatch(
      /^kp_session=; Max-Age=0; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
    );
    await portal.close();
  });
});
