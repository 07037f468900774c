import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
// Types only: playwright-core is loaded when a browser is launched, not by every test importing this library.
import type { Browser, Page } from 'playwright-core';
import { freePort } from './dev-idp-process';
import { NodeProcess, REPO_ROOT, startNodeProcess } from './node-process';

/** Debian's chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests keep their screenshots (docs/screenshots, which the docs show). */
export const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'docs/screenshots');

/** Headless chromium through playwright-core, with what a test machine does not need turned off. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

let axeSource: string | undefined;

/**
 * Checks the page with axe-core against WCAG 2.1 A and AA and axe's best practices; throws with
 * each violation (rule, impact, help, the first elements) when there are any. The page's context
 * must allow the injected script (bypassCSP).
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // In the page (this library is compiled without the DOM's types).
    const scope = globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> }; document: unknown };
    const result = await scope.axe.run(scope.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  if (violations.length > 0) throw new Error(`${what} is not accessible:\n${JSON.stringify(violations, null, 2)}`);
}

interface AxeResult {
  violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
}

/** The top of the page (at most 1800 px: enough to show it, small enough to keep in the repository) as `<dir>/<name>.png`. */
export async function saveScreenshot(page: Page, name: string, dir = SCREENSHOTS_DIR): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const height = Math.min(
    1800,
    await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight,
    ),
  );
  const width = page.viewportSize()?.width ?? 1280;
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width, height } });
}

/**
 * A plain forward HTTP proxy for the browser: requests for an origin in `routes` go to 127.0.0.1 at
 * the port it gives (an app on a free test port, reached by the address the realm knows, e.g. the
 * portal's registered callback), everything else where it was addressed. CONNECT tunnels too
 * (Playwright's own page.request uses them even for plain http).
 */
export function startForwardProxy(routes: Record<string, () => number>): Promise<http.Server> {
  const portFor = (origin: string, port: number) => routes[origin]?.() ?? port;
  const server = http.createServer((request, response) => {
    const target = new URL(request.url ?? '/');
    const routed = routes[target.origin] !== undefined;
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'proxy-connection'));
    const upstream = http.request(
      {
        host: routed ? '127.0.0.1' : target.hostname,
        port: portFor(target.origin, Number(target.port || 80)),
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host, port] = (request.url ?? '').split(':');
    const origin = `http://${host}:${port}`;
    const upstream = net.connect(portFor(origin, Number(port)), routes[origin] ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * A request as a browser on this machine sends it to a name only the browser resolves (e.g.
 * <slug>.localhost): to 127.0.0.1, with the host name in the Host header. Redirects are not followed.
 */
export function requestAsBrowser(
  url: string,
  options: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const target = new URL(url);
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = {
    host: target.host,
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const sent = http.request(
      { host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** The variables that would point an app at the shared server database, removed: a test's app runs on the embedded one. */
export const EMBEDDED_DATABASE: Record<string, undefined> = { DATABASE_URL: undefined, DATABASE_MIGRATION_URL: undefined };

/** A Kommuna app from its TypeScript on the embedded database (two minutes to be ready: CI shares two cores). */
export function startAppProcess(script: string, env: Record<string, string | undefined>, readyText: string | RegExp): Promise<NodeProcess> {
  return startNodeProcess({ script, env: { ...EMBEDDED_DATABASE, ...env }, readyText, timeoutMs: 120_000 });
}

export interface ApiProcess {
  process: NodeProcess;
  port: number;
  /** Its GraphQL endpoint, as the web and the portal take it (API_URL). */
  graphqlUrl: string;
}

/**
 * apps/api as `npm start` runs it (development: demo data seeded), on a free port, on the embedded
 * database in `dataDir`, trusting the identity provider at `keycloakUrl`; `env` adds settings.
 */
export async function startApiProcess(options: {
  dataDir: string;
  keycloakUrl: string;
  env?: Record<string, string | undefined>;
}): Promise<ApiProcess> {
  const port = await freePort();
  const api = await startAppProcess(
    'apps/api/src/main.ts',
    {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      KOMMUNA_DATA_DIR: options.dataDir,
      KEYCLOAK_URL: options.keycloakUrl,
      ...options.env,
    },
    'Kommuna api ready',
  );
  return { process: api, port, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
}
