import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkChangesets, matchesPatterns, parseChangeset } from '../scripts/check-changesets';

const root = path.resolve(__dirname, '../..');
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/**
 * Runs a command in a temporary repository with this repository's tools: its node_modules/.bin on
 * PATH (changeset) and on NODE_PATH (the changelog module .changeset/config.json names). The npm_*
 * variables of the jest run are left out, so npm works on the temporary repository, not on ours.
 */
function run(command: string, args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${env.PATH}`,
      NODE_PATH: path.join(root, 'node_modules'),
      npm_config_update_notifier: 'false',
    },
  });
}

/** A small monorepo shaped like ours: two libraries, one app, our .changeset/config.json. */
function tempRepo({ lockfile = false } = {}): {
  dir: string;
  git: (...args: string[]) => string;
  write: (file: string, text: string) => void;
  commit: (message: string) => string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-changesets-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@kommuna.se', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const scripts = { 'version-packages': rootPackage.scripts['version-packages'] };
  write(
    'package.json',
    JSON.stringify({ name: 'repo', private: true, workspaces: ['apps/*', 'libs/platform/*', 'libs/e-forms'], scripts }, null, 2),
  );
  write('libs/platform/tenancy/package.json', JSON.stringify({ name: '@kommuna/platform-tenancy', version: '0.1.0', private: true }));
  write('libs/platform/tenancy/src/index.ts', 'export const a = 1;\n');
  write('libs/e-forms/package.json', JSON.stringify({ name: '@kommuna/e-forms', version: '0.1.0', private: true }));
  write('libs/e-forms/src/index.ts', 'export const b = 1;\n');
  write('apps/api/package.json', JSON.stringify({ name: '@kommuna/api', version: '0.1.0', private: true }));
  write('apps/api/src/main.ts', 'export {};\n');
  write('.changeset/config.json', fs.readFileSync(path.join(root, '.changeset/config.json'), 'utf8'));
  write('.changeset/README.md', '# Changesets\n');
  write('.gitignore', 'node_modules\n');
  if (lockfile) run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
  git('init', '-q', '-b', 'main');
  commit('Initial commit');
  return { dir, git, write, commit };
}

const changeset = (releases: Record<string, string>, summary = 'Something changed.') =>
  `---\n${Object.entries(releases)
    .map(([name, bump]) => `"${name}": ${bump}`)
    .join('\n')}\n---\n\n${summary}\n`;

describe('changeset check (npm run changesets:check)', () => {
  const repos: string[] = [];
  const repo = (options?: { lockfile?: boolean }) => {
    const r = tempRepo(options);
    repos.push(r.dir);
    return r;
  };
  afterAll(() => repos.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('fails a library change without a changeset and passes once one names it', () => {
    const { dir, write, commit } = repo();
    expect(checkChangesets(dir, {}).problems).toEqual([]);

    write('libs/platform/tenancy/src/index.ts', 'export const a = 2;\n');
    commit('Change tenancy');
    const failing = checkChangesets(dir, {});
    expect(failing.changedLibraries).toEqual({ '@kommuna/platform-tenancy': ['libs/platform/tenancy/src/index.ts'] });
    expect(failing.problems).toEqual([
      '@kommuna/platform-tenancy changed (libs/platform/tenancy/src/index.ts) but no changeset names it: run `npx changeset`',
    ]);

    write('.changeset/brave-owls-sing.md', changeset({ '@kommuna/platform-tenancy': 'patch' }, 'Tenancy: a is 2.'));
    expect(checkChangesets(dir, {}).problems).toEqual([]);
    commit('Changeset for tenancy');
    const passing = checkChangesets(dir, {});
    expect(passing.problems).toEqual([]);
    expect(passing.changesets.map((c) => c.file)).toEqual(['.changeset/brave-owls-sing.md']);
  });

  it('names only the library that lacks one, and ignores tests, apps and CHANGELOG.md', () => {
    const { dir, write, commit } = repo();
    write('libs/platform/tenancy/src/index.spec.ts', 'test;\n');
    write('libs/platform/tenancy/CHANGELOG.md', '# changelog\n');
    write('apps/api/src/main.ts', 'export const changed = true;\n');
    commit('Tests, changelog and an app');
    expect(checkChangesets(dir, {})).toMatchObject({ changedLibraries: {}, problems: [] });

    write('libs/platform/tenancy/src/index.ts', 'export const a = 3;\n');
    write('libs/e-forms/src/index.ts', 'export const b = 3;\n');
    write('.changeset/one.md', changeset({ '@kommuna/e-forms': 'minor' }));
    commit('Two libraries, one changeset');
    expect(checkChangesets(dir, {}).problems).toEqual([expect.stringMatching(/^@kommuna\/platform-tenancy changed/)]);
  });

  it('rejects a changeset that names an unknown package, a bad bump or has no summary', () => {
    const { dir, write } = repo();
    write('.changeset/typo.md', changeset({ '@kommuna/e-form': 'patch' }));
    write('.changeset/bump.md', changeset({ '@kommuna/e-forms': 'huge' }));
    write('.changeset/empty.md', '---\n"@kommuna/e-forms": patch\n---\n');
    expect(checkChangesets(dir, {}).problems.sort()).toEqual([
      '.changeset/bump.md: "@kommuna/e-forms: huge" must be major, minor or patch',
      '.changeset/empty.md: say what changed below the front matter (it goes into CHANGELOG.md)',
      '.changeset/typo.md: "@kommuna/e-form" is not a workspace package',
    ]);
  });

  it('runs the documented release flow end to end: no changeset fails, a changeset passes, the release starts over', () => {
    const { dir, git, write, commit } = repo({ lockfile: true });
    const eForms = () => JSON.parse(fs.readFileSync(path.join(dir, 'libs/e-forms/package.json'), 'utf8')) as { version: string };

    // Before any release: the base is the first commit, and a change after it needs a changeset.
    write('libs/e-forms/src/index.ts', 'export const b = 2;\n');
    commit('E-forms change');
    expect(checkChangesets(dir, {})).toMatchObject({
      baseReason: expect.stringMatching(/^the first commit/),
      changedLibraries: { '@kommuna/e-forms': ['libs/e-forms/src/index.ts'] },
      problems: ['@kommuna/e-forms changed (libs/e-forms/src/index.ts) but no changeset names it: run `npx changeset`'],
    });
    write('.changeset/eforms-b.md', changeset({ '@kommuna/e-forms': 'minor' }, 'E-forms: b is 2.'));
    commit('Changeset for e-forms');
    expect(checkChangesets(dir, {}).problems).toEqual([]);

    // The release, as docs/contributing.md says: npm run version-packages, then git commit (no -a).
    run('npm', ['run', 'version-packages'], dir);
    expect(git('status', '--porcelain').split('\n').sort()).toEqual([
      'A  libs/e-forms/CHANGELOG.md',
      'D  .changeset/eforms-b.md',
      'M  libs/e-forms/package.json',
      'M  package-lock.json',
    ]);
    expect(eForms().version).toBe('0.2.0');
    expect(fs.readFileSync(path.join(dir, 'libs/e-forms/CHANGELOG.md'), 'utf8')).toMatch(/## 0\.2\.0[\s\S]*E-forms: b is 2\./);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages['libs/e-forms'].version).toBe('0.2.0');
    git('commit', '-q', '-m', 'Version packages');
    const release = git('rev-parse', 'HEAD');
    expect(git('status', '--porcelain')).toBe('');
    expect(checkChangesets(dir, {})).toMatchObject({
      base: release,
      baseReason: expect.stringMatching(/last release/),
      changedLibraries: {},
      changesets: [],
      problems: [],
    });

    // After the release the consumed changeset no longer counts: the next change needs its own.
    write('libs/e-forms/src/index.ts', 'export const b = 4;\n');
    commit('Unreleased e-forms change');
    expect(checkChangesets(dir, {}).problems).toEqual([
      '@kommuna/e-forms changed (libs/e-forms/src/index.ts) but no changeset names it: run `npx changeset`',
    ]);
    write('.changeset/eforms-b4.md', changeset({ '@kommuna/e-forms': 'patch' }, 'E-forms: b is 4.'));
    expect(checkChangesets(dir, {}).problems).toEqual([]);
  });

  it('a pending changeset speaks for the changes before it, not for the ones after it', () => {
    const { dir, write, commit } = repo();
    write('.changeset/everything.md', changeset({ '@kommuna/e-forms': 'patch', '@kommuna/platform-tenancy': 'patch' }, 'Both libraries.'));
    write('libs/e-forms/src/index.ts', 'export const b = 2;\n');
    commit('E-forms with a changeset naming every library');
    expect(checkChangesets(dir, {}).problems).toEqual([]);

    write('libs/platform/tenancy/src/index.ts', 'export const a = 2;\n');
    commit('Tenancy, no changeset of its own');
    expect(checkChangesets(dir, {}).problems).toEqual([
      '@kommuna/platform-tenancy changed (libs/platform/tenancy/src/index.ts) after its changeset was written (.changeset/everything.md): ' +
        'say what changed in it too, or run `npx changeset`',
    ]);

    // Saying what changed in the pending changeset (an edit) covers it, committed or not.
    write(
      '.changeset/everything.md',
      changeset({ '@kommuna/e-forms': 'patch', '@kommuna/platform-tenancy': 'patch' }, 'Both libraries; tenancy: a is 2.'),
    );
    expect(checkChangesets(dir, {}).problems).toEqual([]);
    commit('Changeset says what tenancy changed');
    expect(checkChangesets(dir, {}).problems).toEqual([]);

    // An uncommitted edit is the newest step of all.
    write('libs/platform/tenancy/src/index.ts', 'export const a = 3;\n');
    expect(checkChangesets(dir, {}).problems).toEqual([
      expect.stringMatching(/^@kommuna\/platform-tenancy changed .* after its changeset was written/),
    ]);
  });

  it('counts a merged branch as one step: its changeset covers the changes on the branch', () => {
    const { dir, git, write, commit } = repo();
    git('checkout', '-q', '-b', 'feature');
    write('libs/e-forms/src/index.ts', 'export const b = 2;\n');
    commit('On the branch: e-forms, no changeset yet');
    write('.changeset/eforms.md', changeset({ '@kommuna/e-forms': 'patch' }));
    commit('On the branch: the changeset');
    write('libs/e-forms/src/index.ts', 'export const b = 3;\n');
    commit('On the branch: e-forms again');
    git('checkout', '-q', 'main');
    git('-c', 'user.name=Test', '-c', 'user.email=test@kommuna.se', 'merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
    expect(checkChangesets(dir, {}).problems).toEqual([]);
  });

  it('with CHANGESET_BASE (a pull request), only changesets written since that base count', () => {
    const { dir, write, commit, git } = repo();
    write('.changeset/old.md', changeset({ '@kommuna/e-forms': 'patch' }));
    write('libs/e-forms/src/index.ts', 'export const b = 5;\n');
    const mainTip = commit('On main: e-forms with its changeset');
    git('checkout', '-q', '-b', 'feature');
    write('libs/e-forms/src/index.ts', 'export const b = 6;\n');
    commit('On the branch: e-forms again, no changeset');
    expect(checkChangesets(dir, { CHANGESET_BASE: mainTip }).problems).toEqual([
      '@kommuna/e-forms changed (libs/e-forms/src/index.ts) but no changeset names it: run `npx changeset`',
    ]);

    write('.changeset/branch.md', changeset({ '@kommuna/e-forms': 'patch' }, 'E-forms: b is 6.'));
    commit('On the branch: its changeset, after the change');
    expect(checkChangesets(dir, { CHANGESET_BASE: mainTip })).toMatchObject({
      baseReason: `CHANGESET_BASE=${mainTip}`,
      changesets: [expect.objectContaining({ file: '.changeset/branch.md' })],
      problems: [],
    });
    expect(() => checkChangesets(dir, { CHANGESET_BASE: 'no-such-ref' })).toThrow(/CHANGESET_BASE=no-such-ref is not a commit/);
  });

  it('exits non-zero from the command line with the reason, zero when all is well', () => {
    const { dir, write } = repo();
    const run = () =>
      spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(root, 'tools/scripts/check-changesets.ts')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', CHANGESET_BASE: '', SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json') },
      });
    expect(run()).toMatchObject({ status: 0, stdout: expect.stringContaining('Every changed library has a changeset.') });
    write('libs/e-forms/src/index.ts', 'export const b = 7;\n');
    expect(run()).toMatchObject({ status: 1, stderr: expect.stringContaining('@kommuna/e-forms changed (libs/e-forms/src/index.ts)') });
  });

  it("passes on this repository's last commit", () => {
    // A clone, so that work in progress in this working tree does not decide the result.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-changesets-clone-'));
    repos.push(clone);
    execFileSync('git', ['clone', '-q', root, clone], { stdio: 'pipe' });
    expect(checkChangesets(clone, {}).problems).toEqual([]);
  });

  it('reads changeset files and changedFilePatterns as changesets does', () => {
    expect(parseChangeset('.changeset/a.md', changeset({ '@kommuna/e-forms': 'patch' }, 'Fix.'))).toEqual({
      file: '.changeset/a.md',
      releases: { '@kommuna/e-forms': 'patch' },
      summary: 'Fix.',
    });
    expect(parseChangeset('.changeset/empty.md', '---\n---\n')).toMatchObject({ releases: {} });
    expect(parseChangeset('.changeset/b.md', 'no front matter')).toMatch(/expected front matter/);
    const patterns = JSON.parse(fs.readFileSync(path.join(root, '.changeset/config.json'), 'utf8')).changedFilePatterns;
    expect(
      ['src/index.ts', 'package.json', 'src/a/b.spec.ts', 'src/__snapshots__/x.snap', 'CHANGELOG.md', 'jest.config.js'].filter((f) =>
        matchesPatterns(f, patterns),
      ),
    ).toEqual(['src/index.ts', 'package.json']);
  });
});
