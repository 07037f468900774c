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
});

export const CaseWhoseTurn = { CITIZEN: 'citizen', MUNICIPALITY: 'municipality', NONE: 'none' } as const;
registerEnumType(CaseWhoseTurn, { name: 'CaseWhoseTurn', description: 'Who is expected to act next on the case' });

export const CaseDecisionOutcome = {
  APPROVAL: 'approval',
  REJECTION: 'rejection',
  DISMISSAL: 'dismissal',
  CANCELLATION: 'cancellation',
} as const;
registerEnumType(CaseDecisionOutcome, { name: 'CaseDecisionOutcome', description: 'bifall, avslag, avvisning or avskrivning' });

export const CaseMessageAuthor = { CITIZEN: 'citizen', MUNICIPALITY: 'municipality' } as const;
registerEnumType(CaseMessageAuthor, { name: 'CaseMessageAuthor' });

@ObjectType({ description: 'The municipality a case belongs to' })
export class CaseMunicipality {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;
}

@ObjectType({ description: "A case's status: the citizen-facing label the municipality maps its own status to" })
export class CaseStatus {
  @Field(() => CaseCitizenStatus)
  status!: string;

  @Field(() => LocalizedText)
  label!: LocalizedText;

  @Field({ description: "The source system's own status" })
  internalStatus!: string;

  @Field(() => Date)
  changedAt!: Date;
}

@ObjectType({ description: 'One step in a case (received, in progress, completion requested, decided, closed, ...)' })
export class CaseTimelineEntry {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'received, in_progress, completion_requested, decided, closed, saved or status_changed' })
  kind!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => CaseWhoseTurn, { nullable: true })
  whoseTurn!: string | null;

  @Field(() => LocalizedText, { nullable: true })
  text!: LocalizedText | null;

  @Field(() => LocalizedText, { nullable: true, description: 'The label of the status this step reported' })
  statusLabel!: LocalizedText | null;

  @Field({ description: 'False for an update that arrived after a newer one: history, not the current status' })
  becameCurrent!: boolean;
}

@ObjectType({ description: 'The legal ground of a decision, e.g. SFS 2001:453 4 kap. 1 §' })
export class CaseLegalBasis {
  @Field()
  sfs!: string;

  @Field(() => String, { nullable: true })
  chapter!: string | null;

  @Field(() => String, { nullable: true })
  section!: string | null;
}

@ObjectType({ description: 'Why: for automated decisions, a rule that fired' })
export class CaseDecisionReason {
  @Field()
  ruleId!: string;

  @Field(() => LocalizedText)
  text!: LocalizedText;
}

@ObjectType({ description: 'A document of a decision' })
export class CaseDocument {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'A reference into the source system' })
  ref?: string | null;

  @Field(() => String, { nullable: true })
  checksum?: string | null;
}

@ObjectType({ description: 'A decision (beslut) on a case' })
export class CaseDecision {
  @Field(() => ID)
  id!: string;

  @Field()
  decisionType!: string;

  @Field(() => CaseDecisionOutcome)
  outcome!: string;

  @Field(() => CaseLegalBasis, { nullable: true })
  legalBasis!: CaseLegalBasis | null;

  @Field(() => Date)
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validTo!: string | null;

  @Field(() => [CaseDecisionReason])
  reasons!: CaseDecisionReason[];

  @Field(() => [CaseDocument])
  documents!: CaseDocument[];

  @Field(() => LocalizedText, { nullable: true, description: 'How to appeal (överklagandehänvisning)' })
  appealInstructions!: LocalizedText | null;

  @Field()
  automated!: boolean;
}

@ObjectType({ description: "A message in a case's thread" })
export class CaseMessage {
  @Field(() => ID)
  id!: string;

  @Field(() => CaseMessageAuthor)
  author!: string;

  @Field()
  body!: string;

  @Field(() => Date)
  sentAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the other side read it' })
  readAt!: Date | null;
}

@ObjectType({ description: 'A case (ärende) in Mina sidor' })
export class Case {
  @Field(() => ID)
  id!: string;

  @Field(() => CaseMunicipality)
  municipality!: CaseMunicipality;

  @Field()
  errandNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: "The reference (diarienummer) the municipality's case system registered the case under, once it has",
  })
  caseSystemReference!: string | null;

  @Field()
  caseType!: string;

  @Field(() => LocalizedText)
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

  @Field(() => CaseStatus)
  status!: CaseStatus;

  @Field(() => CaseWhoseTurn)
  whoseTurn!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => [CaseTimelineEntry])
  timeline!: CaseTimelineEntry[];

  @Field(() => [CaseDecision])
  decisions!: CaseDecision[];

  @Field(() => [CaseMessage])
  messages!: CaseMessage[];

  @Field(() => Int, { description: "The municipality's messages not yet read" })
  unreadCount!: number;
}

@ObjectType({ description: 'A page of cases, newest activity first' })
export class CaseConnection {
  @Field(() => [Case])
  nodes!: Case[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

@ObjectType({ description: 'That a person may act for an organisation in Mina sidor (company mode), as Mina ombud confirms it' })
export class CaseRepresentation {
  @Field(() => ID)
  organisationPartyId!: string;

  @Field()
  organisationsnummer!: string;

  @Field({ description: "The organisation's name as Mina ombud gives it" })
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

@ObjectType({
  description: 'That a person may act for another person in Mina sidor (a private power of attorney), as Mina ombud confirms it',
})
export class PersonRepresentation {
  @Field(() => ID, { description: 'The person acted for: pass as asPerson' })
  principalPartyId!: string;

  @Field({ description: "The person's name as Mina ombud gives it" })
  name!: string;

  @Field(() => Date, { nullable: true, description: "The power of attorney's first day, where Mina ombud lists it" })
  validFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Its last day; null: until further notice' })
  validTo!: Date | null;

  @Field({ description: "mina_ombud: Bolagsverket's digital powers of attorney" })
  source!: string;

  @Field(() => CaseMunicipality, { description: 'The municipality the power of attorney holds towards: only its cases are shown' })
  municipality!: CaseMunicipality;
}

@ObjectType({ description: 'A recorded staff read of a case' })
export class StaffCaseRead {
  @Field()
  staffSubject!: string;

  @Field(() => String, { nullable: true })
  staffUnit!: string | null;

  @Field(() => Date)
  readAt!: Date;
}

@ObjectType({ description: 'What a municipal system write did' })
export class CaseWriteResult {
  @Field(() => ID)
  caseId!: string;

  @Field()
  created!: boolean;

  @Field({ description: 'True when the write was already there: nothing changed' })
  replayed!: boolean;

  @Field(() => String, { nullable: true, description: 'Status updates: current, history (older than the current status) or replayed' })
  outcome?: string | null;
}

// --- Inputs (municipal systems) ------------------------------------------------------------

@InputType('CaseLocalizedTextInput')
export class CaseLocalizedTextInput {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@InputType({ description: 'Whom the case is about: exactly one of the two (never stored on the case, mapped to a party id)' })
export class CaseSubjectInput {
  @Field(() => String, { nullable: true })
  personnummer?: string | null;

  @Field(() => String, { nullable: true })
  organisationsnummer?: string | null;
}

@InputType()
export class CaseUpsertInput {
  @Field({ description: 'The municipal system, e.g. "procapita"' })
  source!: string;

  @Field({ description: "The system's own case id" })
  externalCaseId!: string;

  @Field()
  errandNumber!: string;

  @Field()
  caseType!: string;

  @Field(() => CaseLocalizedTextInput)
  title!: CaseLocalizedTextInput;

  @Field({ description: 'The unit handling the case, e.g. socialtjanst or skola' })
  unit!: string;

  @Field(() => CaseSubjectInput)
  subject!: CaseSubjectInput;

  @Field(() => String, { nullable: true, description: 'Initial internal status (default received)' })
  status?: string | null;

  @Field(() => Date, { nullable: true })
  statusOccurredAt?: Date | null;

  @Field(() => CaseWhoseTurn, { nullable: true })
  whoseTurn?: 'citizen' | 'municipality' | 'none' | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true })
  statusText?: CaseLocalizedTextInput | null;
}

@InputType()
export class CaseStatusInput {
  @Field()
  source!: string;

  @Field()
  externalCaseId!: string;

  @Field({ description: "The system's internal status; the municipality maps it to a citizen-facing label" })
  status!: string;

  @Field(() => Date, { description: 'When it took effect: an update older than the current status does not replace it' })
  occurredAt!: Date;

  @Field(() => CaseWhoseTurn, { nullable: true })
  whoseTurn?: 'citizen' | 'municipality' | 'none' | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true })
  text?: CaseLocalizedTextInput | null;

  @Field(() => String, { nullable: true, description: "The system's id of this update (replays are recognised by it)" })
  eventId?: string | null;
}

@InputType()
export class CaseLegalBasisInput {
  @Field({ description: 'SFS number, e.g. 2001:453' })
  sfs!: string;

  @Field(() => String, { nullable: true })
  chapter?: string | null;

  @Field(() => String, { nullable: true })
  section?: string | null;
}

@InputType()
export class CaseDecisionReasonInput {
  @Field()
  ruleId!: string;

  @Field(() => CaseLocalizedTextInput)
  text!: CaseLocalizedTextInput;
}

@InputType()
export class CaseDocumentInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => String, { nullable: true })
  ref?: string;

  @Field(() => String, { nullable: true })
  checksum?: string;
}

@InputType()
export class CaseDecisionInput {
  @Field()
  source!: string;

  @Field()
  externalCaseId!: string;

  @Field({ description: "The system's id of the decision (recording it again changes nothing)" })
  externalDecisionId!: string;

  @Field()
  decisionType!: string;

  @Field(() => CaseDecisionOutcome)
  outcome!: 'approval' | 'rejection' | 'dismissal' | 'cancellation';

  @Field(() => CaseLegalBasisInput, { nullable: true })
  legalBasis?: CaseLegalBasisInput | null;

  @Field(() => Date)
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  validTo?: string | null;

  @Field(() => [CaseDecisionReasonInput], { nullable: true })
  reasons?: CaseDecisionReasonInput[] | null;

  @Field(() => [CaseDocumentInput], { nullable: true })
  documents?: CaseDocumentInput[] | null;

  @Field(() => CaseLocalizedTextInput, { nullable: true })
  appealInstructions?: CaseLocalizedTextInput | null;

  @Field(() => Boolean, { nullable: true })
  automated?: boolean | null;
}

@InputType()
export class CaseMessageInput {
  @Field()
  source!: string;

  @Field()
  externalCaseId!: string;

  @Field({ description: "The system's id of the message (posting it again changes nothing)" })
  externalMessageId!: string;

  @Field()
  body!: string;

  @Field(() => Date, { nullable: true })
  sentAt?: Date | null;
}
