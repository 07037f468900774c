import { CATALOGUE_READER_ROLES } from '@kommuna/catalogue';
import { mayUsePortal, PORTAL_ROLES, SessionStore, SessionStoreFullError } from './sessions';

const user = (subject: string, roles = ['steering_group']) => ({ subject, name: subject, roles });
const tokens = { accessToken: 'token', accessTokenExpiresAt: 0 };

describe('portal session store', () => {
  let clock = 1_000_000;
  const now = () => clock;
  const inAnHour = () => clock + 3_600_000;

  it('keeps the steering group logged in through a flood of other logins: a live session is never evicted for another', () => {
    const store = new SessionStore(now, 100);
    const steering = store.create(tokens, inAnHour(), user('styrgrupp'));
    // Before, the 101st session evicted the oldest: the steering group's.
    for (let i = 0; i < 99; i++) store.create(tokens, inAnHour(), user(`flood-${i}`, ['platform_admin']));
    expect(() => store.create(tokens, inAnHour(), user('one-too-many', ['platform_admin']))).toThrow(SessionStoreFullError);
    expect(store.get(steering.id)).toBe(steering);
    expect(store.size).toBe(100);
  });

  it('makes room from expired sessions before refusing anyone', () => {
    const store = new SessionStore(now, 3);
    const steering = store.create(tokens, inAnHour(), user('styrgrupp'));
    store.create(tokens, clock + 1000, user('a'));
    store.create(tokens, clock + 1000, user('b'));
    clock += 2000;
    const next = store.create(tokens, inAnHour(), user('c'));
    expect(store.get(next.id)).toBe(next);
    expect(store.get(steering.id)).toBe(steering);
    expect(store.size).toBe(2);
  });

  it('lets one identity hold only a few sessions: its own oldest goes, nobody else’s', () => {
    const store = new SessionStore(now, 100, 600_000, 3);
    const other = store.create(tokens, inAnHour(), user('styrgrupp'));
    const own = Array.from({ length: 50 }, () => store.create(tokens, inAnHour(), user('same-admin', ['platform_admin'])));
    expect(store.size).toBe(4);
    expect(own.slice(0, 47).every((s) => store.get(s.id) === undefined)).toBe(true);
    expect(own.slice(47).every((s) => store.get(s.id) === s)).toBe(true);
    expect(store.get(other.id)).toBe(other);
  });

  it('forgets a logged-out or expired session', () => {
    const store = new SessionStore(now, 10);
    const a = store.create(tokens, clock + 10, user('a'));
    const b = store.create(tokens, inAnHour(), user('b'));
    store.delete(b.id);
    clock += 10;
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get(b.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('admits exactly the catalogue readers', () => {
    expect([...PORTAL_ROLES].sort()).toEqual([...CATALOGUE_READER_ROLES].sort());
    expect(mayUsePortal(user('s', ['steering_group']))).toBe(true);
    expect(mayUsePortal(user('p', ['platform_admin']))).toBe(true);
    for (const roles of [[], ['citizen'], ['tenant_admin'], ['case_worker'], ['company_representative']])
      expect(mayUsePortal(user('x', roles))).toBe(false);
  });
});
