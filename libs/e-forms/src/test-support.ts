// Shared by this library's tests (not exported from index.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { parse } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The definition of a shipped example form (tenants/<tenant>/forms/<slug>.yaml). */
export function exampleDefinition(slug: string, tenant = 'sundsvall'): any {
  return structuredClone(parse(fs.readFileSync(path.join(REPO_ROOT, 'tenants', tenant, 'forms', `${slug}.yaml`), 'utf8')).definition);
}

/** Real file headers (plus filler): what a scanner or phone would produce at the start. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake jpeg body')]);
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

// WinAnsi (cp1252) differs from Latin-1 in 0x80-0x9f; the ones the tests use:
const WIN_ANSI_EXTRAS: Record<number, string> = { 0x80: '€', 0x96: '–', 0x97: '—', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”' };

/** The text drawn on a pdf-lib PDF's pages: inflates the content streams and decodes the shown strings. */
export function pdfText(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes);
  const text: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf('stream', at);
    if (start < 0) break;
    const bodyStart = raw[start + 6] === 0x0d ? start + 8 : start + 7;
    const end = raw.indexOf('endstream', bodyStart);
    if (end < 0) break;
    let content: Buffer;
    try {
      content = inflateSync(raw.subarray(bodyStart, end));
    } catch {
      content = raw.subarray(bodyStart, end);
    }
    for (const match of content.toString('latin1').matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      text.push(Array.from(Buffer.from(match[1], 'hex'), (byte) => WIN_ANSI_EXTRAS[byte] ?? String.fromCharCode(byte)).join(''));
    }
    at = end + 9;
  }
  return text.join('\n');
}
