import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { pageCookies } from './page-cookies';

describe('pageCookies', () => {
  const appWith = async (secure: boolean) => {
    const app = Fastify();
    await app.register(fastifyCookie);
    const { setCookie, clearCookie, cookiesOf } = pageCookies(secure);
    app.get('/set', async (_request, reply) => setCookie(reply, 'k_lang', 'en', 60).send('set'));
    app.get('/clear', async (_request, reply) => clearCookie(reply, 'k_session').send('cleared'));
    app.get('/read', async (request) => cookiesOf(request));
    return app;
  };

  it('sets and clears cookies for the whole site, httpOnly and SameSite=Lax, Secure only over https', async () => {
    const plain = await appWith(false);
    expect((await plain.inject({ method: 'GET', url: '/set' })).headers['set-cookie']).toBe(
      'k_lang=en; Max-Age=60; Path=/; HttpOnly; SameSite=Lax',
    );
    await plain.close();
    const secure = await appWith(true);
    expect((await secure.inject({ method: 'GET', url: '/set' })).headers['set-cookie']).toBe(
      'k_lang=en; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(String((await secure.inject({ method: 'GET', url: '/clear' })).headers['set-cookie'])).toMatch(
      /^k_session=; Max-Age=0; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
    );
    await secure.close();
  });

  it('reads the cookies sent, a malformed one without a crash', async () => {
    const app = await appWith(false);
    const read = await app.inject({ method: 'GET', url: '/read', headers: { cookie: 'k_lang=sv; k_session=%E0%A4%A' } });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ k_lang: 'sv' });
    await app.close();
  });
});
