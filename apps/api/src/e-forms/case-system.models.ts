import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';
import { FormAnswer, FormAttachment, FormCompletionRequest, FormDecision, FormSubmissionStatus } from './e-forms.models';

@ObjectType({ description: 'Who applied: the identity number for the case system to register (never in events or logs)' })
export class CaseSystemApplicant {
  @Field({ description: 'person or organisation' })
  kind!: string;

  @Field({ description: 'Personnummer (12 digits) or organisationsnummer' })
  identityNumber!: string;
}

@ObjectType({ description: "The case system's registration of a submission" })
export class CaseSystemRegistration {
  @Field({ description: "The case system's own reference (diarienummer)" })
  caseSystemReference!: string;

  @Field(() => Date)
  registeredAt!: Date;

  @Field({ description: 'The service account (client id) that acknowledged it' })
  registeredBy!: string;
}

@ObjectType({ description: "A submission as the municipality's case system takes it in" })
export class CaseSystemSubmission {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The errand number the resident got on the receipt (e.g. SUN-2026-000042)' })
  errandNumber!: string;

  @Field()
  formSlug!: string;

  @Field()
  formVersion!: string;

  @Field(() => LocalizedText)
  title!: LocalizedText;

  @Field()
  caseType!: string;

  @Field({ description: 'The unit that handles the form' })
  unit!: string;

  @Field(() => FormSubmissionStatus)
  status!: string;

  @Field(() => Date)
  submittedAt!: Date;

  @Field(() => ID, { nullable: true, description: "The applicant's party id; null for an anonymous form" })
  subjectPartyId!: string | null;

  @Field(() => CaseSystemApplicant, { nullable: true })
  applicant!: CaseSystemApplicant | null;

  @Field(() => [FormAnswer])
  answers!: FormAnswer[];

  @Field(() => GraphQLJSONObject)
  data!: Record<string, unknown>;

  @Field(() => [FormAttachment], {
    description: 'The files; fetch each at /e-forms/case-system/submissions/{id}/attachments/{attachmentId}',
  })
  attachments!: FormAttachment[];

  @Field(() => FormDecision, { nullable: true })
  decision!: FormDecision | null;

  @Field(() => FormCompletionRequest, { nullable: true })
  completionRequest!: FormCompletionRequest | null;

  @Field(() => CaseSystemRegistration, { nullable: true, description: 'Null until the case system acknowledged its registration' })
  registration!: CaseSystemRegistration | null;
}

@ObjectType({ description: "A page of the municipality's submissions, oldest first" })
export class CaseSystemSubmissionConnection {
  @Field(() => [CaseSystemSubmission])
  nodes!: CaseSystemSubmission[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page (keep it: newer submissions come after it)' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}
