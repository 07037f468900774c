import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { AccessiblePdf, assertPrintable, unprintableCharacters, UnprintableTextError } from './index';

// Checked with poppler (pdfinfo, pdffonts, pdftotext: Debian's poppler-utils, installed by .ci/run),
// independent of the library that wrote the PDF.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-accessible-pdf-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}
const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });

async function sample(): Promise<Uint8Array> {
  const pdf = new AccessiblePdf({
    title: 'Beslut om parkeringstillstånd',
    language: 'sv-SE',
    author: 'Sundsvalls kommun',
    createdAt: new Date('2026-12-01T10:00:00Z'),
  });
  pdf.heading(1, 'Beslut');
  pdf.paragraph('Ansökan bifalls. Avgiften är ≤ 500 kr; Nordsamiska: Ŋ ŋ Đ đ Ŧ ŧ; gammal afrikaans ŉ.');
  pdf.heading(2, 'Skäl');
  pdf.list(['Du har ett varaktigt funktionshinder.', 'Läkarintyget är giltigt.']);
  pdf.table(
    [{ header: 'Kommun' }, { header: 'Andel (kr)', align: 'right' }],
    [
      ['Sundsvall', '200 000'],
      ['Ånge', '50 000'],
    ],
  );
  // Enough text to flow onto a second page: the structure must follow it there.
  for (let i = 1; i <= 60; i++) pdf.paragraph(`Stycke ${i}: ${'text som fyller sidan '.repeat(4)}`);
  return pdf.finish();
}

describe('accessible PDF', () => {
  let file: string;
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await sample();
    file = write('sample.pdf', bytes);
  });

  it('is tagged, shows its title, and has more than one page', () => {
    const info = poppler('pdfinfo', file);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Title:\s+Beslut om parkeringstillstånd$/m);
    expect(info).toMatch(/^Author:\s+Sundsvalls kommun$/m);
    expect(Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1])).toBeGreaterThan(1);
  });

  it('names its language and asks viewers to show the title', async () => {
    const doc = await PDFDocument.load(bytes);
    expect(String(doc.catalog.get(PDFName.of('Lang')))).toContain('sv-SE');
    const preferences = doc.catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict);
    expect(String(preferences.get(PDFName.of('DisplayDocTitle')))).toBe('true');
    expect(String(doc.catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked')))).toBe('true');
  });

  it('embeds every font as a subset with a Unicode mapping', () => {
    const fonts = poppler('pdffonts', file)
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      const columns = font.trim().split(/\s+/);
      // name type encoding emb sub uni object ID: the three yes/no columns before the object id.
      const [emb, sub, uni] = columns.slice(-5, -2);
      expect({ font: columns[0], emb, sub, uni }).toEqual({ font: columns[0], emb: 'yes', sub: 'yes', uni: 'yes' });
    }
  });

  it('gives the text back as written, symbols and rare Latin letters included', () => {
    const text = poppler('pdftotext', '-enc', 'UTF-8', file, '-');
    expect(text).toContain('≤ 500 kr');
    expect(text).toContain('Ŋ ŋ Đ đ Ŧ ŧ');
    expect(text).toContain('ŉ');
    expect(text).not.toContain('?');
  });

  it('has a structure tree in reading order: document, headings, paragraphs, list, table', () => {
    const tree = poppler('pdfinfo', '-struct', file);
    const kinds = tree
      .split('\n')
      .map((line) => line.trim().split(/\s/)[0])
      .filter((kind) => /^(Document|H1|H2|P|L|LI|Lbl|LBody|Table|TR|TH|TD)$/.test(kind));
    expect(kinds.slice(0, 16)).toEqual([
      'Document',
      'H1',
      'P',
      'H2',
      'L',
      'LI',
      'Lbl',
      'LBody',
      'LI',
      'Lbl',
      'LBody',
      'Table',
      'TR',
      'TH',
      'TH',
      'TR',
    ]);
    // Every paragraph, the ones on the second page too, is in the tree.
    expect(kinds.filter((kind) => kind === 'P')).toHaveLength(61);
    const structText = poppler('pdfinfo', '-struct-text', file);
    expect(structText).toContain('Stycke 60');
  });

  it('refuses text the font cannot show, naming the field and the character, instead of printing "?"', async () => {
    expect(unprintableCharacters('Hej 👋 och 漢字')).toEqual(['👋', '漢', '字']);
    expect(unprintableCharacters('Åsa Öberg, ≤ 5 %, ŉ, tab\tand\nnewline')).toEqual([]);
    let refused: unknown;
    try {
      assertPrintable({ subject: 'Hej', body: 'Välkommen 👋' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(UnprintableTextError);
    expect((refused as UnprintableTextError).code).toBe('VALIDATION_FAILED');
    expect((refused as UnprintableTextError).details).toEqual([{ field: 'body', message: 'cannot be printed: "👋" (U+1F44B)' }]);
    const pdf = new AccessiblePdf({ title: 't', language: 'sv-SE' });
    expect(() => pdf.paragraph('🙂')).toThrow(UnprintableTextError);
  });

  it('gives the same bytes for the same input and date', async () => {
    const [a, b] = await Promise.all([sample(), sample()]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
