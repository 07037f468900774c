import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * A POSIX tar archive of a directory's regular files, streamed file by file (tar-stream): an
 * export can be downloaded as one file and opened with any tar tool.
 */
export function tarDirectory(directory: string): Readable {
  const pack = tar.pack();
  const files = listFiles(directory);
  void (async () => {
    for (const relative of files) {
      const full = path.join(directory, relative);
      const { size, mtime } = fs.statSync(full);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: relative, size, mtime, mode: 0o644 }, (error) => (error ? reject(error) : resolve()));
        fs.createReadStream(full).on('error', reject).pipe(entry);
      });
    }
    pack.finalize();
  })().catch((error: Error) => pack.destroy(error));
  // A Node stream, whatever tar-stream is built on: callers pipe it and wait for 'close'.
  return Readable.from(pack, { objectMode: false });
}

export class TarArchiveError extends KommunaError {
  readonly code = 'TAR_ARCHIVE_REFUSED';
  readonly status = 400;
}

/**
 * Unpacks a tar archive into `directory`, streaming: regular files and folders only, every name
 * inside the directory, each name at most once. Anything else (a link, a device, a path that
 * climbs out, a damaged header) stops the unpacking with a TarArchiveError.
 */
export async function extractTar(archive: Readable | Buffer, directory: string): Promise<void> {
  const root = path.resolve(directory);
  fs.mkdirSync(root, { recursive: true });
  const source = Buffer.isBuffer(archive) ? Readable.from([archive]) : archive;
  const extract = tar.extract();
  extract.on('entry', (header, entry, next) => {
    unpackEntry(root, header, entry).then(
      () => next(),
      (error: Error) => next(error),
    );
  });
  try {
    await pipeline(source, extract);
  } catch (error) {
    if (error instanceof TarArchiveError) throw error;
    // tar-stream's own messages ("Invalid tar header…") say what is wrong without archive content.
    throw new TarArchiveError(`Not a readable tar archive: ${(error as Error).message}`);
  }
}

async function unpackEntry(root: string, header: tar.Header, entry: AsyncIterable<unknown> & { resume(): unknown }): Promise<void> {
  const target = path.resolve(root, header.name);
  const inside = target.startsWith(root + path.sep);
  if (header.type === 'directory' && (inside || target === root)) {
    fs.mkdirSync(target, { recursive: true });
    entry.resume();
    return;
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file')
    throw new TarArchiveError(`archive entry ${JSON.stringify(header.name)} is a ${header.type}: only regular files are accepted`);
  if (!inside) throw new TarArchiveError(`archive entry ${JSON.stringify(header.name)} points outside the target`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // 'wx': a second entry of the same name cannot replace the first.
  await pipeline(entry, fs.createWriteStream(target, { flags: 'wx' })).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' ? new TarArchiveError(`archive entry ${JSON.stringify(header.name)} appears twice`) : error;
  });
}

function listFiles(directory: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(directory, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(directory, relative) : entry.isFile() ? [relative] : [];
    });
}
