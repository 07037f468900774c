import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The design lives in the repository (docs/architecture.md and docs/adr/): nothing may cite a
// design file that is not in it, and every cited section of the architecture must exist.
const ROOT = path.resolve(__dirname, '../..');
// Spelled in two parts so this file does not cite it itself.
const OUTSIDE_DESIGN = ['DESIGN', '.md'].join('');

/** The repository's files: tracked and new, without what git ignores (node_modules, dist, .data). */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter(Boolean))].filter(
    (file) => fs.existsSync(path.join(ROOT, file)) && fs.statSync(path.join(ROOT, file)).isFile(),
  );
}

function textOf(file: string): string | undefined {
  const bytes = fs.readFileSync(path.join(ROOT, file));
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

/** GitHub's anchor for a Markdown heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe('design references', () => {
  const files = repositoryFiles();

  it('finds the repository files (node_modules and ignored files excluded)', () => {
    expect(files).toContain('docs/architecture.md');
    expect(files.some((file) => file.startsWith('node_modules/'))).toBe(false);
  });

  it(`has no file that cites ${OUTSIDE_DESIGN}, which is not in the repository`, () => {
    const citing = files.filter((file) => textOf(file)?.includes(OUTSIDE_DESIGN));
    expect(citing).toEqual([]);
  });

  it('cites only sections of docs/architecture.md that exist', () => {
    const architecture = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const anchors = new Set([...architecture.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));
    const broken: string[] = [];
    for (const file of files) {
      for (const match of textOf(file)?.matchAll(/architecture\.md#([a-z0-9-]+)/g) ?? []) {
        if (!anchors.has(match[1])) broken.push(`${file}: #${match[1]}`);
      }
    }
    expect(broken).toEqual([]);
    for (const section of ['tenancy', 'identity-and-access', 'persistence', 'events-and-background-work', 'operations']) {
      expect(anchors.has(section)).toBe(true);
    }
  });
});
