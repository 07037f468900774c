import { browserFetch } from './test-eid-login';
import { DEMO_PASSWORD } from './keycloak-process';

type BrowserFetch = ReturnType<typeof browserFetch>;

const decodeHtml = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"');

/**
 * The first form of a page (a login, a consent or a logout confirmation): where it posts, its hidden
 * fields, and what its first submit control sends when clicked.
 */
export function firstFormOf(
  html: string,
  base: string,
): { action: string; fields: Record<string, string>; submit: Record<string, string> } {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0] ?? '';
  const action = /action="([^"]*)"/i.exec(form)?.[1];
  if (!action) throw new Error(`no form on the page:\n${html.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input\b[^>]*>/gi) ?? []) {
    const name = /name="([^"]*)"/i.exec(input)?.[1];
    if (name && /type="hidden"/i.test(input)) fields[name] = decodeHtml(/value="([^"]*)"/i.exec(input)?.[1] ?? '');
  }
  const button = /<(?:input|button)\b[^>]*type="submit"[^>]*>/i.exec(form)?.[0] ?? '';
  const submitName = /name="([^"]*)"/i.exec(button)?.[1];
  const submit = submitName ? { [submitName]: decodeHtml(/value="([^"]*)"/i.exec(button)?.[1] ?? '') } : {};
  return { action: new URL(decodeHtml(action), base).toString(), fields, submit };
}

export interface RealmLogin {
  /** Where the realm sent the browser back: the redirect URI with its query (code and state, or an error). */
  callback: URL;
  /** The consent pages the realm asked on the way (Kommuna's clients have none). */
  consentPages: string[];
  /** Whether the realm asked for a password at all (false: its single sign-on answered at once). */
  askedForPassword: boolean;
}

/**
 * A demo user's login at the realm's own pages, as a browser does it, from the authorization URL
 * an app sent the browser to until the realm sends it back to `redirectUri`: redirects followed,
 * the login form filled (Keycloak with Organizations asks for the username first and the password
 * on a second page; dev-idp asks for both at once), a consent page accepted once. `go` keeps the
 * realm's cookies, so a second login with it meets the realm's single sign-on.
 */
export async function realmPasswordLogin(
  authorizationUrl: string,
  redirectUri: string,
  username: string,
  go: BrowserFetch = browserFetch(),
  password = DEMO_PASSWORD,
): Promise<RealmLogin> {
  let url = authorizationUrl;
  let response = await go(url);
  let passwordSent = false;
  const consentPages: string[] = [];
  for (let step = 0; step < 10 && !(response.headers.get('location') ?? '').startsWith(redirectUri); step++) {
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location') ?? '', url).toString();
      response = await go(url);
      continue;
    }
    const page = await response.text();
    const asks = { username: /name="username"/.test(page), password: /name="password"/.test(page) };
    if (response.status === 200 && passwordSent && !asks.username && !asks.password && consentPages.length === 0 && /<form/i.test(page)) {
      consentPages.push(url);
      const consent = firstFormOf(page, url);
      url = consent.action;
      response = await go(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...consent.fields, ...consent.submit }),
      });
      continue;
    }
    if (response.status !== 200 || passwordSent || (!asks.username && !asks.password))
      throw new Error(`login stopped at ${response.status} on ${url}:\n${page.slice(0, 1500)}`);
    const form = firstFormOf(page, url);
    passwordSent = asks.password;
    url = form.action;
    response = await go(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...(asks.username ? { username } : {}), ...(asks.password ? { password } : {}) }),
    });
  }
  const location = response.headers.get('location') ?? '';
  if (!location.startsWith(redirectUri)) throw new Error(`the login never came back to ${redirectUri} (${response.status} on ${url})`);
  return { callback: new URL(location), consentPages, askedForPassword: passwordSent };
}

/**
 * RP-initiated logout as a browser does it, from the URL an app sent the browser to: redirects
 * followed, a confirmation (if the realm asks) posted, until the realm sends the browser to
 * `backTo` (an origin or URL prefix). Says where it landed and whether the realm asked.
 */
export async function realmLogout(logoutUrl: string, backTo: string, go: BrowserFetch): Promise<{ asked: boolean; location: string }> {
  let url = logoutUrl;
  let response = await go(url);
  let asked = false;
  for (let hops = 0; hops < 6 && !(response.headers.get('location') ?? '').startsWith(backTo); hops++) {
    if (response.status === 200 && !asked) {
      asked = true;
      const confirm = firstFormOf(await response.text(), url);
      url = confirm.action;
      response = await go(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...confirm.fields, ...confirm.submit }),
      });
      continue;
    }
    if (response.status < 300 || response.status >= 400) throw new Error(`the logout stopped at ${response.status} on ${url}`);
    url = new URL(response.headers.get('location') ?? '', url).toString();
    response = await go(url);
  }
  return { asked, location: response.headers.get('location') ?? '' };
}
