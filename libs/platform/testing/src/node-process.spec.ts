import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnNodeProcess, startNodeProcess } from './node-process';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('starting an app as its own node process', () => {
  const scripts = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-node-process-'));
  const script = (name: string, code: string) => {
    fs.writeFileSync(path.join(scripts, name), code);
    return path.join(scripts, name);
  };
  afterAll(() => fs.rmSync(scripts, { recursive: true, force: true }));

  it('runs a TypeScript app through the swc loader, resolves with its ready line and stops it with SIGTERM', async () => {
    const simulator = await startNodeProcess({
      script: 'apps/digital-mail-simulator/src/main.ts',
      args: ['--port=0'],
      readyText: /ready on (http:\/\/\S+)/,
    });
    const [, url] = await simulator.ready;
    expect((await fetch(`${url}/_records`)).status).toBe(200);
    expect(simulator.output()).toContain(`digital-mail-simulator ready on ${url}\n`);
    expect(await simulator.stop()).toBe(0);
  }, 60_000);

  it('waits for the whole ready line, so a URL written in two pieces is not cut', async () => {
    const entry = script(
      'split.mjs',
      `process.stdout.write('ready on http://127.0.0.1:12'); setTimeout(() => process.stdout.write('345/\\n'), 100); setInterval(() => {}, 1000);`,
    );
    const started = await startNodeProcess({ script: entry, readyText: /ready on (\S+)/ });
    expect((await started.ready)[1]).toBe('http://127.0.0.1:12345/');
    await started.kill();
    expect(started.child.signalCode).toBe('SIGKILL');
  });

  it('fails with the output when the process exits before it is ready', async () => {
    const entry = script('fails.mjs', `console.error('DATABASE_URL is missing'); process.exit(3);`);
    await expect(startNodeProcess({ script: entry, readyText: 'ready' })).rejects.toThrow(
      /fails\.mjs exited with 3 before it was ready:\nDATABASE_URL is missing/,
    );
  });

  it('kills a process that is not ready in time and says so', async () => {
    const entry = script('silent.mjs', `setInterval(() => {}, 1000);`);
    const silent = spawnNodeProcess({ script: entry, readyText: 'ready', timeoutMs: 300 });
    await expect(silent.ready).rejects.toThrow(/silent\.mjs was not ready within 300 ms/);
    await silent.exited;
    expect(silent.child.signalCode).toBe('SIGKILL');
  });

  it('passes its environment without jest’s NODE_OPTIONS; undefined removes a variable, cleanEnv starts from PATH and HOME', async () => {
    const entry = script(
      'env.mjs',
      `console.log(JSON.stringify({ options: process.env.NODE_OPTIONS, home: process.env.HOME, path: Boolean(process.env.PATH), keep: process.env.KEEP ?? null, gone: process.env.GONE ?? null }));`,
    );
    process.env.GONE = 'set';
    process.env.KEEP = 'inherited';
    try {
      const inherited = spawnNodeProcess({ script: entry, env: { GONE: undefined } });
      expect(await inherited.exited).toBe(0);
      expect(JSON.parse(inherited.output())).toEqual({ options: '', home: process.env.HOME, path: true, keep: 'inherited', gone: null });
      const clean = spawnNodeProcess({ script: entry, cleanEnv: true });
      expect(await clean.exited).toBe(0);
      expect(JSON.parse(clean.output())).toEqual({ options: '', home: process.env.HOME, path: true, keep: null, gone: null });
    } finally {
      delete process.env.GONE;
      delete process.env.KEEP;
    }
  });

  it('in its own process group, takes what it started with it on stop', async () => {
    // The parent ignores SIGTERM, as a process stuck on shutdown would; its child must still go.
    const entry = script(
      'parent.mjs',
      `import { spawn } from 'node:child_process';
       process.on('SIGTERM', () => {});
       const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       console.log('child ' + child.pid + ' ready');
       setInterval(() => {}, 1000);`,
    );
    const parent = await startNodeProcess({ script: entry, readyText: /child (\d+) ready/, processGroup: true });
    const grandchild = Number((await parent.ready)[1]);
    expect(alive(grandchild)).toBe(true);
    expect(await parent.stop(500)).toBeNull();
    expect(parent.child.signalCode).toBe('SIGKILL');
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(grandchild)).toBe(false);
  });
});
