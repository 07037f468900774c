import { createServer } from 'node:net';
import { NodeProcess, spawnNodeProcess } from './node-process';
import { accessTokenAt, requestTokenAt, serviceAccountCredentials, TestIdentityProvider } from './realm-tokens';

/** dev-idp as its own process: `ready` resolves on its ready line and rejects if it exits first. */
export type SpawnedDevIdp = NodeProcess;

export interface DevIdpProcess extends TestIdentityProvider {
  /** Realm `eid`'s URL: the test e-legitimation provider residents are brokered to. */
  eidUrl: string;
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
  const tokenUrl = `${realmUrl}/protocol/openid-connect/token`;
  return {
    url,
    realmUrl,
    eidUrl: `${url}/realms/eid`,
    requestToken: (form, basic) => requestTokenAt(tokenUrl, form, basic),
    passwordToken: (username) =>
      accessTokenAt('dev-idp', tokenUrl, { grant_type: 'password', client_id: 'kommuna-dev', username, password: 'kommuna-demo' }),
    serviceAccountToken: (slug) =>
      accessTokenAt('dev-idp', tokenUrl, { grant_type: 'client_credentials' }, serviceAccountCredentials(slug)),
    async stop() {
      await idp.stop();
    },
  };
}
