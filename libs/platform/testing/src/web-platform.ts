import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// Types only: playwright-core is loaded when the browser is launched.
import type { Browser } from 'playwright-core';
import { launchChromium, startApiProcess, startAppProcess } from './browser-testing';
import { DevIdpProcess, freePort, startDevIdpProcess } from './dev-idp-process';
import { NodeProcess, REPO_ROOT, startNodeProcess } from './node-process';

/** The residents' web and what it stands on, each its own process as `npm start` runs them, and a browser. */
export interface WebPlatform {
  idp: DevIdpProcess;
  /** The api's GraphQL endpoint (the web's API_URL). */
  apiUrl: string;
  /** The web's port: each municipality is at http://<slug>.localhost:<webPort>. */
  webPort: number;
  /** The web process running now. */
  readonly web: NodeProcess;
  browser: Browser;
  /** Stops the web and starts it again with the same settings (its sessions live in Redis). */
  restartWeb(): Promise<void>;
  /** Stops everything and removes the api's data folder. */
  stop(): Promise<void>;
}

/**
 * dev-idp (with the web's callback on each of `slugs`' hosts as a redirect URI), the national
 * parties' simulator (Navet, Mina ombud trusting the key the api signs its id tokens with), the AI
 * model simulator when `aiSimulator` (the api registers it as every municipality's models), the api
 * on the embedded database in a folder of its own, the web (sessions in Redis, as configured by
 * KOMMUNA_REDIS_URL or at 127.0.0.1:6379) and headless chromium. Whatever started is stopped again
 * when a later step fails.
 */
export async function startWebPlatform(options: { slugs: string[]; aiSimulator?: boolean }): Promise<WebPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-web-platform-'));
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stopAll = async () => {
    // The last started first: the web before the api before what the api calls.
    for (const part of started.reverse()) await part.stop();
    started.length = 0;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const webPort = await freePort();
    const redirectUris = options.slugs.map((slug) => `http://${slug}.localhost:${webPort}/auth/callback`).join(',');
    const idp = await startDevIdpProcess({ env: { DEV_IDP_REDIRECT_URIS: redirectUris } });
    started.push(idp);

    const idTokenKey = path.join(dataDir, 'mina-ombud-id-token-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(idTokenKey, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    const simulator = await startNodeProcess({
      script: 'apps/digital-mail-simulator/src/main.ts',
      args: ['--port=0'],
      env: { MINA_OMBUD_ID_TOKEN_KEY_FILE: idTokenKey },
      readyText: /ready on (http:\/\/\S+)/,
    });
    started.push(simulator);
    const [, simulatorUrl] = await simulator.ready;
    let aiSimulatorUrl: string | undefined;
    if (options.aiSimulator) {
      const aiSimulator = await startNodeProcess({
        script: 'apps/ai-simulator/src/main.ts',
        env: { AI_SIMULATOR_PORT: '0' },
        readyText: /ai-simulator ready on (http:\/\/\S+)/,
      });
      started.push(aiSimulator);
      [, aiSimulatorUrl] = await aiSimulator.ready;
    }

    const api = await startApiProcess({
      dataDir,
      keycloakUrl: idp.url,
      env: { DIGITAL_MAIL_SIMULATOR_URL: simulatorUrl, MINA_OMBUD_ID_TOKEN_KEY_FILE: idTokenKey, AI_SIMULATOR_URL: aiSimulatorUrl },
    });
    started.push(api.process);

    const webEnv = {
      NODE_ENV: 'development',
      // The pages are TSX: the web's own tsconfig says how to compile them.
      SWC_NODE_PROJECT: path.join(REPO_ROOT, 'apps/web/tsconfig.json'),
      WEB_PORT: String(webPort),
      KEYCLOAK_URL: idp.url,
      API_URL: api.graphqlUrl,
      KOMMUNA_REDIS_URL: process.env.KOMMUNA_REDIS_URL ?? 'redis://127.0.0.1:6379',
      WEB_SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters',
    };
    const startWeb = () => startAppProcess('apps/web/src/main.ts', webEnv, 'Kommuna web ready');
    let web = await startWeb();
    started.push({ stop: () => web.stop() });
    const browser = await launchChromium();
    started.push({ stop: () => browser.close() });
    return {
      idp,
      apiUrl: api.graphqlUrl,
      webPort,
      browser,
      get web() {
        return web;
      },
      async restartWeb() {
        await web.stop();
        web = await startWeb();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
