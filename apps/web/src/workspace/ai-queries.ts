// The api's AI drafts as the case-worker workspace reads them (apps/api/schema.graphql). The api
// answers a case of another unit as not found; the web only asks it.

export type AiDraftStatus = 'PENDING' | 'DRAFT' | 'FAILED' | 'APPROVED' | 'REJECTED';

export interface AiDraftView {
  id: string;
  kind: 'CASE_SUMMARY' | 'CALL_NOTE';
  caseId: string;
  unit: string;
  dataClass: string;
  model: { name: string; hostingCountry: string; processor: string };
  template: string;
  aiGenerated: boolean;
  disclosure: string;
  aiText: string;
  placeholderWarnings: string[];
  status: AiDraftStatus;
  finalText: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  editDistance: number | null;
  audioSeconds: number | null;
  /** Why a long recording's note failed (FAILED). */
  failure: string | null;
  createdAt: string;
}

const DRAFT_FIELDS = `id kind caseId unit dataClass model { name hostingCountry processor } template aiGenerated disclosure
  aiText placeholderWarnings status finalText reviewedBy reviewedAt editDistance audioSeconds failure createdAt`;

/** The errand's Mina sidor case (the AI drafts belong to it) and the applicant's name, to hide from the model. */
export const AI_ERRAND = `query($id: ID!) { formSubmission(id: $id) { id errandNumber title { sv en } }
  staffCaseOfSubmission(submissionId: $id) { id } formSubmissionApplicant(submissionId: $id) { name } }`;

export interface AiErrand {
  formSubmission: { id: string; errandNumber: string; title: { sv: string; en: string } };
  staffCaseOfSubmission: { id: string } | null;
  formSubmissionApplicant: { name: string | null } | null;
}

export const AI_DRAFTS = `query($caseId: ID!) { aiDrafts(caseId: $caseId) { ${DRAFT_FIELDS} } }`;

export const DRAFT_CASE_SUMMARY = `mutation($caseId: ID!, $knownNames: [String!]) {
  draftCaseSummary(caseId: $caseId, purpose: "handläggning: sammanfattning av ärendet", knownNames: $knownNames) { id } }`;

export const REVIEW_AI_DRAFT = `mutation($id: ID!, $approve: Boolean!, $text: String) {
  reviewAiDraft(id: $id, approve: $approve, text: $text) { id status } }`;
