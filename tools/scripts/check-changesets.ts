// npm run changesets:check — fails when a library (a workspace package under libs/) changed
// without a changeset. The rule: every library whose files changed since the base commit is named
// by a pending .changeset/*.md written (added or edited) no earlier than the library's last change.
// A changeset speaks for the changes made before it or with it, never for later ones, so an old
// pending changeset does not cover every change that follows it until the next release.
//
// The base is CHANGESET_BASE when set (a pull-request pipeline passes the merge base with
// origin/main), otherwise the last release: the newest commit on the first-parent history that
// consumed changesets and wrote CHANGELOG.md (what `changeset version` does), or the first commit
// before any release. Changes are ordered by the first-parent commits since the base (a merge
// counts as one step, its whole branch) and then the working tree, so the check works before a commit.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const BUMPS = ['major', 'minor', 'patch'];

export interface WorkspacePackage {
  name: string;
  dir: string;
}

export interface Changeset {
  file: string;
  releases: Record<string, string>;
  summary: string;
}

export interface ChangesetCheck {
  base: string;
  baseReason: string;
  /** Library name → the changed files (repository-relative) that make it count as changed. */
  changedLibraries: Record<string, string[]>;
  changesets: Changeset[];
  problems: string[];
}

export function checkChangesets(root: string, env: NodeJS.ProcessEnv = process.env): ChangesetCheck {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const problems: string[] = [];
  const { base, baseReason } = resolveBase(git, env.CHANGESET_BASE);

  // Deleted files count as changes too; untracked files count so the check works before a commit.
  const untracked = lines(git('ls-files', '--others', '--exclude-standard'));
  const changedFiles = [...new Set([...lines(git('diff', '--name-only', '--no-renames', base)), ...untracked])].sort();
  // What each step since the base touched, oldest first: the first-parent commits, then the working tree.
  const commits =
    base === EMPTY_TREE ? '' : git('log', '--first-parent', '--reverse', '--no-renames', '--name-only', '--format=%x01', `${base}..HEAD`);
  const steps = commits
    .split('\x01')
    .slice(1)
    .map((files) => new Set(lines(files)));
  steps.push(new Set([...lines(git('diff', '--name-only', '--no-renames', base === EMPTY_TREE ? base : 'HEAD')), ...untracked]));
  const lastTouched = (file: string) => steps.findLastIndex((step) => step.has(file));

  const packages = workspacePackages(root);
  const known = new Set(packages.map((p) => p.name));
  const libraries = packages.filter((p) => p.dir.startsWith('libs/')).sort((a, b) => b.dir.length - a.dir.length);
  const patterns = changedFilePatterns(root);

  const changedLibraries: Record<string, string[]> = {};
  for (const file of changedFiles) {
    const library = libraries.find((p) => file.startsWith(`${p.dir}/`));
    if (!library || !matchesPatterns(file.slice(library.dir.length + 1), patterns)) continue;
    (changedLibraries[library.name] ??= []).push(file);
  }

  // Only changesets written since the base, and still pending, speak for changes since the base.
  const changesetFiles = changedFiles.filter(
    (file) => /^\.changeset\/[^/]+\.md$/.test(file) && file !== '.changeset/README.md' && fs.existsSync(path.join(root, file)),
  );
  const changesets: Changeset[] = [];
  for (const file of changesetFiles) {
    const parsed = parseChangeset(file, fs.readFileSync(path.join(root, file), 'utf8'));
    if (typeof parsed === 'string') {
      problems.push(parsed);
      continue;
    }
    for (const [name, bump] of Object.entries(parsed.releases)) {
      if (!known.has(name)) problems.push(`${file}: "${name}" is not a workspace package`);
      if (!BUMPS.includes(bump)) problems.push(`${file}: "${name}: ${bump}" must be major, minor or patch`);
    }
    changesets.push(parsed);
  }

  for (const [name, files] of Object.entries(changedLibraries).sort(([a], [b]) => a.localeCompare(b))) {
    const naming = changesets.filter((c) => name in c.releases);
    const lastChange = Math.max(...files.map(lastTouched));
    if (naming.some((c) => lastTouched(c.file) >= lastChange)) continue;
    const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
    problems.push(
      naming.length === 0
        ? `${name} changed (${shown}) but no changeset names it: run \`npx changeset\``
        : `${name} changed (${shown}) after its changeset was written (${naming.map((c) => c.file).join(', ')}): ` +
            'say what changed in it too, or run `npx changeset`',
    );
  }
  return { base, baseReason, changedLibraries, changesets, problems };
}

function resolveBase(git: (...args: string[]) => string, requested: string | undefined): { base: string; baseReason: string } {
  if (requested) {
    try {
      return { base: git('rev-parse', '--verify', `${requested}^{commit}`), baseReason: `CHANGESET_BASE=${requested}` };
    } catch {
      throw new Error(`CHANGESET_BASE=${requested} is not a commit in this repository`);
    }
  }
  let history: string[];
  try {
    history = git('rev-list', '--first-parent', 'HEAD').split('\n').filter(Boolean);
  } catch {
    return { base: EMPTY_TREE, baseReason: 'no commits yet' };
  }
  // A release (`changeset version`) deletes the pending changesets and writes CHANGELOG.md files.
  const candidates = git('log', '--first-parent', '--diff-filter=D', '--format=%H', 'HEAD', '--', '.changeset').split('\n').filter(Boolean);
  for (const commit of candidates) {
    const entries = git('show', '--first-parent', '--name-status', '--format=', commit).split('\n');
    const consumed = entries.some((line) => /^D\t\.changeset\/[^/]+\.md$/.test(line) && !line.endsWith('/README.md'));
    const changelog = entries.some((line) => /^[AM]\t(.+\/)?CHANGELOG\.md$/.test(line));
    if (consumed && changelog) return { base: commit, baseReason: `the last release (${commit.slice(0, 10)})` };
  }
  const first = history[history.length - 1];
  return { base: first, baseReason: `the first commit (${first.slice(0, 10)}; no release yet)` };
}

/** A changeset file: YAML front matter naming packages and their bumps, then the summary. */
export function parseChangeset(file: string, text: string): Changeset | string {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/.exec(text.trimStart());
  if (!match) return `${file}: expected front matter between --- lines naming the packages`;
  let releases: unknown;
  try {
    releases = parseYaml(match[1]) ?? {};
  } catch (error) {
    return `${file}: the front matter is not YAML (${(error as Error).message.split('\n')[0]})`;
  }
  if (typeof releases !== 'object' || Array.isArray(releases))
    return `${file}: the front matter must map package names to major, minor or patch`;
  const summary = match[2].trim();
  if (Object.keys(releases as object).length > 0 && !summary)
    return `${file}: say what changed below the front matter (it goes into CHANGELOG.md)`;
  return { file, releases: releases as Record<string, string>, summary };
}

/** The npm workspaces of the root package.json ("dir/*" patterns or plain folders). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const { workspaces = [] } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const dirs = workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    const full = path.join(root, parent);
    return fs.existsSync(full) ? fs.readdirSync(full).map((name) => `${parent}/${name}`) : [];
  });
  return dirs
    .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')))
    .map((dir) => ({ name: JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).name as string, dir }));
}

/** changedFilePatterns from .changeset/config.json, as `changeset status` applies them. */
function changedFilePatterns(root: string): string[] {
  const file = path.join(root, '.changeset/config.json');
  const config = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { changedFilePatterns?: string[] }) : {};
  return config.changedFilePatterns ?? ['**'];
}

/** A file counts when a positive pattern matches it and no "!" pattern does (micromatch's rule). */
export function matchesPatterns(file: string, patterns: string[]): boolean {
  const positive = patterns.filter((p) => !p.startsWith('!'));
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return positive.some((p) => globToRegExp(p).test(file)) && !negative.some((p) => globToRegExp(p).test(file));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

if (require.main === module) {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  try {
    if (execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: root, encoding: 'utf8' }).trim() === 'true') {
      console.warn('Warning: this is a shallow clone; the check sees only the fetched history (git fetch --unshallow).');
    }
    const result = checkChangesets(root);
    const libraries = Object.keys(result.changedLibraries);
    console.log(`Changes since ${result.baseReason}: ${libraries.length ? libraries.join(', ') : 'no library changed'}.`);
    console.log(`Changesets written since then: ${result.changesets.map((c) => path.basename(c.file)).join(', ') || 'none'}.`);
    if (result.problems.length > 0) {
      console.error(`\nChangeset check failed:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\nSee docs/contributing.md.`);
      process.exitCode = 1;
    } else console.log('Every changed library has a changeset.');
  } catch (error) {
    console.error(`Changeset check failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
