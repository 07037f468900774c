import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, NodeProcess, startNodeProcess } from '@kommuna/platform-testing';

// `npm start` on ports other than the defaults: every process binds the port it is given, the
// banner says so, and the URLs between them (the portal's redirect URI at dev-idp, the api's
// realm, the portal's api) follow, so a browser login goes round on those ports.
const root = path.resolve(__dirname, '../..');

/** Distinct free ports (freePort lets each go again, so the system could hand one out twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** A browser's cookie jar, one per origin, and a fetch that follows no redirect by itself. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const origin = new URL(url).origin;
    const jar = jars.get(origin) ?? new Map<string, string>();
    jars.set(origin, jar);
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
}

describe('npm start (tools/scripts/start-platform.mjs) on ports from the environment', () => {
  let work: string;
  let platform: NodeProcess | undefined;
  let api: number, devIdp: number, portal: number, simulator: number, aiSimulator: number;

  beforeAll(async () => {
    [api, devIdp, portal, simulator, aiSimulator] = await distinctFreePorts(5);
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    work = fs.mkdtempSync(path.join(root, 'tmp', 'start-platform-'));
    // Its own process group, so the four processes it starts go with it whatever happens.
    platform = await startNodeProcess({
      script: 'tools/scripts/start-platform.mjs',
      processGroup: true,
      // As from a shell: no NODE_ENV (development, as `npm start`), none of jest's NODE_OPTIONS.
      cleanEnv: true,
      env: {
        SWC_NODE_PROJECT: undefined,
        KOMMUNA_DATA_DIR: path.join(work, 'pglite'),
        DIGITAL_MAIL_PRINT_DIR: path.join(work, 'print'),
        PORT: String(api),
        DEV_IDP_PORT: String(devIdp),
        PORTAL_PORT: String(portal),
        DIGITAL_MAIL_SIMULATOR_PORT: String(simulator),
        AI_SIMULATOR_PORT: String(aiSimulator),
      },
      readyText: /Kommuna is running[^\n]*\n(.*\n){6}/,
      timeoutMs: 150_000,
    });
  }, 180_000);

  // start-platform waits for its children; stop takes the whole group, SIGKILL for a child stuck past SIGTERM.
  afterAll(async () => {
    await platform?.stop(15_000);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const output = () => platform?.output() ?? '';

  it('prints in its banner the ports each process bound', () => {
    const banner = output().slice(output().indexOf('Kommuna is running'));
    expect(banner).toContain(`GraphQL                  http://127.0.0.1:${api}/graphql\n`);
    // dev-idp serves the test e-legitimation's realm beside the platform's (docs/keycloak.md).
    expect(banner).toContain(`identity provider        http://127.0.0.1:${devIdp}/realms/eid, http://127.0.0.1:${devIdp}/realms/kommuna\n`);
    expect(banner).toContain(`steering group portal    http://127.0.0.1:${portal}\n`);
    expect(banner).toContain(`digital-mail simulator   http://127.0.0.1:${simulator}\n`);
    expect(banner).toContain(`AI model simulator       http://127.0.0.1:${aiSimulator}/v1\n`);
    expect(banner).not.toMatch(/:300[0-4]\b/);
  });

  it('serves the api on its port', async () => {
    const response = await fetch(`http://127.0.0.1:${api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ tenants { slug } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { tenants: Array<{ slug: string }> } };
    expect(body.data.tenants.map((t) => t.slug)).toContain('sundsvall');
  });

  it("logs the steering group into the portal through dev-idp, each on its own port, and shows the api's catalogue", async () => {
    const go = browser();
    const portalUrl = `http://127.0.0.1:${portal}`;
    const follow = (response: Response, base: string) => new URL(response.headers.get('location') ?? '', base).toString();

    const catalogue = await go(`${portalUrl}/catalogue`);
    expect(catalogue.status).toBe(303);
    const login = await go(follow(catalogue, portalUrl));
    expect(login.status).toBe(303);
    const authorize = new URL(follow(login, portalUrl));
    expect(authorize.origin).toBe(`http://127.0.0.1:${devIdp}`);
    expect(authorize.pathname).toBe('/realms/kommuna/protocol/openid-connect/auth');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${portalUrl}/auth/callback`);

    // dev-idp accepts that redirect URI (an unregistered one gets an error page, not a login form).
    const toForm = await go(authorize.toString());
    expect(toForm.status).toBe(303);
    const formUrl = follow(toForm, authorize.toString());
    const form = await go(formUrl);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post"');
    const posted = await go(formUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'styrgrupp', password: 'kommuna-demo' }).toString(),
    });
    expect(posted.status).toBe(303);
    const resumed = await go(follow(posted, formUrl));
    expect(resumed.status).toBe(303);

    const callback = new URL(follow(resumed, formUrl));
    expect(`${callback.origin}${callback.pathname}`).toBe(`${portalUrl}/auth/callback`);
    const loggedIn = await go(callback.toString());
    expect(loggedIn.status).toBe(303);
    expect(follow(loggedIn, portalUrl)).toBe(`${portalUrl}/catalogue`);

    const page = await go(`${portalUrl}/catalogue`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Styrgruppsledamot');
    expect(html).toContain('Digital post'); // from the api (the catalogue of service.yaml files)
  });
});
