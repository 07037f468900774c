import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';

export const FormLanguage = { sv: 'sv', en: 'en' } as const;
registerEnumType(FormLanguage, {
  name: 'FormLanguage',
  description: 'The language of validation messages and receipts: sv (default) or en',
});

export const FormVersionStatus = { draft: 'draft', published: 'published', retired: 'retired' } as const;
registerEnumType(FormVersionStatus, { name: 'FormVersionStatus', description: 'draft → published (immutable) → retired' });

export const FormSubmissionStatus = {
  received: 'received',
  manual_handling: 'manual_handling',
  completion_requested: 'completion_requested',
  decided: 'decided',
} as const;
registerEnumType(FormSubmissionStatus, { name: 'FormSubmissionStatus' });

export const FormDecisionOutcome = { approve: 'approve', reject: 'reject' } as const;
registerEnumType(FormDecisionOutcome, { name: 'FormDecisionOutcome', description: 'bifall (approve) or avslag (reject)' });

@ObjectType({ description: 'A template version a form copies: publisher/slug@version' })
export class FormTemplateRef {
  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field()
  slug!: string;

  @Field()
  version!: string;
}

@ObjectType({ description: 'One version (major.minor) of a form' })
export class FormVersion {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'major.minor, e.g. 1.0' })
  version!: string;

  @Field(() => FormVersionStatus)
  status!: string;

  @Field()
  changelog!: string;

  @Field(() => GraphQLJSONObject, {
    description: 'Texts, steps, data schema (JSON Schema 2020-12), JSON Logic conditions, attachment and decision rules',
  })
  definition!: Record<string, unknown>;

  @Field(() => FormTemplateRef, { nullable: true, description: 'Provenance: the template version this version copies' })
  template!: FormTemplateRef | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  retiredAt!: Date | null;
}

@ObjectType()
export class FormAdoptedFrom {
  @Field()
  publisher!: string;

  @Field()
  slug!: string;
}

@ObjectType({ description: 'A form family of the municipality, with every version (tenant admins)' })
export class Form {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field({ description: 'The handling unit (secrecy boundary), e.g. socialtjanst' })
  unit!: string;

  @Field(() => String, { nullable: true, description: 'The version citizens get: the highest published' })
  currentVersion!: string | null;

  @Field(() => FormAdoptedFrom, { nullable: true })
  adoptedFrom!: FormAdoptedFrom | null;

  @Field(() => [FormVersion], { description: 'Newest first' })
  versions!: FormVersion[];
}

@ObjectType({ description: "A published form as citizens see it: the current version's definition" })
export class PublishedForm {
  @Field()
  slug!: string;

  @Field()
  unit!: string;

  @Field()
  version!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field(() => LocalizedText, { nullable: true })
  description!: LocalizedText | null;

  @Field()
  caseType!: string;

  @Field()
  loginRequired!: boolean;

  @Field(() => GraphQLJSONObject)
  definition!: Record<string, unknown>;

  @Field(() => Date)
  publishedAt!: Date;
}

@ObjectType({ description: 'A form version shared by a municipality for every member to adopt' })
export class FormTemplate {
  @Field(() => ID)
  id!: string;

  @Field()
  publisher!: string;

  @Field(() => LocalizedText)
  publisherNames!: LocalizedText;

  @Field()
  slug!: string;

  @Field()
  version!: string;

  @Field()
  unit!: string;

  @Field()
  changelog!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field(() => GraphQLJSONObject)
  definition!: Record<string, unknown>;

  @Field(() => Date)
  publishedAt!: Date;
}

@ObjectType({ description: 'An adopted form and whether its template has a newer version' })
export class FormTemplateUpdate {
  @Field()
  formSlug!: string;

  @Field()
  publisher!: string;

  @Field()
  templateSlug!: string;

  @Field()
  adoptedVersion!: string;

  @Field()
  latestVersion!: string;

  @Field()
  newerVersionAvailable!: boolean;
}

@ObjectType({ description: 'An uploaded file (its content type detected from the bytes)' })
export class FormAttachment {
  @Field(() => ID, { description: 'The answer to the attachment field' })
  id!: string;

  @Field()
  field!: string;

  @Field()
  fileName!: string;

  @Field()
  contentType!: string;

  @Field(() => Int)
  sizeBytes!: number;

  @Field()
  sha256!: string;
}

@ObjectType({ description: "A citizen's saved, unsubmitted answers" })
export class FormDraft {
  @Field(() => ID)
  id!: string;

  @Field()
  formSlug!: string;

  @Field()
  formVersion!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field(() => GraphQLJSONObject)
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment])
  attachments!: FormAttachment[];

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType({ description: 'One answer as a person reads it' })
export class FormAnswer {
  @Field()
  field!: string;

  @Field(() => LocalizedText)
  label!: LocalizedText;

  @Field(() => LocalizedText)
  value!: LocalizedText;
}

@ObjectType({ description: 'An SFS reference, e.g. 1998:1276 13 kap. 8 §' })
export class FormLegalBasis {
  @Field()
  sfs!: string;

  @Field(() => String, { nullable: true })
  chapter?: string;

  @Field(() => String, { nullable: true })
  section?: string;

  @Field(() => LocalizedText, { nullable: true })
  title?: LocalizedText;
}

@ObjectType({ description: "Why a decision is what it is: the rule that fired (automated) or the case worker's reason" })
export class FormDecisionReason {
  @Field()
  ruleId!: string;

  @Field(() => LocalizedText)
  text!: LocalizedText;

  @Field(() => FormLegalBasis, { nullable: true })
  legalBasis?: FormLegalBasis;
}

@ObjectType()
export class FormDecision {
  @Field(() => ID)
  id!: string;

  @Field(() => FormDecisionOutcome)
  outcome!: string;

  @Field()
  automated!: boolean;

  @Field(() => [FormDecisionReason])
  reasons!: FormDecisionReason[];

  @Field(() => FormLegalBasis, { nullable: true })
  legalBasis!: FormLegalBasis | null;

  @Field(() => Date)
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'First day a granted decision is valid (YYYY-MM-DD); null for a rejection' })
  validFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'Last day it is valid (YYYY-MM-DD); null: until further notice' })
  validTo!: string | null;

  @Field({ description: "The decision document (PDF), the platform's own path: GET it from the api with the same token and municipality" })
  documentUrl!: string;
}

@ObjectType()
export class FormCompletionRequest {
  @Field(() => LocalizedText)
  message!: LocalizedText;

  @Field(() => Date)
  requestedAt!: Date;
}

@ObjectType()
export class FormMunicipality {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;
}

@ObjectType({ description: 'The receipt (kvittens) of a submission' })
export class FormReceipt {
  @Field(() => ID)
  submissionId!: string;

  @Field({ description: 'PREFIX-YYYY-NNNNNN' })
  errandNumber!: string;

  @Field(() => Date)
  submittedAt!: Date;

  @Field(() => FormMunicipality)
  tenant!: FormMunicipality;

  @Field()
  formSlug!: string;

  @Field({ description: 'The exact version answered' })
  formVersion!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field(() => FormSubmissionStatus)
  status!: string;

  @Field(() => [FormAnswer])
  answers!: FormAnswer[];

  @Field(() => GraphQLJSONObject, {
    description: 'The answers as given (an attachment field holds its file id): what provideFormCompletion corrects',
  })
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment])
  attachments!: FormAttachment[];

  @Field(() => FormDecision, { nullable: true })
  decision!: FormDecision | null;

  @Field(() => FormCompletionRequest, { nullable: true })
  completionRequest!: FormCompletionRequest | null;
}

@ObjectType({ description: 'A submission as its case worker handles it' })
export class FormSubmission {
  @Field(() => ID)
  id!: string;

  @Field()
  errandNumber!: string;

  @Field()
  formSlug!: string;

  @Field()
  formVersion!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field()
  unit!: string;

  @Field(() => FormSubmissionStatus)
  status!: string;

  @Field(() => Date)
  submittedAt!: Date;

  @Field(() => ID, { nullable: true, description: "The applicant's party id; null for an anonymous form" })
  subjectPartyId!: string | null;

  @Field(() => [FormAnswer])
  answers!: FormAnswer[];

  @Field(() => GraphQLJSONObject)
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment])
  attachments!: FormAttachment[];

  @Field(() => FormDecision, { nullable: true })
  decision!: FormDecision | null;

  @Field(() => FormCompletionRequest, { nullable: true })
  completionRequest!: FormCompletionRequest | null;
}

export const FormApplicantRegister = {
  found: 'found',
  not_found: 'not_found',
  unavailable: 'unavailable',
  not_a_person: 'not_a_person',
} as const;
registerEnumType(FormApplicantRegister, {
  name: 'FormApplicantRegister',
  description:
    'What the population register said: found, not_found, unavailable (none configured, or it failed) or not_a_person (an organisation)',
});

@ObjectType({ description: "Who applied, as the handling unit sees it (the read is audited); a protected person's address is never given" })
export class FormApplicant {
  @Field({ description: 'person or organisation' })
  kind!: string;

  @Field({ description: 'Personnummer (12 digits) or organisationsnummer' })
  identityNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The name in the population register (Navet); null for an organisation or when unknown',
  })
  name!: string | null;

  @Field(() => [String], { nullable: true, description: 'The registered address as lines; null when protected or unknown' })
  address!: string[] | null;

  @Field({ description: 'Sekretessmarkering or skyddad folkbokföring: show a marker, never an address' })
  protectedIdentity!: boolean;

  @Field(() => FormApplicantRegister)
  register!: string;
}

@ObjectType({ description: 'A page of submissions, newest first' })
export class FormSubmissionConnection {
  @Field(() => [FormSubmission])
  nodes!: FormSubmission[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

// --- inputs ---

@InputType()
export class FormLocalizedTextInput {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@InputType()
export class FormLegalBasisInput {
  @Field()
  sfs!: string;

  @Field(() => String, { nullable: true })
  chapter?: string;

  @Field(() => String, { nullable: true })
  section?: string;
}

@InputType()
export class CreateFormInput {
  @Field()
  slug!: string;

  @Field()
  unit!: string;

  @Field(() => GraphQLJSON)
  definition!: unknown;

  @Field()
  changelog!: string;
}

@InputType()
export class CreateFormVersionInput {
  @Field()
  formSlug!: string;

  @Field(() => GraphQLJSON)
  definition!: unknown;

  @Field()
  changelog!: string;

  @Field({ defaultValue: false, description: 'A new major version (what is asked or decided changes); minor otherwise' })
  major!: boolean;
}

@InputType()
export class UpdateFormVersionInput {
  @Field()
  formSlug!: string;

  @Field()
  version!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  definition?: unknown;

  @Field(() => String, { nullable: true })
  changelog?: string;
}

@InputType()
export class AdoptFormTemplateInput {
  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field()
  templateSlug!: string;

  @Field(() => String, { nullable: true, description: "This municipality's slug for the form; the template's by default" })
  slug?: string;

  @Field(() => String, { nullable: true, description: "This municipality's handling unit; the template's by default" })
  unit?: string;
}

@InputType()
export class UploadFormAttachmentInput {
  @Field(() => ID, { nullable: true, description: 'The draft to upload to; or give submissionId' })
  draftId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A submission of yours awaiting completion: the file answers the completion request' })
  submissionId?: string | null;

  @Field()
  field!: string;

  @Field()
  fileName!: string;

  @Field({ description: 'The file, base64-encoded (the request body holds at most 1 MiB)' })
  contentBase64!: string;
}

@InputType()
export class SubmitFormInput {
  @Field(() => String, { nullable: true, description: 'The form; optional when submitting a draft' })
  formSlug?: string;

  @Field(() => String, { nullable: true, description: 'A specific published version; the current one by default' })
  version?: string;

  @Field(() => ID, { nullable: true, description: 'Submit a saved draft (and its attachments)' })
  draftId?: string;

  @Field(() => GraphQLJSON, { description: 'The answers: one value per field' })
  data!: unknown;

  @Field({ description: 'Your key for this submission (e.g. a UUID): a retry with the same key and content returns the same receipt' })
  idempotencyKey!: string;
}

@InputType()
export class DecideFormSubmissionInput {
  @Field(() => ID)
  submissionId!: string;

  @Field(() => FormDecisionOutcome)
  outcome!: 'approve' | 'reject';

  @Field(() => FormLocalizedTextInput)
  reason!: FormLocalizedTextInput;

  @Field(() => FormLegalBasisInput, { nullable: true })
  legalBasis?: FormLegalBasisInput;

  @Field(() => String, {
    nullable: true,
    description: 'First day the approval is valid (YYYY-MM-DD); the day of the decision by default. Not for a rejection',
  })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day the approval is valid (YYYY-MM-DD); none: until further notice' })
  validTo?: string | null;
}
