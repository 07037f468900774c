import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNodeProcess } from '@kommuna/platform-testing';

/**
 * The national-party simulator (apps/digital-mail-simulator) as its own process, for its Mina
 * ombud routes (libraries never import apps). It trusts the public half of a key made for the
 * test, whose private half signs the client's id tokens (`idTokenKeyFile`).
 */
export interface MinaOmbudSimulatorProcess {
  /** The simulator's base (DIGITAL_MAIL_SIMULATOR_URL). */
  url: string;
  idTokenKeyFile: string;
  configure(change: Record<string, unknown>): Promise<void>;
  records(): Promise<{
    tokenRequests: number;
    keySetRequests: number;
    searches: Array<{ path: string; serviceName: string; body: unknown; tredjeman: string[]; holder: string | null; status: number }>;
  }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMinaOmbudSimulator(): Promise<MinaOmbudSimulatorProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mina-ombud-'));
  const idTokenKeyFile = path.join(dir, 'id-token-key.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(idTokenKeyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  const simulator = await startNodeProcess({
    script: 'apps/digital-mail-simulator/src/main.ts',
    args: ['--port=0'],
    env: { MINA_OMBUD_ID_TOKEN_KEY_FILE: idTokenKeyFile },
    readyText: /ready on (http:\/\/\S+)/,
  });
  const [, url] = await simulator.ready;
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url}/mina-ombud${route}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`simulator ${route}: ${response.status}`);
  };
  return {
    url,
    idTokenKeyFile,
    configure: (change) => post('/_control', change),
    reset: () => post('/_reset', {}),
    records: async () =>
      (await (await fetch(`${url}/mina-ombud/_records`)).json()) as Awaited<ReturnType<MinaOmbudSimulatorProcess['records']>>,
    async stop() {
      await simulator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
