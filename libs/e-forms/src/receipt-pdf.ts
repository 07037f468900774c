import { printableText, wrapText } from '@kommuna/shared-pdf-text';
import { PDFDocument, PDFFont, rgb, StandardFonts } from 'pdf-lib';
import type { Receipt } from './receipt';
import type { Language } from './validation';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

const TEXT = {
  sv: {
    heading: 'Kvittens',
    errand: 'Ärendenummer',
    submitted: 'Inskickat',
    form: 'E-tjänst',
    version: 'version',
    answers: 'Dina svar',
    attachments: 'Bilagor',
    decision: 'Beslut',
    approve: 'Bifall',
    reject: 'Avslag',
    automated: 'Automatiserat beslut',
    manual: 'Beslut av handläggare',
    legalBasis: 'Lagrum',
    footer: 'Spara kvittensen. Ange ärendenumret när du kontaktar kommunen.',
  },
  en: {
    heading: 'Receipt',
    errand: 'Errand number',
    submitted: 'Submitted',
    form: 'E-service',
    version: 'version',
    answers: 'Your answers',
    attachments: 'Attachments',
    decision: 'Decision',
    approve: 'Approved',
    reject: 'Rejected',
    automated: 'Automated decision',
    manual: 'Decided by a case worker',
    legalBasis: 'Legal basis',
    footer: 'Keep this receipt. Quote the errand number when you contact the municipality.',
  },
};

const STOCKHOLM_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });

/** Local Swedish time, e.g. 2025-03-04 14:05 (the database keeps UTC). */
export function stockholmTime(at: Date): string {
  return STOCKHOLM_TIME.format(at);
}

/**
 * The receipt as an A4 PDF. The standard Helvetica font encodes WinAnsi, which covers Swedish
 * (å, ä, ö, é); any character outside it is shown as "?" rather than failing the rendering.
 */
export async function renderReceiptPdf(receipt: Receipt, language: Language = 'sv'): Promise<Uint8Array> {
  const t = TEXT[language];
  const doc = await PDFDocument.create();
  doc.setTitle(`${t.heading} ${receipt.errandNumber}`);
  doc.setSubject(`${receipt.title[language]} (${receipt.formSlug} ${receipt.formVersion})`);
  doc.setAuthor(receipt.tenant.names[language]);
  doc.setProducer('Kommuna e-forms');
  doc.setCreationDate(receipt.submittedAt);
  doc.setModificationDate(receipt.submittedAt);
  doc.setLanguage(language === 'sv' ? 'sv-SE' : 'en-GB');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const encodable = new Set(regular.getCharacterSet());

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  const line = (text: string, options: { font?: PDFFont; size?: number; indent?: number; gap?: number } = {}) => {
    const font = options.font ?? regular;
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

  line(receipt.tenant.names[language], { font: bold, size: 12 });
  line(t.heading, { font: bold, size: 20, gap: 6 });
  line(`${t.errand}: ${receipt.errandNumber}`, { font: bold, size: 12 });
  line(`${t.submitted}: ${stockholmTime(receipt.submittedAt)}`);
  line(`${t.form}: ${receipt.title[language]} (${t.version} ${receipt.formVersion})`, { gap: 10 });

  line(t.answers, { font: bold, size: 13, gap: 2 });
  for (const answer of receipt.answers) {
    line(answer.label[language], { font: bold });
    line(answer.value[language], { indent: 12, gap: 3 });
  }
  if (receipt.attachments.length > 0) {
    line(t.attachments, { font: bold, size: 13, gap: 2 });
    for (const file of receipt.attachments) {
      line(`${file.fileName} (${file.contentType}, ${file.sizeBytes} bytes)`);
      line(`SHA-256 ${file.sha256}`, { indent: 12, size: 8, gap: 3 });
    }
  }
  if (receipt.decision) {
    const d = receipt.decision;
    line(t.decision, { font: bold, size: 13, gap: 2 });
    line(`${t[d.outcome]} (${d.automated ? t.automated : t.manual}), ${stockholmTime(d.decidedAt)}`);
    for (const reason of d.reasons) line(reason.text[language], { indent: 12 });
    if (d.legalBasis) {
      const lb = d.legalBasis;
      line(`${t.legalBasis}: SFS ${lb.sfs}${lb.chapter ? ` ${lb.chapter} kap.` : ''}${lb.section ? ` ${lb.section} §` : ''}${lb.title ? ` ${lb.title[language]}` : ''}`, { indent: 12 });
    }
  }
  y -= 10;
  line(t.footer, { size: 9 });
  return doc.save();
}
