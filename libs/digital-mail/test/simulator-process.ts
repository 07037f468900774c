import { spawn } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** apps/digital-mail-simulator as its own process (libraries never import apps), controlled over HTTP. */
export interface SimulatorProcess {
  url: string;
  configure(change: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
  records(): Promise<{
    reachabilityCalls: Array<{ senderOrgNr: string; recipientCount: number }>;
    deliveries: Array<{ messageId: string; transactionId: string; recipient: string; subject: string; attachmentCount: number }>;
    deliveryCounts: Record<string, { accepted: number; requests: number }>;
    addressLookups: Array<{ idCount: number }>;
    faultsInjected: number;
  }>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/digital-mail-simulator/src/main.ts', '--port=0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    // exited only resolves; after the url was found this reject does nothing.
    void exited.then(() => reject(new Error(`simulator exited: ${stderr}`)));
  });
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`simulator ${route}: ${response.status}`);
  };
  return {
    url,
    configure: (change) => post('/_control', change),
    reset: () => post('/_reset', {}),
    records: async () => (await (await fetch(`${url}/_records`)).json()) as Awaited<ReturnType<SimulatorProcess['records']>>,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
