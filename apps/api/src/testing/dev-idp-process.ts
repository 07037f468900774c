import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

export interface DevIdpProcess {
  /** Base URL to use as KEYCLOAK_URL. */
  url: string;
  /** An access token from the direct password grant for a demo user. */
  passwordToken(username: string): Promise<string>;
  /** An access token from the client-credentials grant for a municipality's service account. */
  serviceAccountToken(slug: string): Promise<string>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Runs apps/dev-idp as its own process, as `npm start` does, on a free port. */
export async function startDevIdpProcess(repoRoot: string): Promise<DevIdpProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/dev-idp/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', SWC_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json'), DEV_IDP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('dev-idp ready') && resolve());
    child.on('exit', (code) => reject(new Error(`dev-idp exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const tokenEndpoint = `${url}/realms/kommuna/protocol/openid-connect/token`;
  const requestToken = async (form: Record<string, string>, basic?: string) => {
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}) },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`dev-idp refused the token request: ${body.error}`);
    return body.access_token;
  };
  return {
    url,
    passwordToken: (username) => requestToken({ grant_type: 'password', client_id: 'kommuna-web', username, password: 'kommuna-demo' }),
    serviceAccountToken: (slug) => requestToken({ grant_type: 'client_credentials' }, `${slug}-system:${slug}-system-secret`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
