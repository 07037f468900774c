// Starts Kommuna's processes as production does (node dist/apps/<app>/src/main.js,
// NODE_ENV=production), waits for their ready line, and samples their resident memory.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './postgres';

export interface Running {
  name: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the ready line. */
  readyMs: number;
  /** The ready line, parsed when it is JSON. */
  readyLine: string;
  rssMb(): number;
  /** CPU time (user + system, seconds) the process has used since it started. */
  cpuSeconds(): number;
  /** Highest RSS seen since start (or since resetPeak). */
  peakRssMb(): number;
  resetPeak(): void;
  /** RSS samples (MB) since start or the last resetPeak. */
  samples(): number[];
  stop(): Promise<void>;
}

export function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

// Clock ticks per second of /proc's CPU counters (USER_HZ): 100 on Linux for every architecture we run on.
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at state; utime and stime are the 12th and 13th of those.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}

/** The whole machine's busy CPU seconds (all cores, everything but idle and I/O wait) from /proc/stat. */
export function machineBusyCpuSeconds(): number {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number); // idle and iowait left out
  return (user + nice + system + irq + softirq + steal) / USER_HZ;
}

/** RSS (MB) of a process and all its descendants, from /proc/<pid>/task/<tid>/children. */
export function treeRssMb(pid: number): number {
  let total = rssOf(pid);
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return total;
  }
  for (const task of tasks) {
    let children = '';
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean)) total += treeRssMb(Number(child));
  }
  return total;
}

export interface StartOptions {
  name: string;
  /** Script path from the repository root. */
  script: string;
  args?: string[];
  env: Record<string, string>;
  readyText: string;
  /** node flags before the entry point (e.g. --cpu-prof). */
  nodeFlags?: string[];
  timeoutMs?: number;
  /** Keep the child's stdout lines that include this text. */
  keepLines?: (line: string) => boolean;
}

export async function startProcess(options: StartOptions): Promise<Running & { kept: string[] }> {
  const started = Date.now();
  // The apps run from dist/ as their images run them (bench/run.ts builds it first); the bench's own servers stay TypeScript.
  const compiled = path.join(REPO_ROOT, 'dist', options.script.replace(/\.ts$/, '.js'));
  const entry = options.script.endsWith('.mjs')
    ? [path.join(REPO_ROOT, options.script)]
    : options.script.startsWith('apps/') && fs.existsSync(compiled)
      ? [compiled]
      : ['-r', '@swc-node/register', path.join(REPO_ROOT, options.script)];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...entry, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json'),
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let samples: number[] = [];
  let peak = 0;
  const sample = () => {
    const rss = rssOf(child.pid!);
    if (rss > 0) {
      samples.push(rss);
      if (samples.length > 20_000) samples = samples.slice(-10_000);
      peak = Math.max(peak, rss);
    }
  };
  const sampler = setInterval(sample, 100);
  const kept: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  let buffered = '';
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} not ready within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`)),
      options.timeoutMs ?? 60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (options.keepLines?.(line)) kept.push(line);
        if (line.includes(options.readyText)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const readyMs = Date.now() - started;
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    clearInterval(sampler);
    if (!stopping && code !== 0) process.stderr.write(`${options.name} stopped unexpectedly (${signal ?? code}):\n${stderr}\n`);
  });
  let stopping = false;
  return {
    name: options.name,
    child,
    readyMs,
    readyLine,
    kept,
    rssMb: () => rssOf(child.pid!),
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    peakRssMb: () => {
      sample();
      return peak;
    },
    resetPeak: () => {
      peak = 0;
      samples = [];
      sample();
    },
    samples: () => samples.slice(),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearInterval(sampler);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
