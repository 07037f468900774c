import { printableText, wrapText } from '@kommuna/shared-pdf-text';
import { PDFDocument, PDFFont, rgb, StandardFonts } from 'pdf-lib';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

export interface LineOptions {
  bold?: boolean;
  size?: number;
  indent?: number;
  gap?: number;
}

/**
 * An A4 document of wrapped lines in Helvetica (WinAnsi covers Swedish; other characters print as
 * "?"), a new page when one is full: the layout of the receipt and the decision document.
 */
export async function textPdf(): Promise<{
  doc: PDFDocument;
  line: (text: string, options?: LineOptions) => void;
  space: (points: number) => void;
}> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const encodable = new Set(regular.getCharacterSet());
  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  const line = (text: string, options: LineOptions = {}) => {
    const font: PDFFont = options.bold ? bold : regular;
    const size = options.size ?? 10;
    const indent = options.indent ?? 0;
    for (const paragraph of printableText(text, encodable).split(/\r?\n/)) {
      for (const wrapped of wrapText(paragraph, (part) => font.widthOfTextAtSize(part, size), width - indent)) {
        if (y < MARGIN + size) {
          page = doc.addPage(A4);
          y = A4[1] - MARGIN;
        }
        page.drawText(wrapped, { x: MARGIN + indent, y, size, font, color: rgb(0, 0, 0) });
        y -= size * 1.4;
      }
    }
    y -= options.gap ?? 0;
  };
  return { doc, line, space: (points) => void (y -= points) };
}
