import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, NodeProcess, startNodeProcess } from '@kommuna/platform-testing';

// What the images and `npm start` run: the apps compiled to JavaScript by tools/scripts/build-dist.mjs.
const root = path.resolve(__dirname, '../..');

describe('npm run build (tools/scripts/build-dist.mjs)', () => {
  let out: string;
  let api: NodeProcess | undefined;

  beforeAll(() => {
    // Inside the checkout (tmp/ is ignored): the compiled code finds node_modules by walking up.
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    out = fs.mkdtempSync(path.join(root, 'tmp', 'dist-'));
    execFileSync(process.execPath, [path.join(root, 'tools/scripts/build-dist.mjs'), '--out', path.join(out, 'dist')], {
      cwd: root,
      stdio: 'pipe',
    });
  });

  afterAll(async () => {
    await api?.stop();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('compiles every app entry point and leaves the tests out', () => {
    const dist = path.join(out, 'dist');
    for (const app of fs.readdirSync(path.join(root, 'apps'))) {
      if (fs.existsSync(path.join(root, 'apps', app, 'src/main.ts')))
        expect(fs.existsSync(path.join(dist, 'apps', app, 'src/main.js'))).toBe(true);
    }
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [e.name]));
    const all = files(dist);
    expect(all.filter((name) => name.endsWith('.ts'))).toEqual([]);
    expect(all.filter((name) => /\.spec\.js$/.test(name))).toEqual([]);
  });

  it('the compiled api starts on the embedded database and serves the service descriptors it reads from beside its code', async () => {
    const port = await freePort();
    // The compiled entry runs as it is, from a shell's environment: no loader, none of jest's settings.
    api = await startNodeProcess({
      script: path.join(out, 'dist/apps/api/src/main.js'),
      cleanEnv: true,
      env: {
        SWC_NODE_PROJECT: undefined,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        KOMMUNA_DATA_DIR: path.join(out, 'pglite'),
        DIGITAL_MAIL_PRINT_DIR: path.join(out, 'print'),
      },
      readyText: 'Kommuna api ready',
    });
    const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(health.status).toBe(200);
    const publiccode = await fetch(`http://127.0.0.1:${port}/catalogue/services/digital-mail/publiccode.yml`);
    expect(publiccode.status).toBe(200);
    expect(await publiccode.text()).toMatch(/^publiccodeYmlVersion:/m);
  }, 120_000);
});
