// `npm run build`: compiles the apps and libraries to JavaScript in dist/, in the repository's
// layout, so production processes start without compiling TypeScript in memory (docs/adr/0002
// decision 9: the in-process loader cost the api 0.5-0.9 s per start and about 65 MB of resident
// memory). Same compiler (swc) and settings as the loader: legacy decorators with their metadata
// (TypeORM, Nest), ES2022, CommonJS; `@kommuna/*` imports are rewritten to relative paths from
// tsconfig.base.json. Then it caches the embedded database's empty cluster (decision 10).
// Flags: `--out <dir>` (inside the checkout, so node_modules resolves); `--no-pglite-cache`.
import { transformFile } from '@swc/core';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'dist');
const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const paths = tsconfig.compilerOptions.paths;

/** Source folders: every app's and library's src/. */
function sourceRoots() {
  const roots = [];
  for (const app of fs.readdirSync(path.join(root, 'apps'))) roots.push(path.join('apps', app, 'src'));
  const visit = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules') continue;
      const child = path.join(dir, entry.name);
      if (entry.name === 'src') roots.push(child);
      else visit(child);
    }
  };
  visit('libs');
  return roots.filter((r) => fs.existsSync(path.join(root, r)));
}

function filesUnder(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(child) : [child];
  });
}

const isTest = (file) => /\.(spec|test)\.tsx?$/.test(file);

async function build() {
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  let compiled = 0;
  let copied = 0;
  for (const sourceRoot of sourceRoots()) {
    // A service library's descriptor, version and changelog: the catalogue reads them from beside its code.
    for (const name of ['service.yaml', 'package.json', 'CHANGELOG.md']) {
      const file = path.join(path.dirname(sourceRoot), name);
      if (!fs.existsSync(path.join(root, file)) || !fs.existsSync(path.join(root, path.dirname(sourceRoot), 'service.yaml'))) continue;
      fs.mkdirSync(path.join(out, path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(out, file));
      copied++;
    }
    for (const file of filesUnder(sourceRoot)) {
      const target = path.join(out, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if ((file.endsWith('.ts') || file.endsWith('.tsx')) && !file.endsWith('.d.ts')) {
        if (isTest(file)) continue;
        const result = await transformFile(path.join(root, file), {
          swcrc: false,
          sourceMaps: true,
          jsc: {
            // .tsx: the web's React pages (automatic JSX runtime, as apps/web/tsconfig.json says).
            parser: { syntax: 'typescript', decorators: true, tsx: file.endsWith('.tsx') },
            transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
            target: 'es2022',
            keepClassNames: true,
            baseUrl: root,
            paths,
          },
          module: { type: 'commonjs' },
        });
        const js = target.replace(/\.tsx?$/, '.js');
        fs.writeFileSync(js, `${result.code}\n//# sourceMappingURL=${path.basename(js)}.map\n`);
        if (result.map) fs.writeFileSync(`${js}.map`, result.map);
        compiled++;
      } else if (!file.endsWith('.md') && !file.endsWith('.d.ts')) {
        // Data the code reads next to itself (e.g. the municipality list as JSON).
        fs.copyFileSync(path.join(root, file), target);
        copied++;
      }
    }
  }
  process.stdout.write(`dist/: ${compiled} files compiled, ${copied} copied in ${Date.now() - started} ms\n`);
}

/** The embedded database's cached empty cluster (libs/platform/persistence/src/pglite-initdb-cache.ts), made once per PGlite version. */
async function warmPgliteCache() {
  const started = Date.now();
  const cacheDir = path.resolve(root, process.env.KOMMUNA_PGLITE_CACHE_DIR ?? 'node_modules/.cache/kommuna');
  const { warmInitdbCache } = createRequire(import.meta.url)(path.join(out, 'libs/platform/persistence/src/pglite-initdb-cache.js'));
  if (await warmInitdbCache(cacheDir))
    process.stdout.write(`embedded database: empty cluster cached in ${path.relative(root, cacheDir)} in ${Date.now() - started} ms\n`);
}

await build();
// Images run on a PostgreSQL server: no embedded database to prepare there.
if (!process.argv.includes('--no-pglite-cache')) await warmPgliteCache();
