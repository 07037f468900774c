import { createHash, randomBytes } from 'node:crypto';

/** The api's login callback on its default port, registered at dev-idp; the browser is never sent there. */
const TEST_CALLBACK = 'http://127.0.0.1:3000/callback';

/**
 * A resident's access token from a browser login at dev-idp (authorization code with PKCE, client
 * kommuna-web) through its test eID: one of Skatteverket's test personnummer (dev-idp lists them,
 * TEST_EID_PERSONNUMMER in apps/dev-idp) at a level, loa3 as with BankID or loa2 to see refusals.
 */
export async function testEidLogin(realmUrl: string, personnummer: string, level: 'loa3' | 'loa2' = 'loa3'): Promise<string> {
  const cookies = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}) => {
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      cookies.set(pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1));
    }
    return response;
  };
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
  });
  let target = `${endpoint('/auth')}?${query}`;
  let response = await go(target);
  let sent = false;
  for (let step = 0; step < 8 && !(response.headers.get('location') ?? '').startsWith(TEST_CALLBACK); step++) {
    if (response.status >= 300 && response.status < 400) {
      target = new URL(response.headers.get('location') ?? '', target).toString();
      response = await go(target);
      continue;
    }
    // The login page: the form with the hidden eid field is the test eID's.
    const page = await response.text();
    const form = [...page.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)].find((m) => m[2].includes('name="eid"'));
    if (sent || !form) throw new Error(`dev-idp's test eID login stopped at ${response.status}: ${page.slice(0, 500)}`);
    sent = true;
    target = new URL(form[1].replace(/&amp;/g, '&'), target).toString();
    response = await go(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ eid: 'test', personnummer, level }),
    });
  }
  const code = new URL(response.headers.get('location') ?? '', target).searchParams.get('code');
  if (!code) throw new Error(`dev-idp's test eID login ended without a code (${response.status}): ${await response.text()}`);
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
  if (!body.access_token) throw new Error(`dev-idp refused the code: ${body.error}`);
  return body.access_token;
}
