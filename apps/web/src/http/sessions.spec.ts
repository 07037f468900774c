import { CookieSessionStore, newToken, RedisSessionStore, Session } from './sessions';

const REDIS_URL = process.env.KOMMUNA_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

const session = (now: number, overrides: Partial<Session> = {}): Session => ({
  id: newToken(),
  tenant: 'sundsvall',
  accessToken: 'header.payload.signature',
  accessTokenExpiresAt: now + 300_000,
  refreshToken: 'refresh',
  expiresAt: now + 3_600_000,
  csrfToken: newToken(),
  user: { subject: 'anna', name: 'Anna Andersson', roles: ['citizen'] },
  ...overrides,
});

describe('sessions sealed in the cookie', () => {
  it('are read back only with the same secret, unaltered and unexpired, and never show the token', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new CookieSessionStore(SECRET, () => now);
    const saved = session(now);
    const cookie = await store.save(saved);
    expect(cookie).not.toContain('header.payload');
    await expect(store.load(cookie)).resolves.toEqual(saved);
    // Another process with the same secret (a replica, or the web after a restart) reads it too.
    await expect(new CookieSessionStore(SECRET, () => now).load(cookie)).resolves.toEqual(saved);
    await expect(new CookieSessionStore(`${SECRET}-other`, () => now).load(cookie)).resolves.toBeUndefined();
    const altered = `${cookie.slice(0, -3)}${cookie.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
    await expect(store.load(altered)).resolves.toBeUndefined();
    await expect(store.load('not a sealed value')).resolves.toBeUndefined();
    await expect(store.load(undefined)).resolves.toBeUndefined();
    now += 3_600_000;
    await expect(store.load(cookie)).resolves.toBeUndefined();
  });

  it('keep the id_token while a browser can hold the cookie, and drop it (not the session) when it cannot', async () => {
    const now = Date.UTC(2026, 0, 1);
    const store = new CookieSessionStore(SECRET, () => now);
    const small = session(now, { idToken: `h.${'i'.repeat(600)}.s` });
    await expect(store.load(await store.save(small))).resolves.toEqual(small);
    // Keycloak's tokens are larger: with a 3 KB id_token the whole would pass 4 KB, which browsers drop.
    const large = session(now, { accessToken: `h.${'a'.repeat(1200)}.s`, idToken: `h.${'i'.repeat(3000)}.s` });
    const cookie = await store.save(large);
    expect(cookie.length).toBeLessThanOrEqual(3900);
    await expect(store.load(cookie)).resolves.toEqual({ ...large, idToken: undefined });
  });
});

describe('sessions in Redis', () => {
  let store: RedisSessionStore;
  let other: RedisSessionStore;
  const now = Date.now();

  beforeAll(() => {
    const prefix = `kommuna:web:test:${newToken()}:`;
    store = new RedisSessionStore(REDIS_URL, () => now, prefix);
    other = new RedisSessionStore(REDIS_URL, () => now, prefix);
  });

  afterAll(async () => {
    await store.close();
    await other.close();
  });

  it('are shared by every process through an opaque id, and gone after logout', async () => {
    const saved = session(now);
    const cookie = await store.save(saved);
    expect(cookie).toBe(saved.id);
    await expect(other.load(cookie)).resolves.toEqual(saved);
    // Renewing the token keeps the id.
    await expect(store.save({ ...saved, accessToken: 'renewed' })).resolves.toBe(cookie);
    await expect(other.load(cookie)).resolves.toMatchObject({ accessToken: 'renewed' });
    await other.delete(cookie);
    await expect(store.load(cookie)).resolves.toBeUndefined();
    await expect(store.load('../../etc')).resolves.toBeUndefined();
    await expect(store.load(newToken())).resolves.toBeUndefined();
  });
});
