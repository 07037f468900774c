import { AccessiblePdf } from '@kommuna/shared-accessible-pdf';
import type { LegalBasis } from '@kommuna/shared-service-contracts';
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
 * The receipt as an accessible A4 PDF (tagged, titled, in the reader's language, with an embedded
 * font: see @kommuna/shared-accessible-pdf). Its dates are the submission's, so the same receipt
 * gives the same bytes.
 */
export async function renderReceiptPdf(receipt: Receipt, language: Language = 'sv'): Promise<Uint8Array> {
  const t = TEXT[language];
  const pdf = new AccessiblePdf({
    title: `${t.heading} ${receipt.errandNumber}`,
    language: language === 'sv' ? 'sv-SE' : 'en-GB',
    subject: `${receipt.title[language]} (${receipt.formSlug} ${receipt.formVersion})`,
    author: receipt.tenant.names[language],
    creator: 'Kommuna e-forms',
    createdAt: receipt.submittedAt,
  });
  pdf.paragraph(receipt.tenant.names[language], { bold: true, size: 12 });
  pdf.heading(1, t.heading);
  pdf.paragraph(`${t.errand}: ${receipt.errandNumber}`, { bold: true, size: 12 });
  pdf.paragraph(`${t.submitted}: ${stockholmTime(receipt.submittedAt)}`);
  pdf.paragraph(`${t.form}: ${receipt.title[language]} (${t.version} ${receipt.formVersion})`, { gap: 10 });

  pdf.heading(2, t.answers);
  for (const answer of receipt.answers) {
    pdf.paragraph(answer.label[language], { bold: true });
    pdf.paragraph(answer.value[language], { indent: 12, gap: 3 });
  }
  if (receipt.attachments.length > 0) {
    pdf.heading(2, t.attachments);
    for (const file of receipt.attachments) {
      pdf.paragraph(`${file.fileName} (${file.contentType}, ${file.sizeBytes} bytes)`);
      pdf.paragraph(`SHA-256 ${file.sha256}`, { indent: 12, size: 8, gap: 3 });
    }
  }
  if (receipt.decision) {
    const d = receipt.decision;
    pdf.heading(2, t.decision);
    pdf.paragraph(`${t[d.outcome]} (${d.automated ? t.automated : t.manual}), ${stockholmTime(d.decidedAt)}`);
    if (d.validFrom) pdf.paragraph(t.validity(d.validFrom, d.validTo), { indent: 12 });
    for (const reason of d.reasons) pdf.paragraph(reason.text[language], { indent: 12 });
    if (d.legalBasis) pdf.paragraph(`${t.legalBasis}: ${citeLegalBasis(d.legalBasis, language)}`, { indent: 12 });
  }
  pdf.space(10);
  pdf.paragraph(t.footer, { size: 9 });
  return pdf.finish();
}

/** A legal basis as a citation: "SFS 1998:1276 13 kap. 8 § Trafikförordningen". */
export function citeLegalBasis(lb: LegalBasis, language: Language): string {
  return `SFS ${lb.sfs}${lb.chapter ? ` ${lb.chapter} kap.` : ''}${lb.section ? ` ${lb.section} §` : ''}${lb.title ? ` ${lb.title[language]}` : ''}`;
}
