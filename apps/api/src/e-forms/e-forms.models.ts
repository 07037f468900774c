import { ArgsOptions, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';

export const FormLanguage = { sv: 'sv', en: 'en' } as const;
registerEnumType(FormLanguage, {
  name: 'FormLanguage',
  description: 'The language of validation messages and receipts: sv (default) or en',
  valuesMap: { en: { description: 'English' }, sv: { description: 'Swedish (the default)' } },
});

export const FormVersionStatus = { draft: 'draft', published: 'published', retired: 'retired' } as const;
registerEnumType(FormVersionStatus, {
  name: 'FormVersionStatus',
  description: 'draft → published (immutable) → retired',
  valuesMap: {
    draft: { description: 'Being edited; citizens do not see it' },
    published: { description: 'Open to citizens; no longer changes' },
    retired: { description: 'No longer offered; its submissions stay' },
  },
});

export const FormSubmissionStatus = {
  received: 'received',
  manual_handling: 'manual_handling',
  completion_requested: 'completion_requested',
  decided: 'decided',
} as const;
registerEnumType(FormSubmissionStatus, {
  name: 'FormSubmissionStatus',
  valuesMap: {
    completion_requested: { description: 'A case worker asked the applicant to complete it' },
    decided: { description: 'Decided, automatically or by a case worker' },
    manual_handling: { description: "The form's decision rules could not decide it: a case worker must" },
    received: { description: 'Received, waiting for a case worker' },
  },
  description: 'Where a submission stands',
});

/** The arguments of a page of submissions, the case workers' (formSubmissions) and the case system's alike. */
export const SUBMISSION_PAGE_ARGS = {
  status: {
    type: () => FormSubmissionStatus,
    nullable: true,
    description: 'Only submissions with this status; null: every status',
  },
  first: { type: () => Int, defaultValue: 20, description: '1 to 100' },
  after: { type: () => String, nullable: true, description: 'The endCursor of the previous page' },
} satisfies Record<string, ArgsOptions>;

export const FormDecisionOutcome = { approve: 'approve', reject: 'reject' } as const;
registerEnumType(FormDecisionOutcome, {
  name: 'FormDecisionOutcome',
  description: 'bifall (approve) or avslag (reject)',
  valuesMap: {
    approve: { description: 'Bifall: the application is granted' },
    reject: { description: 'Avslag: the application is refused' },
  },
});

@ObjectType({ description: 'A template version a form copies: publisher/slug@version' })
export class FormTemplateRef {
  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field({ description: "The template's slug at its publisher" })
  slug!: string;

  @Field({ description: 'The template version copied, major.minor' })
  version!: string;
}

@ObjectType({ description: 'One version (major.minor) of a form' })
export class FormVersion {
  @Field(() => ID, { description: "The version's id (UUID)" })
  id!: string;

  @Field({ description: 'major.minor, e.g. 1.0' })
  version!: string;

  @Field(() => FormVersionStatus, { description: 'Draft, published or retired' })
  status!: string;

  @Field({ description: 'What the version is or changed' })
  changelog!: string;

  @Field(() => GraphQLJSONObject, {
    description: 'Texts, steps, data schema (JSON Schema 2020-12), JSON Logic conditions, attachment and decision rules',
  })
  definition!: Record<string, unknown>;

  @Field(() => FormTemplateRef, { nullable: true, description: 'Provenance: the template version this version copies' })
  template!: FormTemplateRef | null;

  @Field(() => Date, { description: 'When the version was created' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was published; null while a draft' })
  publishedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was retired; null while not' })
  retiredAt!: Date | null;
}

@ObjectType({ description: 'The template a form was adopted from' })
export class FormAdoptedFrom {
  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field({ description: "The template's slug at its publisher" })
  slug!: string;
}

@ObjectType({ description: 'A form family of the municipality, with every version (tenant admins)' })
export class Form {
  @Field(() => ID, { description: "The form's id (UUID)" })
  id!: string;

  @Field({ description: "The form's slug in the municipality" })
  slug!: string;

  @Field({ description: 'The handling unit (secrecy boundary), e.g. socialtjanst' })
  unit!: string;

  @Field(() => String, { nullable: true, description: 'The version citizens get: the highest published' })
  currentVersion!: string | null;

  @Field(() => FormAdoptedFrom, {
    nullable: true,
    description: "The template the form was adopted from; null for the municipality's own form",
  })
  adoptedFrom!: FormAdoptedFrom | null;

  @Field(() => [FormVersion], { description: 'Newest first' })
  versions!: FormVersion[];
}

@ObjectType({ description: "A published form as citizens see it: the current version's definition" })
export class PublishedForm {
  @Field({ description: "The form's slug in the municipality" })
  slug!: string;

  @Field({ description: 'The unit that handles the form' })
  unit!: string;

  @Field({ description: 'The current version, major.minor' })
  version!: string;

  @Field(() => LocalizedText, { description: "The form's title in Swedish and English" })
  title!: LocalizedText;

  @Field(() => LocalizedText, { nullable: true, description: 'What the form is for, in Swedish and English; null when none' })
  description!: LocalizedText | null;

  @Field({ description: 'The kind of case a submission becomes' })
  caseType!: string;

  @Field({ description: "true when submitting needs a citizen's login (e-legitimation)" })
  loginRequired!: boolean;

  @Field(() => GraphQLJSONObject, { description: "The current version's form definition: texts, steps, data schema and conditions" })
  definition!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the current version was published' })
  publishedAt!: Date;
}

@ObjectType({ description: 'A form version shared by a municipality for every member to adopt' })
export class FormTemplate {
  @Field(() => ID, { description: "The template version's id (UUID)" })
  id!: string;

  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field(() => LocalizedText, { description: "The publishing municipality's name in Swedish and English" })
  publisherNames!: LocalizedText;

  @Field({ description: "The template's slug at its publisher" })
  slug!: string;

  @Field({ description: 'The form version shared, major.minor' })
  version!: string;

  @Field({ description: "The publisher's handling unit, the default for an adopting municipality" })
  unit!: string;

  @Field({ description: 'What the template version is or changed' })
  changelog!: string;

  @Field(() => LocalizedText, { description: "The form's title in Swedish and English" })
  title!: LocalizedText;

  @Field(() => GraphQLJSONObject, { description: 'The form definition to copy' })
  definition!: Record<string, unknown>;

  @Field(() => Date, { description: 'When it was shared' })
  publishedAt!: Date;
}

@ObjectType({ description: 'An adopted form and whether its template has a newer version' })
export class FormTemplateUpdate {
  @Field({ description: "The adopted form's slug in this municipality" })
  formSlug!: string;

  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field({ description: "The template's slug at its publisher" })
  templateSlug!: string;

  @Field({ description: 'The template version the form last copied' })
  adoptedVersion!: string;

  @Field({ description: "The template's newest version" })
  latestVersion!: string;

  @Field({ description: 'true when latestVersion is newer than adoptedVersion' })
  newerVersionAvailable!: boolean;
}

@ObjectType({ description: 'An uploaded file (its content type detected from the bytes)' })
export class FormAttachment {
  @Field(() => ID, { description: 'The answer to the attachment field' })
  id!: string;

  @Field({ description: 'The attachment field of the form it answers' })
  field!: string;

  @Field({ description: 'The file name as uploaded' })
  fileName!: string;

  @Field({ description: 'The content type detected from the bytes, e.g. application/pdf' })
  contentType!: string;

  @Field(() => Int, { description: 'Size of the content in bytes' })
  sizeBytes!: number;

  @Field({ description: 'SHA-256 of the content, hex' })
  sha256!: string;
}

@ObjectType({ description: "A citizen's saved, unsubmitted answers" })
export class FormDraft {
  @Field(() => ID, { description: "The draft's id (UUID)" })
  id!: string;

  @Field({ description: "The form's slug" })
  formSlug!: string;

  @Field({ description: 'The form version the draft answers' })
  formVersion!: string;

  @Field(() => LocalizedText, { description: "The form's title in Swedish and English" })
  title!: LocalizedText;

  @Field(() => GraphQLJSONObject, { description: 'The answers saved so far, as given (not yet checked)' })
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment], { description: 'The files uploaded to the draft' })
  attachments!: FormAttachment[];

  @Field(() => Date, { description: 'When the draft was last saved' })
  updatedAt!: Date;

  @Field(() => Date, { description: "When the draft is deleted unless saved again (the form's or the municipality's draft retention)" })
  expiresAt!: Date;
}

@ObjectType({ description: 'One answer as a person reads it' })
export class FormAnswer {
  @Field({ description: "The field's name in the form's data schema" })
  field!: string;

  @Field(() => LocalizedText, { description: 'The question as the form asks it, in Swedish and English' })
  label!: LocalizedText;

  @Field(() => LocalizedText, { description: 'The answer as a person reads it, in Swedish and English' })
  value!: LocalizedText;
}

@ObjectType({ description: 'An SFS reference, e.g. 1998:1276 13 kap. 8 §' })
export class FormLegalBasis {
  @Field({ description: "The act's SFS number, e.g. 1998:1276" })
  sfs!: string;

  @Field(() => String, { nullable: true, description: 'The chapter (kapitel); null when none' })
  chapter?: string;

  @Field(() => String, { nullable: true, description: 'The section (paragraf); null when none' })
  section?: string;

  @Field(() => LocalizedText, { nullable: true, description: "The act's name in Swedish and English; null when not given" })
  title?: LocalizedText;
}

@ObjectType({ description: "Why a decision is what it is: the rule that fired (automated) or the case worker's reason" })
export class FormDecisionReason {
  @Field({ description: "The decision rule's id, or manual for a case worker's reason" })
  ruleId!: string;

  @Field(() => LocalizedText, { description: 'The reason in words, in Swedish and English' })
  text!: LocalizedText;

  @Field(() => FormLegalBasis, { nullable: true, description: 'The law the reason rests on; null when none' })
  legalBasis?: FormLegalBasis;
}

@ObjectType({ description: "The decision on a submission, automated (by the form's decision rules) or by a case worker" })
export class FormDecision {
  @Field(() => ID, { description: "The decision's id (UUID)" })
  id!: string;

  @Field(() => FormDecisionOutcome, { description: 'Approve (bifall) or reject (avslag)' })
  outcome!: string;

  @Field({ description: "true when the form's decision rules decided it, false when a case worker did" })
  automated!: boolean;

  @Field(() => [FormDecisionReason], { description: "Why: the rules that fired, or the case worker's reason" })
  reasons!: FormDecisionReason[];

  @Field(() => FormLegalBasis, { nullable: true, description: 'The law the decision rests on; null when none was given' })
  legalBasis!: FormLegalBasis | null;

  @Field(() => Date, { description: 'When it was decided' })
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'First day a granted decision is valid (YYYY-MM-DD); null for a rejection' })
  validFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'Last day it is valid (YYYY-MM-DD); null: until further notice' })
  validTo!: string | null;

  @Field({ description: "The decision document (PDF), the platform's own path: GET it from the api with the same token and municipality" })
  documentUrl!: string;
}

@ObjectType({ description: "A case worker's request that the applicant complete their submission (komplettering)" })
export class FormCompletionRequest {
  @Field(() => LocalizedText, { description: 'What is asked for, in Swedish and English' })
  message!: LocalizedText;

  @Field(() => Date, { description: 'When it was asked' })
  requestedAt!: Date;
}

@ObjectType({ description: 'The municipality a submission went to' })
export class FormMunicipality {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;
}

@ObjectType({ description: 'The receipt (kvittens) of a submission' })
export class FormReceipt {
  @Field(() => ID, { description: "The submission's id" })
  submissionId!: string;

  @Field({ description: 'PREFIX-YYYY-NNNNNN' })
  errandNumber!: string;

  @Field(() => Date, { description: 'When it was submitted' })
  submittedAt!: Date;

  @Field(() => FormMunicipality, { description: 'The municipality it went to' })
  tenant!: FormMunicipality;

  @Field({ description: "The form's slug" })
  formSlug!: string;

  @Field({ description: 'The exact version answered' })
  formVersion!: string;

  @Field(() => LocalizedText, { description: "The form's title in Swedish and English" })
  title!: LocalizedText;

  @Field(() => FormSubmissionStatus, { description: 'Where the submission stands' })
  status!: string;

  @Field(() => [FormAnswer], { description: 'The answers as a person reads them' })
  answers!: FormAnswer[];

  @Field(() => GraphQLJSONObject, {
    description: 'The answers as given (an attachment field holds its file id): what provideFormCompletion corrects',
  })
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment], { description: 'The files submitted' })
  attachments!: FormAttachment[];

  @Field(() => FormDecision, { nullable: true, description: 'The decision; null until decided' })
  decision!: FormDecision | null;

  @Field(() => FormCompletionRequest, { nullable: true, description: 'The open request for completion; null when none' })
  completionRequest!: FormCompletionRequest | null;
}

@ObjectType({ description: 'A submission as its case worker handles it' })
export class FormSubmission {
  @Field(() => ID, { description: "The submission's id (UUID)" })
  id!: string;

  @Field({ description: 'The errand number the applicant got on the receipt, e.g. SUN-2026-000042' })
  errandNumber!: string;

  @Field({ description: "The form's slug" })
  formSlug!: string;

  @Field({ description: 'The form version answered' })
  formVersion!: string;

  @Field(() => LocalizedText, { description: "The form's title in Swedish and English" })
  title!: LocalizedText;

  @Field({ description: 'The unit that handles the form' })
  unit!: string;

  @Field(() => FormSubmissionStatus, { description: 'Where the submission stands' })
  status!: string;

  @Field(() => Date, { description: 'When it was submitted' })
  submittedAt!: Date;

  @Field(() => ID, { nullable: true, description: "The applicant's party id; null for an anonymous form" })
  subjectPartyId!: string | null;

  @Field(() => [FormAnswer], { description: 'The answers as a person reads them' })
  answers!: FormAnswer[];

  @Field(() => GraphQLJSONObject, { description: 'The answers as given (an attachment field holds its file id)' })
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment], { description: 'The files submitted' })
  attachments!: FormAttachment[];

  @Field(() => FormDecision, { nullable: true, description: 'The decision; null until decided' })
  decision!: FormDecision | null;

  @Field(() => FormCompletionRequest, { nullable: true, description: 'The open request for completion; null when none' })
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
  valuesMap: {
    found: { description: 'The register knows the person: name and address as registered' },
    not_a_person: { description: 'The applicant is an organisation: the register is not asked' },
    not_found: { description: 'The register does not know the identity number' },
    unavailable: { description: 'No register is configured, or it did not answer' },
  },
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

  @Field(() => FormApplicantRegister, { description: 'What the population register said' })
  register!: string;
}

@ObjectType({ description: 'A page of submissions, newest first' })
export class FormSubmissionConnection {
  @Field(() => [FormSubmission], { description: 'The submissions of this page' })
  nodes!: FormSubmission[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;

  @Field({ description: 'true when more submissions follow endCursor' })
  hasNextPage!: boolean;
}

// --- inputs ---

@InputType({ description: 'A text in Swedish and English' })
export class FormLocalizedTextInput {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@InputType({ description: 'The law a decision rests on' })
export class FormLegalBasisInput {
  @Field({ description: "The act's SFS number, e.g. 2001:453" })
  sfs!: string;

  @Field(() => String, { nullable: true, description: 'The chapter (kapitel)' })
  chapter?: string;

  @Field(() => String, { nullable: true, description: 'The section (paragraf)' })
  section?: string;
}

@InputType({ description: 'A new form, created with version 1.0 as a draft' })
export class CreateFormInput {
  @Field({
    description: "The form's slug in the municipality: lower-case a-z, 0-9 and dashes, starting with a letter (2 to 60 characters)",
  })
  slug!: string;

  @Field({ description: 'The handling unit (secrecy boundary): only its case workers see the submissions' })
  unit!: string;

  @Field(() => GraphQLJSON, {
    description:
      'The form definition (texts, steps, JSON Schema, conditions, attachment and decision rules); refused with details when invalid',
  })
  definition!: unknown;

  @Field({ description: 'What the version is, for the version history' })
  changelog!: string;
}

@InputType({ description: 'The next version of a form, created as a draft' })
export class CreateFormVersionInput {
  @Field({ description: "The form's slug" })
  formSlug!: string;

  @Field(() => GraphQLJSON, { description: "The version's form definition" })
  definition!: unknown;

  @Field({ description: 'What changed from the previous version' })
  changelog!: string;

  @Field({ defaultValue: false, description: 'A new major version (what is asked or decided changes); minor otherwise' })
  major!: boolean;
}

@InputType({ description: 'Changes to a draft version; a field left null is kept' })
export class UpdateFormVersionInput {
  @Field({ description: "The form's slug" })
  formSlug!: string;

  @Field({ description: 'The draft version, major.minor' })
  version!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: "The version's new form definition" })
  definition?: unknown;

  @Field(() => String, { nullable: true, description: 'What the version is or changed' })
  changelog?: string;
}

@InputType({ description: "A template another municipality shared, to copy into this municipality's forms" })
export class AdoptFormTemplateInput {
  @Field({ description: 'The publishing municipality (slug)' })
  publisher!: string;

  @Field({ description: "The template's slug at its publisher" })
  templateSlug!: string;

  @Field(() => String, { nullable: true, description: "This municipality's slug for the form; the template's by default" })
  slug?: string;

  @Field(() => String, { nullable: true, description: "This municipality's handling unit; the template's by default" })
  unit?: string;
}

@InputType({ description: 'A file answering an attachment field of a draft or of a submission awaiting completion' })
export class UploadFormAttachmentInput {
  @Field(() => ID, { nullable: true, description: 'The draft to upload to; or give submissionId' })
  draftId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A submission of yours awaiting completion: the file answers the completion request' })
  submissionId?: string | null;

  @Field({ description: 'The attachment field it answers' })
  field!: string;

  @Field({ description: "The file's name" })
  fileName!: string;

  @Field({ description: 'The file, base64-encoded (the request body holds at most 1 MiB)' })
  contentBase64!: string;
}

@InputType({ description: 'Answers to a form, or a draft to submit' })
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

@InputType({ description: "A case worker's decision on a submission of their unit" })
export class DecideFormSubmissionInput {
  @Field(() => ID, { description: "The submission's id" })
  submissionId!: string;

  @Field(() => FormDecisionOutcome, { description: 'Approve (bifall) or reject (avslag)' })
  outcome!: 'approve' | 'reject';

  @Field(() => FormLocalizedTextInput, { description: 'The reason the applicant reads, in Swedish and English' })
  reason!: FormLocalizedTextInput;

  @Field(() => FormLegalBasisInput, { nullable: true, description: 'The law the decision rests on' })
  legalBasis?: FormLegalBasisInput;

  @Field(() => String, {
    nullable: true,
    description: 'First day the approval is valid (YYYY-MM-DD); the day of the decision by default. Not for a rejection',
  })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day the approval is valid (YYYY-MM-DD); none: until further notice' })
  validTo?: string | null;
}
