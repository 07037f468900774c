import type { Localized } from '../http/queries';

// The api's queries of the case-worker workspace (apps/api/schema.graphql): the submissions of the
// forms the case worker's unit handles. The api answers another unit's submission as not found.

export type SubmissionStatus = 'received' | 'manual_handling' | 'completion_requested' | 'decided';
export const SUBMISSION_STATUSES: readonly SubmissionStatus[] = ['received', 'manual_handling', 'completion_requested', 'decided'];

export interface InboxItem {
  id: string;
  errandNumber: string;
  title: Localized;
  status: SubmissionStatus;
  submittedAt: string;
  completionRequest: { requestedAt: string } | null;
}

export interface InboxPage {
  nodes: InboxItem[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The inbox and whose it is: the case worker's unit from their token. */
export const STAFF_INBOX = `query($first: Int!, $after: String, $status: FormSubmissionStatus) {
  me { unit }
  formSubmissions(first: $first, after: $after, status: $status) {
    nodes { id errandNumber title { sv en } status submittedAt completionRequest { requestedAt } }
    endCursor hasNextPage } }`;

export interface LegalBasisView {
  sfs: string;
  chapter: string | null;
  section: string | null;
}

export interface StaffDecision {
  id: string;
  outcome: 'approve' | 'reject';
  automated: boolean;
  decidedAt: string;
  validFrom: string | null;
  validTo: string | null;
  documentUrl: string;
  reasons: Array<{ text: Localized; legalBasis: LegalBasisView | null }>;
  legalBasis: LegalBasisView | null;
}

export interface StaffSubmission extends InboxItem {
  formSlug: string;
  formVersion: string;
  unit: string;
  answers: Array<{ field: string; label: Localized; value: Localized }>;
  attachments: Array<{ id: string; field: string; fileName: string; contentType: string; sizeBytes: number }>;
  completionRequest: { requestedAt: string; message: Localized } | null;
  decision: StaffDecision | null;
}

const SUBMISSION_FIELDS = `id errandNumber formSlug formVersion title { sv en } status submittedAt unit
  answers { field label { sv en } value { sv en } }
  attachments { id field fileName contentType sizeBytes }
  completionRequest { requestedAt message { sv en } }
  decision { id outcome automated decidedAt validFrom validTo documentUrl
    reasons { text { sv en } legalBasis { sfs chapter section } } legalBasis { sfs chapter section } }`;

/**
 * Who applied, from the population register through the api; a protected person comes with the
 * marker and no address (the api never gives one).
 */
export interface Applicant {
  kind: 'person' | 'organisation';
  identityNumber: string;
  name: string | null;
  address: string[] | null;
  protectedIdentity: boolean;
  register: 'found' | 'not_found' | 'unavailable' | 'not_a_person';
}

/** The errand's Mina sidor case as the unit sees it: the thread with the resident. */
export interface ErrandCase {
  id: string;
  messages: Array<{ id: string; author: 'CITIZEN' | 'MUNICIPALITY'; body: string; sentAt: string; readAt: string | null }>;
}

export const STAFF_SUBMISSION = `query($id: ID!) { formSubmission(id: $id) { ${SUBMISSION_FIELDS} }
  formSubmissionApplicant(submissionId: $id) { kind identityNumber name address protectedIdentity register }
  staffCaseOfSubmission(submissionId: $id) { id messages { id author body sentAt readAt } } }`;

export const ERRAND_CASE = `query($id: ID!) { staffCaseOfSubmission(submissionId: $id) { id } }`;

export const MESSAGE_RESIDENT = `mutation($caseId: ID!, $body: String!) { messageResident(caseId: $caseId, body: $body) { id } }`;

export const REQUEST_COMPLETION = `mutation($id: ID!, $message: FormLocalizedTextInput!) {
  requestFormCompletion(submissionId: $id, message: $message) { id status } }`;

export const DECIDE = `mutation($input: DecideFormSubmissionInput!) { decideFormSubmission(input: $input) { id status decision { id } } }`;
