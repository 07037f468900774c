import { textPdf } from './pdf-layout';
import type { Receipt } from './receipt';
import type { Language } from './validation';

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
    validity: (from: string, to: string | null) => (to ? `Gäller från ${from} till och med ${to}` : `Gäller från ${from} tills vidare`),
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
    validity: (from: string, to: string | null) => (to ? `Valid from ${from} to ${to}` : `Valid from ${from} until further notice`),
    footer: 'Keep this receipt. Quote the errand number when you contact the municipality.',
  },
};

const STOCKHOLM_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });

/** Local Swedish time, e.g. 2025-03-04 14:05 (the database keeps UTC). */
export function stockholmTime(at: Date): string {
  return STOCKHOLM_TIME.format(at);
}

/**
 * The receipt as an A4 PDF (see textPdf for the font and what it can print).
 */
export async function renderReceiptPdf(receipt: Receipt, language: Language = 'sv'): Promise<Uint8Array> {
  const t = TEXT[language];
  const { doc, line, space } = await textPdf();
  doc.setTitle(`${t.heading} ${receipt.errandNumber}`);
  doc.setSubject(`${receipt.title[language]} (${receipt.formSlug} ${receipt.formVersion})`);
  doc.setAuthor(receipt.tenant.names[language]);
  doc.setProducer('Kommuna e-forms');
  doc.setCreationDate(receipt.submittedAt);
  doc.setModificationDate(receipt.submittedAt);
  doc.setLanguage(language === 'sv' ? 'sv-SE' : 'en-GB');

  line(receipt.tenant.names[language], { bold: true, size: 12 });
  line(t.heading, { bold: true, size: 20, gap: 6 });
  line(`${t.errand}: ${receipt.errandNumber}`, { bold: true, size: 12 });
  line(`${t.submitted}: ${stockholmTime(receipt.submittedAt)}`);
  line(`${t.form}: ${receipt.title[language]} (${t.version} ${receipt.formVersion})`, { gap: 10 });

  line(t.answers, { bold: true, size: 13, gap: 2 });
  for (const answer of receipt.answers) {
    line(answer.label[language], { bold: true });
    line(answer.value[language], { indent: 12, gap: 3 });
  }
  if (receipt.attachments.length > 0) {
    line(t.attachments, { bold: true, size: 13, gap: 2 });
    for (const file of receipt.attachments) {
      line(`${file.fileName} (${file.contentType}, ${file.sizeBytes} bytes)`);
      line(`SHA-256 ${file.sha256}`, { indent: 12, size: 8, gap: 3 });
    }
  }
  if (receipt.decision) {
    const d = receipt.decision;
    line(t.decision, { bold: true, size: 13, gap: 2 });
    line(`${t[d.outcome]} (${d.automated ? t.automated : t.manual}), ${stockholmTime(d.decidedAt)}`);
    if (d.validFrom) line(t.validity(d.validFrom, d.validTo), { indent: 12 });
    for (const reason of d.reasons) line(reason.text[language], { indent: 12 });
    if (d.legalBasis) {
      const lb = d.legalBasis;
      line(
        `${t.legalBasis}: SFS ${lb.sfs}${lb.chapter ? ` ${lb.chapter} kap.` : ''}${lb.section ? ` ${lb.section} §` : ''}${lb.title ? ` ${lb.title[language]}` : ''}`,
        { indent: 12 },
      );
    }
  }
  space(10);
  line(t.footer, { size: 9 });
  return doc.save();
}
