import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// initdb in WebAssembly takes about five seconds, loading a copy of its output under one: a new
// embedded data folder starts from a copy of an empty cluster made once per PGlite version. Only
// initdb's output is kept (no schema, no data); migrations always run on the data folder itself.

/** The PGlite version, from its package.json (its exports do not expose the file). */
function pgliteVersion(): string {
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === '@electric-sql/pglite') return String(pkg.version);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('@electric-sql/pglite: package.json not found');
    dir = parent;
  }
}

export function initdbSnapshotFile(cacheDir: string): string {
  return path.join(cacheDir, `pglite-${pgliteVersion()}-initdb.tar`);
}

/** initdb's output, as a tar PGlite can load. */
async function emptyCluster(): Promise<Uint8Array<ArrayBuffer>> {
  const db = await PGlite.create();
  try {
    return new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  } finally {
    await db.close();
  }
}

function store(file: string, tar: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename: another process never reads a half-written snapshot.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, tar);
  fs.renameSync(partial, file);
}

/** Makes the snapshot unless it exists; true when it made it. */
export async function warmInitdbCache(cacheDir: string): Promise<boolean> {
  const file = initdbSnapshotFile(cacheDir);
  if (fs.existsSync(file)) return false;
  store(file, await emptyCluster());
  return true;
}

/**
 * An empty cluster to start a new data folder from. Made once and kept; when the cache cannot be
 * written (a read-only folder, a full disk) the one made is still used, so initdb never runs twice.
 * Undefined only when none can be made: the folder is then initialised the usual way.
 */
export async function initdbSnapshot(cacheDir: string): Promise<Blob | undefined> {
  try {
    const file = initdbSnapshotFile(cacheDir);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const tar = await emptyCluster();
    try {
      store(file, tar);
    } catch {
      // Not cached: this folder still starts from it.
    }
    return new Blob([tar]);
  } catch {
    return undefined;
  }
}
