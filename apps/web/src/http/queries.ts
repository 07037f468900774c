import type { FormDefinition } from '@kommuna/e-forms';

// The api's queries the web makes, each with the shape it selects (the schema is apps/api/schema.graphql).

export interface Localized {
  sv: string;
  en: string;
}

export interface PublishedFormSummary {
  slug: string;
  title: Localized;
  description: Localized | null;
  loginRequired: boolean;
}

export const PUBLISHED_FORMS = `{ publishedForms { slug title { sv en } description { sv en } loginRequired } }`;

export interface PublishedForm extends PublishedFormSummary {
  version: string;
  definition: FormDefinition;
}

export const PUBLISHED_FORM = `query($slug: String!) { publishedForm(slug: $slug) { slug version title { sv en } description { sv en } loginRequired definition } }`;

export interface FormDecisionView {
  outcome: 'approve' | 'reject';
  automated: boolean;
  decidedAt: string;
  reasons: Array<{
    text: Localized;
    legalBasis: { sfs: string; chapter: string | null; section: string | null; title: Localized | null } | null;
  }>;
}

export interface FormReceiptView {
  submissionId: string;
  errandNumber: string;
  formSlug: string;
  formVersion: string;
  submittedAt: string;
  status: 'received' | 'manual_handling' | 'decided' | 'completion_requested';
  title: Localized;
  tenant: { slug: string; names: Localized };
  answers: Array<{ field: string; label: Localized; value: Localized }>;
  decision: FormDecisionView | null;
}

const RECEIPT_FIELDS = `submissionId errandNumber formSlug formVersion submittedAt status title { sv en } tenant { slug names { sv en } }
  answers { field label { sv en } value { sv en } }
  decision { outcome automated decidedAt reasons { text { sv en } legalBasis { sfs chapter section title { sv en } } } }`;

export const SUBMIT_FORM = `mutation($input: SubmitFormInput!, $language: FormLanguage) { submitForm(input: $input, language: $language) { ${RECEIPT_FIELDS} } }`;

export const FORM_RECEIPT = `query($id: ID!) { formReceipt(submissionId: $id) { ${RECEIPT_FIELDS} } }`;

export const FORM_RECEIPT_PDF = `query($id: ID!, $language: FormLanguage!) { formReceipt(submissionId: $id) { errandNumber pdfBase64(language: $language) } }`;

export type CitizenStatus = 'SAVED' | 'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETION_NEEDED' | 'DECISION_MADE' | 'CLOSED';

export interface CaseDecisionView {
  id: string;
  outcome: string;
  decisionType: string;
  automated: boolean;
  decidedAt: string;
  validFrom: string | null;
  validTo: string | null;
  reasons: Array<{ text: Localized }>;
  legalBasis: { sfs: string; chapter: string | null; section: string | null } | null;
  appealInstructions: Localized | null;
  documents: Array<{ name: string; url: string | null }>;
}

export interface CaseSummary {
  id: string;
  errandNumber: string;
  title: Localized;
  municipality: { slug: string; names: Localized };
  status: { status: CitizenStatus; label: Localized; changedAt: string };
  whoseTurn: 'CITIZEN' | 'MUNICIPALITY' | 'NONE';
  unreadCount: number;
  updatedAt: string;
}

export interface CaseDetail extends CaseSummary {
  createdAt: string;
  /** The e-forms submission the case is (source e-forms): where a completion is given. */
  submissionId: string | null;
  decisions: CaseDecisionView[];
  messages: Array<{ id: string; author: 'CITIZEN' | 'MUNICIPALITY'; body: string; sentAt: string }>;
  timeline: Array<{ id: string; kind: string; occurredAt: string; statusLabel: Localized | null }>;
}

const CASE_SUMMARY = `id errandNumber title { sv en } municipality { slug names { sv en } } status { status label { sv en } changedAt } whoseTurn unreadCount updatedAt`;

export const MY_CASES_FIELD = `myCases(first: 50, after: $after, asOrganisation: $as) { nodes { ${CASE_SUMMARY} } endCursor hasNextPage }`;

/** Company mode: the cases of an organisation the resident represents (Mina ombud confirms it to the api). */
export const MY_CASES = `query($after: String, $as: String) { ${MY_CASES_FIELD} }`;

/** An organisation the resident may act for, towards one municipality. */
export interface Organisation {
  organisationsnummer: string;
  name: string;
  municipality: { slug: string; names: Localized };
}

export const MY_ORGANISATIONS = `{ myOrganisations { organisationsnummer name municipality { slug names { sv en } } } }`;

export const MY_CASE = `query($id: ID!, $as: String) { myCase(id: $id, asOrganisation: $as) { ${CASE_SUMMARY} createdAt submissionId
  decisions { id outcome decisionType automated decidedAt validFrom validTo reasons { text { sv en } } legalBasis { sfs chapter section } appealInstructions { sv en } documents { name url } }
  messages { id author body sentAt }
  timeline { id kind occurredAt statusLabel { sv en } } } }`;

/** One of the resident's submissions as far as a completion needs it: the answers as given and what was asked. */
export interface MySubmission {
  submissionId: string;
  errandNumber: string;
  formSlug: string;
  formVersion: string;
  status: FormReceiptView['status'];
  data: Record<string, unknown>;
  attachments: Array<{ id: string; field: string; fileName: string }>;
  completionRequest: { message: Localized; requestedAt: string } | null;
}

export const MY_SUBMISSION = `query($id: ID!) { formReceipt(submissionId: $id) { submissionId errandNumber formSlug formVersion status data
  attachments { id field fileName } completionRequest { message { sv en } requestedAt } } }`;

export const PROVIDE_COMPLETION = `mutation($id: ID!, $data: JSON!, $language: FormLanguage!) {
  provideFormCompletion(submissionId: $id, data: $data, language: $language) { submissionId status } }`;

export const REPLY_TO_CASE = `mutation($caseId: ID!, $body: String!, $as: String) { replyToMyCase(caseId: $caseId, body: $body, asOrganisation: $as) { id } }`;

export const MARK_MESSAGES_READ = `mutation($caseId: ID!, $as: String) { markMyCaseMessagesRead(caseId: $caseId, asOrganisation: $as) }`;

export interface FormDraftView {
  id: string;
  formSlug: string;
  title: Localized;
  data: Record<string, unknown>;
  attachments: Array<{ id: string; field: string; fileName: string }>;
  updatedAt: string;
  expiresAt: string;
}

const DRAFT_FIELDS = `id formSlug title { sv en } data attachments { id field fileName } updatedAt expiresAt`;

export const FORM_DRAFT = `query($id: ID!) { formDraft(id: $id) { ${DRAFT_FIELDS} } }`;

/** Mina sidor's start page: the cases from every municipality, and the drafts at this one. */
/** A notice the municipality sent to the resident's digital mailbox about an errand. */
export interface NoticeView {
  id: string;
  subject: string;
  errandNumber: string | null;
  sentAt: string;
}

export const MY_PAGES = `query($after: String, $as: String) { ${MY_CASES_FIELD} myFormDrafts { ${DRAFT_FIELDS} }
  myNotices { id subject errandNumber sentAt } }`;

export const START_FORM_DRAFT = `mutation($slug: String!) { startFormDraft(formSlug: $slug) { ${DRAFT_FIELDS} } }`;

export const SAVE_FORM_DRAFT = `mutation($id: ID!, $data: JSON!) { saveFormDraft(draftId: $id, data: $data) { ${DRAFT_FIELDS} } }`;
