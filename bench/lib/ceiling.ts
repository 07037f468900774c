import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CeilingConfig } from '../ceiling/server';
import { Running, startProcess } from './processes';

/** Starts the ceiling server in its own process on the captured statements. */
export async function startCeiling(config: CeilingConfig): Promise<Running & { url: string }> {
  const file = path.join(os.tmpdir(), `kommuna-ceiling-${config.mode}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const running = await startProcess({
    name: `ceiling:${config.mode}`,
    script: 'bench/ceiling/server.ts',
    args: [file],
    env: {},
    readyText: 'ceiling ready',
    timeoutMs: 30_000,
    nodeFlags: [],
  });
  return { ...running, url: `http://127.0.0.1:${config.port}` };
}
