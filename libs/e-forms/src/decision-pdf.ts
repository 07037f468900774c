import type { LocalizedText } from '@kommuna/shared-service-contracts';
import { AccessiblePdf } from '@kommuna/shared-accessible-pdf';
import type { DecisionInfo } from './receipt';
import { citeLegalBasis, stockholmTime } from './receipt-pdf';
import type { Language } from './validation';

/** What a decision document says: the decision with its errand, municipality and how to appeal. */
export interface DecisionDocumentContent {
  tenant: { names: LocalizedText };
  errandNumber: string;
  title: LocalizedText;
  submittedAt: Date;
  decision: DecisionInfo;
  appealInstructions: LocalizedText | null;
}

const TEXT = {
  sv: {
    heading: 'Beslut',
    errand: 'Ärendenummer',
    matter: 'Ärende',
    submitted: 'Ansökan inkom',
    decided: 'Beslutsdatum',
    approve: 'Bifall',
    reject: 'Avslag',
    outcome: 'Beslut',
    validity: (from: string, to: string | null) => (to ? `Gäller från ${from} till och med ${to}` : `Gäller från ${from} tills vidare`),
    reasons: 'Skäl för beslutet',
    legalBasis: 'Lagrum',
    automated: 'Automatiserat beslut, fattat enligt de regler kommunen har beslutat för e-tjänsten.',
    manual: 'Beslutet är fattat av handläggare.',
    appeal: 'Hur du överklagar',
  },
  en: {
    heading: 'Decision',
    errand: 'Errand number',
    matter: 'Matter',
    submitted: 'Application received',
    decided: 'Date of decision',
    approve: 'Approved',
    reject: 'Rejected',
    outcome: 'Decision',
    validity: (from: string, to: string | null) => (to ? `Valid from ${from} to ${to}` : `Valid from ${from} until further notice`),
    reasons: 'Reasons for the decision',
    legalBasis: 'Legal basis',
    automated: 'An automated decision, made by the rules the municipality has set for the e-service.',
    manual: 'The decision was made by a case worker.',
    appeal: 'How to appeal',
  },
};

/** The file name of a decision's document. */
export function decisionDocumentName(errandNumber: string): string {
  return `Beslut ${errandNumber}.pdf`;
}

/**
 * The decision document (beslutsbrev) as an accessible A4 PDF (tagged, titled, in the reader's language). It is drawn only from the stored decision
 * and its errand, which never change, with the decision's time as the document's dates: the
 * same decision gives the same document, byte for byte, whenever it is fetched.
 */
export async function renderDecisionPdf(content: DecisionDocumentContent, language: Language = 'sv'): Promise<Uint8Array> {
  const t = TEXT[language];
  const d = content.decision;
  const pdf = new AccessiblePdf({
    title: `${t.heading} ${content.errandNumber}`,
    language: language === 'sv' ? 'sv-SE' : 'en-GB',
    subject: content.title[language],
    author: content.tenant.names[language],
    creator: 'Kommuna e-forms',
    createdAt: d.decidedAt,
  });
  pdf.paragraph(content.tenant.names[language], { bold: true, size: 12 });
  pdf.heading(1, t.heading);
  pdf.paragraph(`${t.errand}: ${content.errandNumber}`, { bold: true, size: 12 });
  pdf.paragraph(`${t.matter}: ${content.title[language]}`);
  pdf.paragraph(`${t.submitted}: ${stockholmTime(content.submittedAt)}`);
  pdf.paragraph(`${t.decided}: ${stockholmTime(d.decidedAt)}`, { gap: 10 });

  pdf.heading(2, `${t.outcome}: ${t[d.outcome]}`);
  if (d.validFrom) pdf.paragraph(t.validity(d.validFrom, d.validTo), { gap: 2 });
  pdf.space(8);
  pdf.heading(2, t.reasons);
  for (const reason of d.reasons) pdf.paragraph(reason.text[language], { gap: 3 });
  const bases = [d.legalBasis, ...d.reasons.map((r) => r.legalBasis ?? null)].filter((b): b is NonNullable<typeof b> => b !== null);
  const cited = [...new Set(bases.map((lb) => citeLegalBasis(lb, language)))];
  if (cited.length > 0) {
    pdf.space(6);
    pdf.heading(2, t.legalBasis);
    for (const basis of cited) pdf.paragraph(basis);
  }
  pdf.space(6);
  pdf.paragraph(d.automated ? t.automated : t.manual, { size: 9, gap: 6 });
  if (content.appealInstructions) {
    pdf.heading(2, t.appeal);
    pdf.paragraph(content.appealInstructions[language]);
  }
  return pdf.finish();
}
