import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { CitizenStatus } from '@kommuna/minasidor';
import { LocalizedText } from '../tenants/tenant.model';

export const CaseCitizenStatus = {
  SAVED: 'saved',
  SUBMITTED: 'submitted',
  IN_PROGRESS: 'in_progress',
  COMPLETION_NEEDED: 'completion_needed',
  DECISION_MADE: 'decision_made',
  CLOSED: 'closed',
} as const satisfies Record<string, CitizenStatus>;
registerEnumType(CaseCitizenStatus, {
  name: 'CaseCitizenStatus',
  description: 'Citizen-facing status: Sparat, Inskickat, Under behandling, Komplettering behövs, Beslut finns, Avslutat',
  valuesMap: {
    CLOSED: { description: 'Avslutat: the case is closed' },
    COMPLETION_NEEDED: { description: 'Komplettering behövs: the municipality waits for more from the resident' },
    DECISION_MADE: { description: 'Beslut finns: a decision has been made' },
    IN_PROGRESS: { description: 'Under behandling: the municipality is handling it' },
    SAVED: { description: 'Sparat: a draft the resident has not sent' },
    SUBMITTED: { description: 'Inskickat: received, not yet being handled' },
  },
});

export const CaseWhoseTurn = { CITIZEN: 'citizen', MUNICIPALITY: 'municipality', NONE: 'none' } as const;
registerEnumType(CaseWhoseTurn, {
  name: 'CaseWhoseTurn',
  description: 'Who is expected to act next on the case',
  valuesMap: {
    CITIZEN: { description: 'The resident is expected to act (e.g. send a completion)' },
    MUNICIPALITY: { description: 'The municipality is expected to act' },
    NONE: { description: 'Nobody: the case waits for nothing (e.g. closed)' },
  },
});

export const CaseDecisionOutcome = {
  APPROVAL: 'approval',
  REJECTION: 'rejection',
  DISMISSAL: 'dismissal',
  CANCELLATION: 'cancellation',
} as const;
registerEnumType(CaseDecisionOutcome, {
  name: 'CaseDecisionOutcome',
  description: 'bifall, avslag, avvisning or avskrivning',
  valuesMap: {
    APPROVAL: { description: 'Bifall: granted' },
    CANCELLATION: { description: 'Avskrivning: the case is written off without a decision on the matter' },
    DISMISSAL: { description: 'Avvisning: the application is not taken up for examination' },
    REJECTION: { description: 'Avslag: refused' },
  },
});

export const CaseMessageAuthor = { CITIZEN: 'citizen', MUNICIPALITY: 'municipality' } as const;
registerEnumType(CaseMessageAuthor, {
  name: 'CaseMessageAuthor',
  valuesMap: { CITIZEN: { description: 'The resident (or someone acting for them)' }, MUNICIPALITY: { description: 'The municipality' } },
  description: "Who wrote a message in a case's thread",
});

@ObjectType({ description: 'The municipality a case belongs to' })
export class CaseMunicipality {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;
}

@ObjectType({ description: "A case's status: the citizen-facing label the municipality maps its own status to" })
export class CaseStatus {
  @Field(() => CaseCitizenStatus, { description: 'The citizen-facing status' })
  status!: string;

  @Field(() => LocalizedText, { description: 'The label the resident sees, in Swedish and English' })
  label!: LocalizedText;

  @Field({ description: "The source system's own status" })
  internalStatus!: string;

  @Field(() => Date, { description: 'When the status took effect' })
  changedAt!: Date;
}

@ObjectType({ description: 'One step in a case (received, in progress, completion requested, decided, closed, ...)' })
export class CaseTimelineEntry {
  @Field(() => ID, { description: "The step's id (UUID)" })
  id!: string;

  @Field({ description: 'received, in_progress, completion_requested, decided, closed, saved or status_changed' })
  kind!: string;

  @Field(() => Date, { description: 'When the step happened' })
  occurredAt!: Date;

  @Field(() => CaseWhoseTurn, { nullable: true, description: 'Who was to act next after the step; null when the step did not say' })
  whoseTurn!: string | null;

  @Field(() => LocalizedText, { nullable: true, description: 'A note for the resident with the step; null when none' })
  text!: LocalizedText | null;

  @Field(() => LocalizedText, { nullable: true, description: 'The label of the status this step reported' })
  statusLabel!: LocalizedText | null;

  @Field({ description: 'False for an update that arrived after a newer one: history, not the current status' })
  becameCurrent!: boolean;
}

@ObjectType({ description: 'The legal ground of a decision, e.g. SFS 2001:453 4 kap. 1 §' })
export class CaseLegalBasis {
  @Field({ description: "The act's SFS number, e.g. 2001:453" })
  sfs!: string;

  @Field(() => String, { nullable: true, description: 'The chapter (kapitel); null when the act has none or it was not given' })
  chapter!: string | null;

  @Field(() => String, { nullable: true, description: 'The section (paragraf); null when not given' })
  section!: string | null;
}

@ObjectType({ description: 'Why: for automated decisions, a rule that fired' })
export class CaseDecisionReason {
  @Field({ description: 'The id of the rule or ground, as the source system names it' })
  ruleId!: string;

  @Field(() => LocalizedText, { description: 'The reason in words, in Swedish and English' })
  text!: LocalizedText;
}

@ObjectType({ description: 'A document of a decision' })
export class CaseDocument {
  @Field({ description: "The document's name" })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: "Where the resident fetches it (https, or the platform's own path); null when there is no safe link",
  })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'A reference into the source system' })
  ref?: string | null;

  @Field(() => String, { nullable: true, description: "The document's checksum as the source system gives it; null when none" })
  checksum?: string | null;
}

@ObjectType({ description: 'A decision (beslut) on a case' })
export class CaseDecision {
  @Field(() => ID, { description: "The decision's id (UUID)" })
  id!: string;

  @Field({ description: 'The kind of decision as the source system names it' })
  decisionType!: string;

  @Field(() => CaseDecisionOutcome, { description: 'Bifall, avslag, avvisning or avskrivning' })
  outcome!: string;

  @Field(() => CaseLegalBasis, { nullable: true, description: 'The law the decision rests on; null when the source gave none' })
  legalBasis!: CaseLegalBasis | null;

  @Field(() => Date, { description: 'When the decision was made' })
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validTo!: string | null;

  @Field(() => [CaseDecisionReason], { description: 'Why the decision was made (for an automated one, the rules that fired)' })
  reasons!: CaseDecisionReason[];

  @Field(() => [CaseDocument], {
    description: "The decision's documents; a link that is not safe (not https, not the platform's own) is left out",
  })
  documents!: CaseDocument[];

  @Field(() => LocalizedText, { nullable: true, description: 'How to appeal (överklagandehänvisning)' })
  appealInstructions!: LocalizedText | null;

  @Field({ description: 'true when the decision was made automatically (by rules), not by a person' })
  automated!: boolean;
}

@ObjectType({ description: "A message in a case's thread" })
export class CaseMessage {
  @Field(() => ID, { description: "The message's id (UUID)" })
  id!: string;

  @Field(() => CaseMessageAuthor, { description: 'Who wrote it: the resident or the municipality' })
  author!: string;

  @Field({ description: 'The message text' })
  body!: string;

  @Field(() => Date, { description: 'When it was sent' })
  sentAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the other side read it' })
  readAt!: Date | null;
}

@ObjectType({ description: 'A case (ärende) in Mina sidor' })
export class Case {
  @Field(() => ID, { description: "The case's id in Mina sidor (UUID)" })
  id!: string;

  @Field(() => CaseMunicipality, { description: 'The municipality the case belongs to' })
  municipality!: CaseMunicipality;

  @Field({ description: 'The errand number the resident sees, e.g. SUN-2026-000042' })
  errandNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: "The reference (diarienummer) the municipality's case system registered the case under, once it has",
  })
  caseSystemReference!: string | null;

  @Field({ description: 'The kind of case as the source system names it, e.g. bygglov or forsorjningsstod' })
  caseType!: string;

  @Field(() => LocalizedText, { description: "The case's title in Swedish and English" })
  title!: LocalizedText;

  @Field(() => ID, { description: 'The party (person or organisation) the case is about' })
  subjectPartyId!: string;

  @Field({ description: 'person or organisation' })
  subjectKind!: string;

  @Field({ description: 'The unit handling the case' })
  unit!: string;

  @Field({ description: "'e-forms' or the municipal system the case comes from" })
  source!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The e-forms submission the case is (source e-forms): answer its completion request with provideFormCompletion',
  })
  submissionId!: string | null;

  @Field(() => CaseStatus, { description: 'The current status, as the resident sees it' })
  status!: CaseStatus;

  @Field(() => CaseWhoseTurn, { description: 'Who is expected to act next' })
  whoseTurn!: string;

  @Field(() => Date, { description: 'When the case came to Mina sidor' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When anything on the case last changed' })
  updatedAt!: Date;

  @Field(() => [CaseTimelineEntry], { description: 'The steps of the case, oldest first' })
  timeline!: CaseTimelineEntry[];

  @Field(() => [CaseDecision], { description: 'The decisions made, oldest first; empty when none' })
  decisions!: CaseDecision[];

  @Field(() => [CaseMessage], { description: 'The thread between the resident and the municipality, oldest first' })
  messages!: CaseMessage[];

  @Field(() => Int, { description: "The municipality's messages not yet read" })
  unreadCount!: number;
}

@ObjectType({ description: 'A page of cases, newest activity first' })
export class CaseConnection {
  @Field(() => [Case], { description: 'The cases of this page' })
  nodes!: Case[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;

  @Field({ description: 'true when more cases follow endCursor' })
  hasNextPage!: boolean;
}

/** What a confirmed power of attorney shows, for a company or a person: the two types below add the principal's id. */
@ObjectType({ isAbstract: true })
abstract class PowerOfAttorney {
  @Field({ description: 'The name of the company or person acted for, as Mina ombud gives it' })
  name!: string;

  @Field(() => Date, { nullable: true, description: "The power of attorney's first day, where Mina ombud lists it" })
  validFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Its last day; null: until further notice' })
  validTo!: Date | null;

  @Field({ description: "mina_ombud: Bolagsverket's digital powers of attorney" })
  source!: string;

  @Field(() => CaseMunicipality, {
    description: "The municipality (Mina ombud's third party) the power of attorney holds towards: only its cases are shown",
  })
  municipality!: CaseMunicipality;
}

@ObjectType({ description: 'That a person may act for an organisation in Mina sidor (company mode), as Mina ombud confirms it' })
export class CaseRepresentation extends PowerOfAttorney {
  @Field(() => ID, { description: "The organisation's party id: pass as asOrganisation" })
  organisationPartyId!: string;

  @Field({ description: "The organisation's organisationsnummer (10 digits)" })
  organisationsnummer!: string;
}

@ObjectType({
  description: 'That a person may act for another person in Mina sidor (a private power of attorney), as Mina ombud confirms it',
})
export class PersonRepresentation extends PowerOfAttorney {
  @Field(() => ID, { description: 'The person acted for: pass as asPerson' })
  principalPartyId!: string;
}

@ObjectType({ description: 'A recorded staff read of a case' })
export class StaffCaseRead {
  @Field({ description: 'The subject (user id) of the staff member who read it' })
  staffSubject!: string;

  @Field(() => String, { nullable: true, description: "The reader's unit; null when they had none" })
  staffUnit!: string | null;

  @Field(() => Date, { description: 'When the case was read' })
  readAt!: Date;
}

@ObjectType({ description: 'What a municipal system write did' })
export class CaseWriteResult {
  @Field(() => ID, { description: "The case's id in Mina sidor" })
  caseId!: string;

  @Field({ description: 'true when this write created the case' })
  created!: boolean;

  @Field({ description: 'True when the write was already there: nothing changed' })
  replayed!: boolean;

  @Field(() => String, { nullable: true, description: 'Status updates: current, history (older than the current status) or replayed' })
  outcome?: string | null;
}

// --- Inputs (municipal systems) ------------------------------------------------------------

@InputType('CaseLocalizedTextInput', { description: 'A text in Swedish and English, each 1 to 2000 characters' })
export class CaseLocalizedTextInput {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@InputType({ description: 'Whom the case is about: exactly one of the two (never stored on the case, mapped to a party id)' })
export class CaseSubjectInput {
  @Field(() => String, { nullable: true, description: 'The person the case is about' })
  personnummer?: string | null;

  @Field(() => String, { nullable: true, description: 'The organisation the case is about' })
  organisationsnummer?: string | null;
}

@InputType({ description: 'A case from a municipal system, to create it in Mina sidor or update its description' })
export class CaseUpsertInput {
  @Field({ description: 'The municipal system, e.g. "procapita"' })
  source!: string;

  @Field({ description: "The system's own case id" })
  externalCaseId!: string;

  @Field({ description: 'The errand number the resident sees, at most 64 characters' })
  errandNumber!: string;

  @Field({ description: 'The kind of case, at most 100 characters' })
  caseType!: string;

  @Field(() => CaseLocalizedTextInput, { description: "The case's title in Swedish and English" })
  title!: CaseLocalizedTextInput;

  @Field({ description: 'The unit handling the case, e.g. socialtjanst or skola' })
  unit!: string;

  @Field(() => CaseSubjectInput, { description: 'Whom the case is about' })
  subject!: CaseSubjectInput;

  @Field(() => String, { nullable: true, description: 'Initial internal status (default received)' })
  status?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the initial status took effect; null: now' })
  statusOccurredAt?: Date | null;

  @Field(() => CaseWhoseTurn, {
    nullable: true,
    description: 'Who is expected to act next; null: as the status implies (else the municipality)',
  })
  whoseTurn?: 'citizen' | 'municipality' | 'none' | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true, description: 'A note the resident sees with the initial status' })
  statusText?: CaseLocalizedTextInput | null;
}

@InputType({ description: 'A status update on a case, from a municipal system' })
export class CaseStatusInput {
  @Field({ description: 'The municipal system, as given to upsertCase' })
  source!: string;

  @Field({ description: "The system's own case id (as given to upsertCase)" })
  externalCaseId!: string;

  @Field({ description: "The system's internal status; the municipality maps it to a citizen-facing label" })
  status!: string;

  @Field(() => Date, { description: 'When it took effect: an update older than the current status does not replace it' })
  occurredAt!: Date;

  @Field(() => CaseWhoseTurn, {
    nullable: true,
    description: 'Who is expected to act next; null: as the status implies (else the municipality)',
  })
  whoseTurn?: 'citizen' | 'municipality' | 'none' | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true, description: 'A note the resident sees with the step, in Swedish and English' })
  text?: CaseLocalizedTextInput | null;

  @Field(() => String, { nullable: true, description: "The system's id of this update (replays are recognised by it)" })
  eventId?: string | null;
}

@InputType({ description: 'The law a decision rests on' })
export class CaseLegalBasisInput {
  @Field({ description: 'SFS number, e.g. 2001:453' })
  sfs!: string;

  @Field(() => String, { nullable: true, description: 'The chapter (kapitel), at most 20 characters' })
  chapter?: string | null;

  @Field(() => String, { nullable: true, description: 'The section (paragraf), at most 20 characters' })
  section?: string | null;
}

@InputType({ description: 'One reason for a decision' })
export class CaseDecisionReasonInput {
  @Field({ description: 'The id of the rule or ground, at most 200 characters' })
  ruleId!: string;

  @Field(() => CaseLocalizedTextInput, { description: 'The reason in words, in Swedish and English' })
  text!: CaseLocalizedTextInput;
}

@InputType({ description: 'A document of a decision' })
export class CaseDocumentInput {
  @Field({ description: "The document's name, at most 300 characters" })
  name!: string;

  @Field(() => String, { nullable: true, description: "An https link, or the platform's own path starting with /" })
  url?: string;

  @Field(() => String, { nullable: true, description: 'A reference into the source system, at most 300 characters' })
  ref?: string;

  @Field(() => String, { nullable: true, description: "The document's checksum, at most 200 characters" })
  checksum?: string;
}

@InputType({ description: 'A decision on a case, from the municipal system that made it' })
export class CaseDecisionInput {
  @Field({ description: 'The municipal system, as given to upsertCase' })
  source!: string;

  @Field({ description: "The system's own case id (as given to upsertCase)" })
  externalCaseId!: string;

  @Field({ description: "The system's id of the decision (recording it again changes nothing)" })
  externalDecisionId!: string;

  @Field({ description: 'The kind of decision, at most 100 characters' })
  decisionType!: string;

  @Field(() => CaseDecisionOutcome, { description: 'Bifall, avslag, avvisning or avskrivning' })
  outcome!: 'approval' | 'rejection' | 'dismissal' | 'cancellation';

  @Field(() => CaseLegalBasisInput, { nullable: true, description: 'The law the decision rests on' })
  legalBasis?: CaseLegalBasisInput | null;

  @Field(() => Date, { description: 'When the decision was made' })
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validTo?: string | null;

  @Field(() => [CaseDecisionReasonInput], { nullable: true, description: 'At most 100 reasons' })
  reasons?: CaseDecisionReasonInput[] | null;

  @Field(() => [CaseDocumentInput], { nullable: true, description: 'At most 50 documents' })
  documents?: CaseDocumentInput[] | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true, description: 'How to appeal (överklagandehänvisning), in Swedish and English' })
  appealInstructions?: CaseLocalizedTextInput | null;

  @Field(() => Boolean, { nullable: true, description: 'true when made automatically, by rules (default false)' })
  automated?: boolean | null;
}

@InputType({ description: 'A message from the municipality to the resident, from a municipal system' })
export class CaseMessageInput {
  @Field({ description: 'The municipal system, as given to upsertCase' })
  source!: string;

  @Field({ description: "The system's own case id (as given to upsertCase)" })
  externalCaseId!: string;

  @Field({ description: "The system's id of the message (posting it again changes nothing)" })
  externalMessageId!: string;

  @Field({ description: 'The message text, 1 to 20000 characters' })
  body!: string;

  @Field(() => Date, { nullable: true, description: 'When it was sent; null: now' })
  sentAt?: Date | null;
}
