import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';

/**
 * A plain POSIX (ustar) archive of a directory's files, streamed file by file: an export can be
 * downloaded as one file and opened with any tar tool. Only regular files, names under 100 bytes.
 */
export function tarDirectory(directory: string): Readable {
  const files = listFiles(directory);
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const relative of files) {
      const full = path.join(directory, relative);
      const { size, mtimeMs } = fs.statSync(full);
      yield header(relative, size, Math.floor(mtimeMs / 1000));
      for await (const chunk of fs.createReadStream(full)) yield chunk as Buffer;
      const padding = (512 - (size % 512)) % 512;
      if (padding) yield Buffer.alloc(padding);
    }
    yield Buffer.alloc(1024);
  }
  return Readable.from(blocks());
}

/** Unpacks a ustar archive written by tarDirectory into `directory` (regular files only, no escaping paths). */
export function extractTar(archive: Buffer, directory: string): void {
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const block = archive.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) return;
    const name = block.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(block.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(block[156] || 48);
    const target = path.resolve(directory, name);
    if (!target.startsWith(path.resolve(directory) + path.sep)) throw new Error(`archive entry ${name} points outside the target`);
    if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, archive.subarray(offset + 512, offset + 512 + size));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
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

function header(name: string, size: number, mtime: number): Buffer {
  if (Buffer.byteLength(name) >= 100) throw new Error(`file name too long for the archive: ${name}`);
  const block = Buffer.alloc(512);
  const field = (value: string, start: number, length: number) => block.write(value, start, length, 'utf8');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  field(name, 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(size, 12), 124, 12);
  field(octal(mtime, 12), 136, 12);
  field('        ', 148, 8); // checksum counts as spaces while it is computed
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  field(`${octal(checksum, 7)}\0`, 148, 8);
  return block;
}
