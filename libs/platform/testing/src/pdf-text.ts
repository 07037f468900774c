import { inflateSync } from 'node:zlib';

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
