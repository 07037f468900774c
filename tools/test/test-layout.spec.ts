import * as fs from 'node:fs';
import * as path from 'node:path';

// One place for tests (docs/contributing.md): in every library and app, specs sit beside their code
// in src/ and shared test helpers in src/testing/. jest.preset.js runs only src/**/*.spec.ts, so a
// spec anywhere else would silently never run. tools/ is the exception: its tests are in tools/test/.
const root = path.resolve(__dirname, '../..');

function workspaceFolders(): string[] {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return workspaces
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [pattern];
      const dir = path.join(root, pattern.slice(0, -2));
      return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(pattern.slice(0, -2), name)) : [];
    })
    .filter((folder) => folder !== 'tools' && fs.existsSync(path.join(root, folder, 'package.json')));
}

/** Every TypeScript file under a folder, relative to the repository root. */
function typescriptFiles(folder: string): string[] {
  return fs.readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.data'].includes(entry.name) ? [] : typescriptFiles(child);
    return /\.tsx?$/.test(entry.name) ? [child] : [];
  });
}

describe('where tests live', () => {
  const folders = workspaceFolders();

  it('finds the libraries and apps', () => {
    expect(folders).toEqual(expect.arrayContaining(['apps/api', 'libs/minasidor', 'libs/digital-mail', 'libs/platform/testing']));
  });

  it('keeps every spec of a library or an app in its src/ folder', () => {
    const outside = folders.flatMap((folder) =>
      typescriptFiles(folder).filter((file) => /\.spec\.tsx?$/.test(file) && !file.startsWith(path.join(folder, 'src') + path.sep)),
    );
    expect(outside).toEqual([]);
  });

  it('has no test/ folder beside src/ in a library or an app', () => {
    expect(folders.filter((folder) => fs.existsSync(path.join(root, folder, 'test')))).toEqual([]);
  });
});
