import type { LocalizedText } from '@kommuna/shared-service-contracts';
import { textPdf } from './pdf-layout';
import type { DecisionInfo } from './receipt';
import { stockholmTime } from './receipt-pdf';
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
 * The decision document (beslutsbrev) as an A4 PDF. It is drawn only from the stored decision
 * and its errand, which never change, with the decision's time as the document's dates: the
 * same decision gives the same document, byte for byte, whenever it is fetched.
 */
export async function renderDecisionPdf(content: DecisionDocumentContent, language: Language = 'sv'): Promise<Uint8Array> {
  const t = TEXT[language];
  const d = content.decision;
  const { doc, line, space } = await textPdf();
  doc.setTitle(`${t.heading} ${content.errandNumber}`);
  doc.setSubject(content.title[language]);
  doc.setAuthor(content.tenant.names[language]);
  doc.setProducer('Kommuna e-forms');
  doc.setCreator('Kommuna e-forms');
  doc.setCreationDate(d.decidedAt);
  doc.setModificationDate(d.decidedAt);
  doc.setLanguage(language === 'sv' ? 'sv-SE' : 'en-GB');

  line(content.tenant.names[language], { bold: true, size: 12 });
  line(t.heading, { bold: true, size: 20, gap: 6 });
  line(`${t.errand}: ${content.errandNumber}`, { bold: true, size: 12 });
  line(`${t.matter}: ${content.title[language]}`);
  line(`${t.submitted}: ${stockholmTime(content.submittedAt)}`);
  line(`${t.decided}: ${stockholmTime(d.decidedAt)}`, { gap: 10 });

  line(`${t.outcome}: ${t[d.outcome]}`, { bold: true, size: 14, gap: 2 });
  if (d.validFrom) line(t.validity(d.validFrom, d.validTo), { gap: 2 });
  space(8);
  line(t.reasons, { bold: true, size: 12, gap: 2 });
  for (const reason of d.reasons) line(reason.text[language], { gap: 3 });
  const bases = [d.legalBasis, ...d.reasons.map((r) => r.legalBasis ?? null)].filter((b): b is NonNullable<typeof b> => b !== null);
  const cited = [
    ...new Set(
      bases.map(
        (lb) =>
          `SFS ${lb.sfs}${lb.chapter ? ` ${lb.chapter} kap.` : ''}${lb.section ? ` ${lb.section} §` : ''}${lb.title ? ` ${lb.title[language]}` : ''}`,
      ),
    ),
  ];
  if (cited.length > 0) {
    space(6);
    line(t.legalBasis, { bold: true, size: 12, gap: 2 });
    for (const basis of cited) line(basis);
  }
  space(6);
  line(d.automated ? t.automated : t.manual, { size: 9, gap: 6 });
  if (content.appealInstructions) {
    line(t.appeal, { bold: true, size: 12, gap: 2 });
    line(content.appealInstructions[language]);
  }
  return doc.save();
}
