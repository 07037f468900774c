import * as path from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { nameCharacters } from '@kommuna/shared-pdf-text';
import { FieldProblem, ValidationFailedError } from '@kommuna/shared-service-contracts';

/**
 * PDFs a person reads (receipts, decisions, letters, the meeting pack) as tagged PDF in the shape
 * PDF/UA asks for: a structure tree (Document, headings, paragraphs, lists, tables) in reading
 * order, the document's title shown instead of its file name, its language, and an embedded font
 * subset with a Unicode mapping, so a screen reader reads, and a search finds, the text itself.
 * PDFKit writes the PDF; DejaVu Sans (free licence, wide coverage: Swedish, the Nordic and Sámi
 * letters, most of Latin, Greek and Cyrillic, common symbols) is the font.
 */

const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = path.join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = path.join(FONT_DIR, 'DejaVuSans-Bold.ttf');

const A4_MARGIN = 56;

export interface PdfDocumentInfo {
  title: string;
  /** BCP 47, e.g. sv-SE or en-GB: screen readers choose their voice by it. */
  language: string;
  author?: string;
  subject?: string;
  /** The program that made it, e.g. "Kommuna e-forms". */
  creator?: string;
  /** Set for a reproducible document (the same input gives the same bytes); otherwise now. */
  createdAt?: Date;
}

export interface TextOptions {
  bold?: boolean;
  /** Points; 10 by default. */
  size?: number;
  /** Points from the left margin. */
  indent?: number;
  /** Points of space after the block. */
  gap?: number;
}

export interface TableColumn {
  header: string;
  /** Share of the line width (the shares are scaled to sum to one). */
  width?: number;
  align?: 'left' | 'right';
}

/** The characters of `text` the embedded font cannot show, each once, in the order they occur. */
export function unprintableCharacters(text: string): string[] {
  const missing = new Set<string>();
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    // Line breaks and tabs are layout, not glyphs.
    if (code === 0x0a || code === 0x0d || code === 0x09) continue;
    if (!coverage().has(code)) missing.add(character);
  }
  return [...missing];
}

/** Text that would not print as written: refused where it is accepted, never replaced by "?" in the PDF. */
export class UnprintableTextError extends ValidationFailedError {
  constructor(problems: FieldProblem[]) {
    super(`Text with characters that cannot be printed: ${problems.map((p) => p.field).join(', ')}`, problems);
  }
}

/**
 * Refuses, field by field, text that holds characters the PDFs cannot show (an emoji, a script
 * the font lacks). Call it where the text is accepted, before anything is stored.
 */
export function assertPrintable(fields: Record<string, string | null | undefined>): void {
  const problems: FieldProblem[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const missing = unprintableCharacters(text);
    if (missing.length > 0) {
      problems.push({ field, message: `cannot be printed: ${nameCharacters(missing)}` });
    }
  }
  if (problems.length > 0) throw new UnprintableTextError(problems);
}

let fontCoverage: Set<number> | undefined;
/** The code points both the regular and the bold face have a glyph for (read once). */
function coverage(): Set<number> {
  if (!fontCoverage) {
    const faces = [REGULAR, BOLD].map((file) => fontkit.openSync(file) as fontkit.Font);
    const [regular, bold] = faces.map((face) => new Set(face.characterSet));
    fontCoverage = new Set([...regular].filter((code) => bold.has(code)));
  }
  return fontCoverage;
}

/**
 * An A4 document built block by block in reading order. Text that the font cannot show throws
 * UnprintableTextError (check it at acceptance with assertPrintable, so this never happens late).
 */
export class AccessiblePdf {
  private readonly doc: PDFKit.PDFDocument;
  private readonly root: PDFKit.PDFStructureElement;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Uint8Array>;

  constructor(info: PdfDocumentInfo) {
    const createdAt = info.createdAt ?? new Date();
    this.doc = new PDFDocument({
      size: 'A4',
      margin: A4_MARGIN,
      pdfVersion: '1.7',
      tagged: true,
      lang: info.language,
      displayTitle: true,
      font: REGULAR,
      // Only the entries given: PDFKit derives the file id from every entry and fails on an empty one.
      info: Object.fromEntries(
        Object.entries({
          Title: info.title,
          Author: info.author,
          Subject: info.subject,
          Creator: info.creator,
          Producer: 'Kommuna (PDFKit)',
          CreationDate: createdAt,
          ModDate: createdAt,
        }).filter(([, value]) => value !== undefined),
      ),
    });
    this.doc.registerFont('regular', REGULAR);
    this.doc.registerFont('bold', BOLD);
    this.doc.font('regular');
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(new Uint8Array(Buffer.concat(this.chunks))));
      this.doc.on('error', reject);
    });
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
  }

  /** The width text may take, in points, from the left margin. */
  get lineWidth(): number {
    return this.doc.page.width - 2 * A4_MARGIN;
  }

  heading(level: 1 | 2 | 3, text: string, options: Omit<TextOptions, 'bold'> = {}): this {
    const size = options.size ?? ({ 1: 20, 2: 14, 3: 12 } as const)[level];
    return this.block(`H${level}`, text, { ...options, size, bold: true, gap: options.gap ?? size * 0.4 });
  }

  paragraph(text: string, options: TextOptions = {}): this {
    return this.block('P', text, options);
  }

  /** A bulleted list: each item one LI with its body, as a screen reader announces a list. */
  list(items: string[], options: TextOptions = {}): this {
    if (items.length === 0) return this;
    this.checkPrintable(items.join('\n'));
    const list = this.doc.struct('L');
    this.root.add(list);
    const indent = options.indent ?? 0;
    this.font(options);
    for (const item of items) {
      const entry = this.doc.struct('LI');
      list.add(entry);
      entry.add(
        this.doc.struct('Lbl', {}, () => this.doc.text('•', A4_MARGIN + indent, this.doc.y, { continued: false, lineBreak: false })),
      );
      this.doc.moveUp();
      entry.add(
        this.doc.struct('LBody', {}, () =>
          this.doc.text(item, A4_MARGIN + indent + 12, this.doc.y, { width: this.lineWidth - indent - 12 }),
        ),
      );
      entry.end();
    }
    list.end();
    this.doc.moveDown((options.gap ?? 0) / this.doc.currentLineHeight(true));
    return this;
  }

  /** A table with a header row (TH, scoped to its column) and one row per entry (TD). */
  table(columns: TableColumn[], rows: string[][], options: Omit<TextOptions, 'indent'> = {}): this {
    this.checkPrintable([...columns.map((c) => c.header), ...rows.flat()].join('\n'));
    const size = options.size ?? 9;
    const shares = columns.map((c) => c.width ?? 1);
    const total = shares.reduce((sum, share) => sum + share, 0);
    const widths = shares.map((share) => (share / total) * this.lineWidth);
    const table = this.doc.struct('Table');
    this.root.add(table);
    const row = (cells: string[], header: boolean) => {
      this.doc.font(header ? 'bold' : 'regular').fontSize(size);
      const height = Math.max(...cells.map((cell, i) => this.doc.heightOfString(cell, { width: widths[i] - 4 })));
      if (this.doc.y + height > this.doc.page.height - A4_MARGIN) this.doc.addPage();
      const top = this.doc.y;
      const tr = this.doc.struct('TR');
      table.add(tr);
      let x = A4_MARGIN;
      cells.forEach((cell, i) => {
        const left = x;
        tr.add(
          this.doc.struct(header ? 'TH' : 'TD', header ? { title: cells[i] } : {}, () =>
            this.doc.text(cell, left, top, { width: widths[i] - 4, align: columns[i].align ?? 'left', lineBreak: true }),
          ),
        );
        x += widths[i];
      });
      tr.end();
      this.doc.x = A4_MARGIN;
      this.doc.y = top + height + size * 0.3;
    };
    row(
      columns.map((c) => c.header),
      true,
    );
    for (const cells of rows) row(cells, false);
    table.end();
    this.doc.moveDown((options.gap ?? size) / this.doc.currentLineHeight(true));
    return this;
  }

  /** Empty space, in points (layout only: nothing in the structure tree). */
  space(points: number): this {
    this.doc.y += points;
    return this;
  }

  async finish(): Promise<Uint8Array> {
    this.root.end();
    this.doc.end();
    return this.done;
  }

  private block(type: 'H1' | 'H2' | 'H3' | 'P', text: string, options: TextOptions): this {
    this.checkPrintable(text);
    this.font(options);
    const indent = options.indent ?? 0;
    this.root.add(
      this.doc.struct(type, {}, () =>
        this.doc.text(text.replace(/\t/g, ' '), A4_MARGIN + indent, this.doc.y, { width: this.lineWidth - indent }),
      ),
    );
    if (options.gap) this.doc.y += options.gap;
    return this;
  }

  private font(options: TextOptions): void {
    this.doc.font(options.bold ? 'bold' : 'regular').fontSize(options.size ?? 10);
  }

  private checkPrintable(text: string): void {
    assertPrintable({ text });
  }
}
