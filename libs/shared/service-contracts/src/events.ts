/**
 * The published contract between services (docs/architecture.md#layout-and-boundaries): the CloudEvents types one service emits
 * into the outbox and the shape of their `data`. Services never import each other; they agree here.
 * Identity numbers never appear in events: people and companies are referred to by party id.
 */

export const EVENT_TYPES = {
  /** A citizen submitted an e-form; the submission is stored with its errand number. */
  formSubmissionReceived: 'se.kommuna.eforms.submission.received',
  /** A submission was decided, automatically (by rules) or by a case worker. */
  formDecisionMade: 'se.kommuna.eforms.decision.made',
  /** A case worker asked the citizen to complete a submission (komplettering). */
  formCompletionRequested: 'se.kommuna.eforms.completion.requested',
  /** The citizen answered a completion request: the errand is the municipality's turn again. */
  formCompletionProvided: 'se.kommuna.eforms.completion.provided',
  /** The municipality's case system registered a submission under its own reference (diarienummer). */
  formSubmissionRegistered: 'se.kommuna.eforms.submission.registered',
  /** A Mina sidor case changed its citizen-facing status. */
  caseStatusChanged: 'se.kommuna.minasidor.case.status-changed',
  /** The municipality posted a message to the citizen on a case. */
  caseMessagePosted: 'se.kommuna.minasidor.message.posted',
  /** A decision was recorded on a Mina sidor case. */
  caseDecisionRecorded: 'se.kommuna.minasidor.decision.recorded',
  /** A digital-mail delivery changed status. */
  mailDeliveryStatusChanged: 'se.kommuna.digitalmail.delivery.status-changed',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export interface LocalizedText {
  sv: string;
  en: string;
}

export type DecisionOutcome = 'approval' | 'rejection' | 'dismissal' | 'cancellation';

/** The legal ground of a decision, e.g. { sfs: '1998:1276', chapter: '13', section: '8' }. */
export interface LegalBasis {
  sfs: string;
  chapter?: string;
  section?: string;
  title?: LocalizedText;
}

/** A rule that fired in an automated decision: why the outcome is what it is. */
export interface DecisionReason {
  ruleId: string;
  text: LocalizedText;
  legalBasis?: LegalBasis;
}

/** data of se.kommuna.eforms.submission.received */
export interface FormSubmissionReceivedData {
  submissionId: string;
  formSlug: string;
  formVersion: string;
  caseType: string;
  errandNumber: string;
  title: LocalizedText;
  /** The unit that handles the case (secrecy boundary), from the form definition. */
  unit: string;
  /** The submitting citizen's or company's party id; null for an anonymous submission. */
  subjectPartyId: string | null;
  subjectKind: 'person' | 'organisation' | null;
  submittedAt: string;
  /**
   * The form's notification rules for receipt (its `notifications` with `on: received`): each
   * consumer sends the ones on its own channel. Absent or empty: no notice of receipt.
   */
  notices?: FormNotice[];
}

/** Whom a form says to tell, and how, when something happens to a submission. */
export interface FormNotice {
  channel: 'digital-mail' | 'email';
  recipient: 'applicant' | 'unit';
}

/** A document of a decision: its name and where the platform serves it (https or a platform path). */
export interface DecisionDocumentLink {
  name: string;
  url: string;
  /** The source's own reference, e.g. e-forms/decision/<id>. */
  ref?: string;
}

/** data of se.kommuna.eforms.decision.made */
export interface FormDecisionMadeData {
  submissionId: string;
  errandNumber: string;
  decisionId: string;
  decisionType: string;
  outcome: DecisionOutcome;
  automated: boolean;
  reasons: DecisionReason[];
  legalBasis?: LegalBasis;
  decidedAt: string;
  subjectPartyId: string | null;
  appealInstructions?: LocalizedText;
  /** The period a granted decision is valid for, as dates (YYYY-MM-DD); validTo absent: until further notice. */
  validFrom?: string;
  validTo?: string;
  /** The decision document(s), e.g. the generated PDF. */
  documents?: DecisionDocumentLink[];
}

/** data of se.kommuna.eforms.completion.requested */
export interface FormCompletionRequestedData {
  submissionId: string;
  errandNumber: string;
  message: LocalizedText;
  requestedAt: string;
  subjectPartyId: string | null;
}

/** data of se.kommuna.eforms.completion.provided */
export interface FormCompletionProvidedData {
  submissionId: string;
  errandNumber: string;
  providedAt: string;
  subjectPartyId: string | null;
}

/** data of se.kommuna.eforms.submission.registered */
export interface FormSubmissionRegisteredData {
  submissionId: string;
  errandNumber: string;
  /** The case system's own reference for the errand (diarienummer), e.g. "KS 2026/0142". */
  caseSystemReference: string;
  registeredAt: string;
  subjectPartyId: string | null;
}

/** data of the se.kommuna.minasidor.* notification events, read by digital mail. */
export interface CaseNotificationData {
  caseId: string;
  errandNumber: string;
  subjectPartyId: string;
  title: LocalizedText;
  /** The unit handling the case (e.g. socialtjanst): a notice belongs to it, as the case does (unit secrecy). */
  unit?: string;
  /** Citizen-facing status label after the change (e.g. "Beslut finns"). */
  statusLabel?: LocalizedText;
  occurredAt: string;
}

export type MailDeliveryStatus = 'PENDING' | 'SENT' | 'NOT_SENT' | 'FAILED' | 'NO_CONTACT_WANTED' | 'NO_CONTACT_SETTINGS_FOUND';

/** data of se.kommuna.digitalmail.delivery.status-changed */
export interface MailDeliveryStatusChangedData {
  messageId: string;
  recipientPartyId: string;
  status: MailDeliveryStatus;
  channel: 'digital' | 'paper' | null;
  statusDetail: string | null;
  externalReferences: Record<string, string>;
}
