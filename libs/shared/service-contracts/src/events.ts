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
  /** A municipal system or sensor delivered an event (HTTP or NATS), checked and stored once: what rules react to. */
  inboundEventAccepted: 'se.kommuna.events.inbound.accepted',
  /** A municipality's rule opened a Mina sidor case for a resident (Mina sidor makes the case). */
  ruleCaseOpened: 'se.kommuna.rules.case.opened',
  /** A municipality's rule made a proactive automated decision (Mina sidor records it on a case). */
  ruleDecisionMade: 'se.kommuna.rules.decision.made',
  /** A municipality's rule asked for a letter from a template to a resident (digital mail sends it). */
  ruleLetterRequested: 'se.kommuna.rules.letter.requested',
  /** A case worker approved what the AI platform drafted (a call note or a case summary): what its benefit is metered by. */
  aiDraftApproved: 'se.kommuna.ai.draft.approved',
  /** The unit responsible for home care confirmed a deviation of the monthly check: the amount withheld or reclaimed from providers. */
  homeCareDeviationConfirmed: 'se.kommuna.homecare.deviation.confirmed',
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

/** data of se.kommuna.events.inbound.accepted: the inbound CloudEvent as stored (identity numbers already mapped to party ids). */
export interface InboundEventAcceptedData {
  /** Kommuna's id of the stored inbound event. */
  inboundEventId: string;
  /** The CloudEvents attributes the sender gave. */
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string | null;
  data: Record<string, unknown>;
}

/** Which rule version fired on which inbound event: every action event carries it. */
export interface RuleFiringRef {
  firingId: string;
  ruleKey: string;
  ruleVersion: number;
  inboundEventId: string;
}

/** data of se.kommuna.rules.case.opened */
export interface RuleCaseOpenedData extends RuleFiringRef {
  errandNumber: string;
  caseType: string;
  title: LocalizedText;
  unit: string;
  subjectPartyId: string;
  subjectKind: 'person' | 'organisation';
  /** What the resident reads on the case's timeline. */
  message?: LocalizedText;
  openedAt: string;
}

/** data of se.kommuna.rules.decision.made: a proactive automated decision (with its reasons and legal basis, as e-forms decisions). */
export interface RuleDecisionMadeData extends RuleFiringRef {
  decisionId: string;
  errandNumber: string;
  caseType: string;
  decisionType: string;
  title: LocalizedText;
  unit: string;
  subjectPartyId: string;
  subjectKind: 'person' | 'organisation';
  outcome: DecisionOutcome;
  automated: true;
  reasons: DecisionReason[];
  legalBasis: LegalBasis;
  decidedAt: string;
  appealInstructions?: LocalizedText;
  validFrom?: string;
  validTo?: string;
}

/** data of se.kommuna.rules.letter.requested */
export interface RuleLetterRequestedData extends RuleFiringRef {
  letterId: string;
  /** The name of a digital-mail template of the municipality (its newest version is used). */
  templateName: string;
  recipientPartyId: string;
  /** The unit the letter belongs to (unit secrecy), or null for the municipality's shared templates. */
  unit: string | null;
  /** Placeholder values, already taken from the event. */
  values: Record<string, string>;
  requestedAt: string;
}

/**
 * data of se.kommuna.ai.draft.approved: which kind of draft a unit approved and whether the
 * reviewer edited it; never its text, its case or the people in it.
 */
export interface AiDraftApprovedData {
  draftId: string;
  kind: 'call_note' | 'case_summary';
  unit: string;
  edited: boolean;
  approvedAt: string;
}

/**
 * data of se.kommuna.homecare.deviation.confirmed: the month, the rule and the kronor withheld or
 * reclaimed, per private provider; never the resident, the case or the reason.
 */
export interface HomeCareDeviationConfirmedData {
  reviewId: string;
  /** YYYY-MM: the month checked. */
  month: string;
  /** HC1, HC2, … */
  rule: string;
  /** Kronor confirmed in all (two decimals); 0 for a deviation without an amount (e.g. manual registration, own units). */
  amountSek: number;
  /** Each provider behind the deviation by its code, with its share of the amount. */
  providers: Array<{ provider: string; amountSek: number }>;
  confirmedAt: string;
}
