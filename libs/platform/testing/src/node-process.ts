import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** The repository root: entry points and the working directory are taken from here. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export interface NodeProcessOptions {
  /**
   * The entry point, from the repository root or absolute. A .ts file runs through the swc loader
   * (as `npm run start:api` does); a .js or .mjs file (the compiled dist/, a script) runs as it is.
   */
  script: string;
  args?: string[];
  /** How a .ts entry is loaded: `require` (-r @swc-node/register) or `import` (the ESM loader, for ESM apps such as dev-idp). */
  loader?: 'require' | 'import';
  /** Variables on top of the test's environment (or of PATH and HOME alone, with `cleanEnv`); undefined removes one. */
  env?: Record<string, string | undefined>;
  /** Start from PATH and HOME alone, as from a shell, instead of the test's environment. */
  cleanEnv?: boolean;
  /** What the process prints (stdout or stderr) when it is ready; `ready` resolves with the match. */
  readyText?: string | RegExp;
  /** How long `ready` waits before the process is killed and `ready` rejects (90 s by default). */
  timeoutMs?: number;
  /** Its own process group: `stop` and `kill` then reach whatever it starts too. */
  processGroup?: boolean;
}

export interface NodeProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /**
   * Resolves with the match of `readyText` (on complete lines, so a URL in it is never cut) once
   * printed; rejects if the process exits first or the timeout passes. Without `readyText`,
   * resolves at once.
   */
  ready: Promise<RegExpMatchArray>;
  /** Settles with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after `graceMs`, 15 s by default), then its exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL, as a crash; settles when it is gone. */
  kill(): Promise<void>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Starts a Kommuna app (or script) as its own node process from the repository root, without
 * jest's NODE_OPTIONS, capturing its output. Call `stop` (or `kill`) when done.
 */
export function spawnNodeProcess(options: NodeProcessOptions): NodeProcess {
  const script = path.resolve(REPO_ROOT, options.script);
  const loaderArgs = !/\.tsx?$/.test(script)
    ? []
    : options.loader === 'import'
      ? ['--import', '@swc-node/register/esm-register']
      : ['-r', '@swc-node/register'];
  const base: Record<string, string | undefined> = options.cleanEnv
    ? { PATH: process.env.PATH, HOME: process.env.HOME }
    : { ...process.env };
  const merged: Record<string, string | undefined> = {
    ...base,
    NODE_OPTIONS: '',
    SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json'),
    ...options.env,
  };
  const env = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const child = spawn(process.execPath, [...loaderArgs, script, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    detached: options.processGroup ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const name = path.relative(REPO_ROOT, script);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const signal = (which: NodeJS.Signals) => {
    try {
      if (options.processGroup && child.pid) process.kill(-child.pid, which);
      else child.kill(which);
    } catch {
      // gone already
    }
  };
  const running = () => child.exitCode === null && child.signalCode === null;

  const pattern =
    options.readyText === undefined
      ? undefined
      : typeof options.readyText === 'string'
        ? new RegExp(escapeRegExp(options.readyText))
        : options.readyText;
  const ready = new Promise<RegExpMatchArray>((resolve, reject) => {
    if (!pattern) return resolve(['']);
    const timeoutMs = options.timeoutMs ?? 90_000;
    const timer = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`${name} was not ready within ${timeoutMs} ms:\n${output.slice(-3000)}`));
    }, timeoutMs);
    const watch = () => {
      const match = pattern.exec(output.slice(0, output.lastIndexOf('\n') + 1));
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code ?? child.signalCode} before it was ready:\n${output.slice(-3000)}`));
    });
  });
  // A caller that only waits for the exit need not handle `ready`; one that awaits it still sees the rejection.
  ready.catch(() => undefined);

  return {
    child,
    output: () => output,
    ready,
    exited,
    async stop(graceMs = 15_000) {
      if (running()) {
        signal('SIGTERM');
        const killer = setTimeout(() => signal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
      // What it started must not outlive it.
      if (options.processGroup) signal('SIGKILL');
      return exited;
    },
    async kill() {
      if (running()) signal('SIGKILL');
      await exited;
    },
  };
}

/** spawnNodeProcess, resolved once its ready line is printed; stopped again if it never is. */
export async function startNodeProcess(options: NodeProcessOptions & { readyText: string | RegExp }): Promise<NodeProcess> {
  const started = spawnNodeProcess(options);
  try {
    await started.ready;
  } catch (error) {
    await started.kill();
    throw error;
  }
  return started;
}
