import { createHash, randomBytes } from 'node:crypto';

/** The api's login callback on its default port, registered at dev-idp and Keycloak; the browser is never sent there. */
const TEST_CALLBACK = 'http://127.0.0.1:3000/callback';

/**
 * A resident's access token from a browser login (authorization code with PKCE, client kommuna-web)
 * through the realm's eID broker: Keycloak's or dev-idp's realm sends the browser (kc_idp_hint=eid)
 * to dev-idp's test e-legitimation (realm `eid`), where this picks one of Skatteverket's test
 * personnummer or samordningsnummer (TEST_EID_PERSONS in apps/dev-idp) at a level, loa3 as with
 * BankID or loa2 to see refusals; the broker brings the number and the level back.
 */
export async function testEidLogin(realmUrl: string, personnummer: string, level: 'loa3' | 'loa2' = 'loa3'): Promise<string> {
  const go = browserFetch();
  const endpoint = (suffix: string) => `${realmUrl}/protocol/openid-connect${suffix}`;
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'kommuna-web',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: TEST_CALLBACK,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    kc_idp_hint: 'eid',
  });
  let target = `${endpoint('/auth')}?${query}`;
  let response = await go(target);
  let sent = false;
  for (let step = 0; step < 12 && !(response.headers.get('location') ?? '').startsWith(TEST_CALLBACK); step++) {
    if (response.status >= 300 && response.status < 400) {
      target = new URL(response.headers.get('location') ?? '', target).toString();
      response = await go(target);
      continue;
    }
    // The test eID's page: the form that asks for the personnummer.
    const page = await response.text();
    const form = [...page.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)].find((m) =>
      m[2].includes('name="personnummer"'),
    );
    if (sent || !form) throw new Error(`the test eID login stopped at ${response.status} on ${target}: ${page.slice(0, 800)}`);
    sent = true;
    target = new URL(form[1].replace(/&amp;/g, '&'), target).toString();
    response = await go(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ personnummer, level }),
    });
  }
  const code = new URL(response.headers.get('location') ?? '', target).searchParams.get('code');
  if (!code) throw new Error(`the test eID login ended without a code (${response.status}): ${await response.text()}`);
  const tokens = await fetch(endpoint('/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'kommuna-web',
      code,
      redirect_uri: TEST_CALLBACK,
      code_verifier: verifier,
    }),
  });
  const body = (await tokens.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`the realm refused the code: ${body.error}`);
  return body.access_token;
}

/**
 * fetch as a browser without a browser: a cookie jar (by host, path and name, as browsers keep them:
 * Keycloak and dev-idp serve several realms on one host, each with its own cookies) and redirects
 * left to the caller.
 */
export function browserFetch(): (url: string, init?: RequestInit) => Promise<Response> {
  const jar = new Map<string, { host: string; path: string; name: string; value: string }>();
  return async (url, init = {}) => {
    const target = new URL(url);
    const cookie = [...jar.values()]
      .filter((c) => c.host === target.host && target.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attributes.map((a) => /^\s*path=(.*)$/i.exec(a)?.[1]?.trim()).find(Boolean) ?? '/';
      const gone = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line) || value === '';
      const key = `${target.host} ${path} ${name}`;
      if (gone) jar.delete(key);
      else jar.set(key, { host: target.host, path, name, value });
    }
    return response;
  };
}
