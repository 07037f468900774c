import { execFileSync } from 'node:child_process';

/**
 * The text of a PDF as a reader gets it, extracted by poppler's pdftotext (Debian's poppler-utils,
 * which .ci/run installs): independent of the library that wrote the PDF, and it reads the text
 * through the fonts' Unicode mappings, so a character the PDF cannot give back does not come out.
 */
export function pdfText(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], {
    input: Buffer.from(bytes),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}
