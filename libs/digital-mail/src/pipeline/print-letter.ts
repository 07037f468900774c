import { stockholmDay } from '@kommuna/shared-identifiers';
import { printableText, wrapText } from '@kommuna/shared-pdf-text';
import { ParseSpeeds, PDFDocument, PDFFont, PDFPage, StandardFonts, rgb } from 'pdf-lib';
import type { PostalAddress } from '../adapters/types';

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };
/** C5 window envelope: the address block sits 20 mm from the left edge, 45–65 mm from the top. */
export const ADDRESS_WINDOW = { leftMm: 20, topMm: 45, bottomMm: 65 };
const MARGIN = 20 * MM;
const BODY_SIZE = 10.5;
const LINE = BODY_SIZE * 1.35;

export interface LetterContent {
  senderName: string;
  address: PostalAddress;
  subject: string;
  /** Plain text (HTML bodies are converted before). */
  body: string;
  supportInfo: Record<string, string>;
  date: Date;
  /** The letter's language: the PDF names it, so software that reads it aloud uses the right voice. */
  language: 'sv' | 'en';
  /** PDFs to append after the letter (those allowed on paper). */
  attachments: Buffer[];
}

/** A print-ready A4 letter: sender, the address in the envelope window, subject, body, support info, attachments. */
export async function renderPrintLetter(content: LetterContent): Promise<{ pdf: Buffer; pageCount: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(content.subject);
  doc.setLanguage(content.language === 'en' ? 'en-GB' : 'sv-SE');
  doc.setProducer('Kommuna digital mail');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const writer = new PageWriter(doc);

  const first = writer.page;
  const top = (mm: number) => A4.height - mm * MM;
  first.drawText(printable(content.senderName, bold), { x: MARGIN, y: top(20), size: 12, font: bold });
  // The letter's day in Sweden, where it is read: a letter made at 00:30 is dated that day, not the UTC date's day before.
  first.drawText(stockholmDay(content.date), {
    x: A4.width - MARGIN - 60,
    y: top(ADDRESS_WINDOW.topMm + 4),
    size: BODY_SIZE,
    font: regular,
  });

  const addressLines = [
    content.address.name,
    content.address.careOf ? `c/o ${content.address.careOf}` : undefined,
    content.address.street,
    `${content.address.postalCode}  ${content.address.city.toUpperCase()}`,
  ].filter((l): l is string => Boolean(l));
  let y = top(ADDRESS_WINDOW.topMm + 4);
  for (const line of addressLines) {
    first.drawText(printable(line, regular), { x: ADDRESS_WINDOW.leftMm * MM, y, size: BODY_SIZE, font: regular });
    y -= LINE;
  }

  writer.y = top(95);
  writer.paragraph(content.subject, bold, 13);
  writer.y -= LINE / 2;
  for (const paragraph of content.body.split(/\n/)) writer.paragraph(paragraph, regular, BODY_SIZE);

  const support = content.supportInfo;
  const supportLines = [support.text, [support.phone, support.email, support.url].filter(Boolean).join(' · ')].filter(Boolean);
  writer.y -= LINE;
  writer.paragraph('Frågor om brevet / Questions about this letter', bold, 9);
  for (const line of supportLines) writer.paragraph(line, regular, 9);

  for (const attachment of content.attachments) {
    const source = await PDFDocument.load(attachment, { ignoreEncryption: false, parseSpeed: ParseSpeeds.Fastest });
    const pages = await doc.copyPages(source, source.getPageIndices());
    for (const page of pages) doc.addPage(page);
  }
  // pdf-lib yields to the event loop with a timer every 50 objects by default: about 3 ms of
  // waiting per letter, which capped a worker at a few hundred paper letters a second.
  const bytes = await doc.save({ objectsPerTick: Infinity, useObjectStreams: false });
  return { pdf: Buffer.from(bytes), pageCount: doc.getPageCount() };
}

/** Writes wrapped text downwards, starting a new page when one is full. */
class PageWriter {
  page: PDFPage;
  y = 0;

  constructor(private readonly doc: PDFDocument) {
    this.page = doc.addPage([A4.width, A4.height]);
  }

  paragraph(text: string, font: PDFFont, size: number): void {
    const lines = wrapText(printable(text, font), (part) => font.widthOfTextAtSize(part, size), A4.width - 2 * MARGIN);
    for (const line of lines.length > 0 ? lines : ['']) {
      if (this.y < 25 * MM) {
        this.page = this.doc.addPage([A4.width, A4.height]);
        this.y = A4.height - 20 * MM;
      }
      if (line) this.page.drawText(line, { x: MARGIN, y: this.y, size, font, color: rgb(0, 0, 0) });
      this.y -= size * 1.35;
    }
  }
}

/**
 * The standard fonts encode WinAnsi only: other characters print as '?' rather than failing the
 * letter. A standard font's character set depends on its name alone, so it is built once per name,
 * not for every letter's newly embedded font.
 */
const characterSets = new Map<string, Set<number>>();
function printable(text: string, font: PDFFont): string {
  let encodable = characterSets.get(font.name);
  if (!encodable) characterSets.set(font.name, (encodable = new Set(font.getCharacterSet())));
  return printableText(text, encodable);
}
