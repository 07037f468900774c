import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The cached typecheck of a project must not survive a type error in a library it imports: the
// typecheck and lint inputs include the dependencies' production files (nx.json, ^production).
// Proven with the real Nx and tsc on a copy of the repository's tracked files.
const root = path.resolve(__dirname, '../..');

describe('task cache inputs', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-cache-inputs-'));
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      if (!fs.existsSync(path.join(root, file))) continue; // deleted in the work tree, not yet committed
      fs.mkdirSync(path.join(workspace, path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(workspace, file));
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(workspace, 'node_modules'), 'dir');
  });

  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

  function typecheck(project: string): { status: number | null; output: string } {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      NX_CACHE_DIRECTORY: path.join(workspace, '.nx-test-cache'),
      NX_WORKSPACE_DATA_DIRECTORY: path.join(workspace, '.nx-test-data'),
    };
    delete env.NX_SKIP_NX_CACHE; // CI runs without a cache; this test is about the cache
    const run = spawnSync(path.join(root, 'node_modules/.bin/nx'), ['run', `${project}:typecheck`, '--output-style=static'], {
      cwd: workspace,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  }

  it('fails the cached typecheck of an importer when a library it imports gets a type error', () => {
    // @kommuna/platform-tenancy imports @kommuna/shared-identifiers.
    const green = typecheck('@kommuna/platform-tenancy');
    expect(green).toMatchObject({ status: 0 });
    expect(typecheck('@kommuna/platform-tenancy').output).toMatch(/cache/i); // the second green run is a cache hit

    const library = path.join(workspace, 'libs/shared/identifiers/src/luhn.ts');
    fs.appendFileSync(library, "\nexport const notANumber: number = 'a string';\n");
    const red = typecheck('@kommuna/platform-tenancy');
    expect(red.output).toContain('TS2322');
    expect(red.status).not.toBe(0);
  }, 300_000);
});
