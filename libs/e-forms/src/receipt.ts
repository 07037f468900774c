import type { DecisionReason, LegalBasis, LocalizedText } from '@kommuna/shared-service-contracts';
import { FormDefinition, fieldsOf } from './definition';

export type SubmissionStatus = 'received' | 'manual_handling' | 'completion_requested' | 'decided';
export const SUBMISSION_STATUSES: readonly SubmissionStatus[] = ['received', 'manual_handling', 'completion_requested', 'decided'];

export interface ReceiptAnswer {
  field: string;
  label: LocalizedText;
  value: LocalizedText;
}

export interface AttachmentInfo {
  id: string;
  field: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface DecisionInfo {
  id: string;
  outcome: 'approve' | 'reject';
  automated: boolean;
  reasons: DecisionReason[];
  legalBasis: LegalBasis | null;
  decidedAt: Date;
  /** The validity of a granted decision (YYYY-MM-DD); validTo null: until further notice. */
  validFrom: string | null;
  validTo: string | null;
  /** Where the platform serves the decision document (a PDF), relative to the api. */
  documentUrl: string;
}

/** The platform's own path of a decision's document (served by the api). */
export function decisionDocumentPath(decisionId: string): string {
  return `/e-forms/decisions/${decisionId}/document.pdf`;
}

/** The kvittens: what the citizen sent, when, under which errand number, and what became of it. */
export interface Receipt {
  submissionId: string;
  errandNumber: string;
  submittedAt: Date;
  tenant: { slug: string; names: LocalizedText };
  formSlug: string;
  formVersion: string;
  title: LocalizedText;
  status: SubmissionStatus;
  answers: ReceiptAnswer[];
  /** The answers as given (attachment fields hold their file's id): what a completion corrects. */
  data: Record<string, unknown>;
  attachments: AttachmentInfo[];
  decision: DecisionInfo | null;
  completionRequest: { message: LocalizedText; requestedAt: Date } | null;
}

const YES_NO = { true: { sv: 'Ja', en: 'Yes' }, false: { sv: 'Nej', en: 'No' } };

/** The answers as a person reads them: in step order, with labels, options by their label, files by name. */
export function renderAnswers(definition: FormDefinition, data: Record<string, unknown>, attachments: AttachmentInfo[]): ReceiptAnswer[] {
  const answers: ReceiptAnswer[] = [];
  for (const field of fieldsOf(definition)) {
    const value = data[field.name];
    if (value === undefined || value === null || value === '') continue;
    const optionLabel = (v: unknown): LocalizedText => {
      const option = field.options?.find((o) => o.value === v);
      return option ? option.label : { sv: String(v), en: String(v) };
    };
    let rendered: LocalizedText;
    if (typeof value === 'boolean') rendered = YES_NO[String(value) as 'true' | 'false'];
    else if (field.kind === 'attachment') {
      const file = attachments.find((a) => a.id === value);
      rendered = file ? { sv: file.fileName, en: file.fileName } : { sv: String(value), en: String(value) };
    } else if (Array.isArray(value)) {
      const labels = value.map(optionLabel);
      rendered = { sv: labels.map((l) => l.sv).join(', '), en: labels.map((l) => l.en).join(', ') };
    } else if (field.options) rendered = optionLabel(value);
    else if (typeof value === 'object') rendered = { sv: JSON.stringify(value), en: JSON.stringify(value) };
    else rendered = { sv: String(value), en: String(value) };
    answers.push({ field: field.name, label: field.label, value: rendered });
  }
  return answers;
}
