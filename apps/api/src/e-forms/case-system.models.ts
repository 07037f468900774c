import { Field, ObjectType } from '@nestjs/graphql';
import { FormAttachment, FormSubmission } from './e-forms.models';

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

  @Field(() => Date, { description: 'When the case system acknowledged the registration' })
  registeredAt!: Date;

  @Field({ description: 'The service account (client id) that acknowledged it' })
  registeredBy!: string;
}

/**
 * The case worker's submission plus what the case system registers: the case type, the applicant's
 * identity number and the registration. The fields redeclared here only carry the case system's
 * descriptions.
 */
@ObjectType({ description: "A submission as the municipality's case system takes it in" })
export class CaseSystemSubmission extends FormSubmission {
  @Field({ description: 'The errand number the resident got on the receipt (e.g. SUN-2026-000042)' })
  declare errandNumber: string;

  @Field({ description: "The form's case type (its definition's caseType), for the case system to file it under" })
  caseType!: string;

  @Field({ description: 'The unit that handles the form' })
  declare unit: string;

  @Field(() => CaseSystemApplicant, {
    nullable: true,
    description: 'Who applied; null when the submission names no applicant (a form submitted without login)',
  })
  applicant!: CaseSystemApplicant | null;

  @Field(() => [FormAttachment], {
    description: 'The files; fetch each at /e-forms/case-system/submissions/{id}/attachments/{attachmentId}',
  })
  declare attachments: FormAttachment[];

  @Field(() => CaseSystemRegistration, { nullable: true, description: 'Null until the case system acknowledged its registration' })
  registration!: CaseSystemRegistration | null;
}

@ObjectType({ description: "A page of the municipality's submissions, oldest first" })
export class CaseSystemSubmissionConnection {
  @Field(() => [CaseSystemSubmission], { description: 'The submissions of this page, oldest first' })
  nodes!: CaseSystemSubmission[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page (keep it: newer submissions come after it)' })
  endCursor!: string | null;

  @Field({ description: 'true when more submissions follow endCursor' })
  hasNextPage!: boolean;
}
