import { createServer } from 'node:net';
import { NodeProcess, spawnNodeProcess } from './node-process';

/** dev-idp as its own process: `ready` resolves on its ready line and rejects if it exits first. */
export type SpawnedDevIdp = NodeProcess;

export interface DevIdpProcess {
  /** Base URL to use as KEYCLOAK_URL. */
  url: string;
  /** Realm `kommuna`'s URL: what its tokens carry as `iss`. */
  realmUrl: string;
  /** Realm `eid`'s URL: the test e-legitimation provider residents are brokered to. */
  eidUrl: string;
  /** POSTs a form to the realm's token endpoint (with HTTP Basic client credentials if given). */
  requestToken(form: Record<string, string>, basic?: string): Promise<{ status: number; body: Record<string, string> }>;
  /** An access token from the direct password grant (dev-only client kommuna-dev) for a demo user. */
  passwordToken(username: string): Promise<string>;
  /** An access token from the client-credentials grant for a municipality's service account. */
  serviceAccountToken(slug: string): Promise<string>;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Spawns apps/dev-idp (the embedded Keycloak stand-in, ESM) as its own process, as `npm start` does. */
export function spawnDevIdp(port: number, env: Record<string, string> = {}): SpawnedDevIdp {
  return spawnNodeProcess({
    script: 'apps/dev-idp/src/main.ts',
    loader: 'import',
    env: { NODE_ENV: 'development', DEV_IDP_PORT: String(port), ...env },
    readyText: 'dev-idp ready',
  });
}

/**
 * dev-idp on a free port, with helpers to get its tokens. `env` adds settings, e.g.
 * DEV_IDP_EID_REDIRECT_URIS for a Keycloak whose eID broker logs in at this dev-idp's realm `eid`.
 */
export async function startDevIdpProcess(options: { env?: Record<string, string> } = {}): Promise<DevIdpProcess> {
  const port = await freePort();
  const idp = spawnDevIdp(port, options.env);
  try {
    await idp.ready;
  } catch (error) {
    await idp.kill();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const realmUrl = `${url}/realms/kommuna`;
  const requestToken = async (form: Record<string, string>, basic?: string) => {
    const response = await fetch(`${realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(form),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const accessToken = async (form: Record<string, string>, basic?: string) => {
    const { body } = await requestToken(form, basic);
    if (!body.access_token) throw new Error(`dev-idp refused the token request: ${body.error}`);
    return body.access_token;
  };
  return {
    url,
    realmUrl,
    eidUrl: `${url}/realms/eid`,
    requestToken,
    passwordToken: (username) => accessToken({ grant_type: 'password', client_id: 'kommuna-dev', username, password: 'kommuna-demo' }),
    serviceAccountToken: (slug) => accessToken({ grant_type: 'client_credentials' }, `${slug}-system:${slug}-system-secret`),
    async stop() {
      await idp.stop();
    },
  };
}
