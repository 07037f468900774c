import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MailDeliveryStatusEnum {
  PENDING = 'PENDING',
  SENT = 'SENT',
  NOT_SENT = 'NOT_SENT',
  FAILED = 'FAILED',
  NO_CONTACT_WANTED = 'NO_CONTACT_WANTED',
  NO_CONTACT_SETTINGS_FOUND = 'NO_CONTACT_SETTINGS_FOUND',
}
registerEnumType(MailDeliveryStatusEnum, { name: 'MailDeliveryStatus', description: 'Where a letter stands' });

export enum MailBodyFormat {
  TEXT = 'TEXT',
  HTML = 'HTML',
}
registerEnumType(MailBodyFormat, { name: 'MailBodyFormat', description: 'Plain text, or HTML restricted to a safe subset' });

export enum AttachmentDeliveryModeEnum {
  DIGITAL_ONLY = 'DIGITAL_ONLY',
  PAPER_ONLY = 'PAPER_ONLY',
  EITHER = 'EITHER',
}
registerEnumType(AttachmentDeliveryModeEnum, { name: 'AttachmentDeliveryMode', description: 'Which letter an attachment goes with' });

@InputType('MailKeyValueInput')
export class KeyValueInput {
  @Field()
  key!: string;

  @Field()
  value!: string;
}

@ObjectType('MailKeyValue')
export class KeyValue {
  @Field()
  key!: string;

  @Field()
  value!: string;
}

@InputType('MailAttachmentInput')
export class MailAttachmentInput {
  @Field()
  filename!: string;

  @Field({ description: 'The PDF, base64-encoded' })
  contentBase64!: string;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => AttachmentDeliveryModeEnum, { nullable: true, defaultValue: AttachmentDeliveryModeEnum.EITHER })
  deliveryMode?: AttachmentDeliveryModeEnum | null;
}

@InputType('MailSupportInfoInput')
export class SupportInfoInput {
  @Field({ description: 'At most 1024 characters' })
  text!: string;

  @Field({ nullable: true })
  url?: string;

  @Field({ nullable: true })
  phone?: string;

  @Field({ nullable: true })
  email?: string;
}

@InputType('SendDigitalMailInput')
export class SendDigitalMailInput {
  @Field({ description: 'Personnummer, samordningsnummer or organisationsnummer (never returned)' })
  recipient!: string;

  @Field({ description: 'At most 255 characters' })
  subject!: string;

  @Field()
  body!: string;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => MailBodyFormat, { nullable: true, defaultValue: MailBodyFormat.TEXT })
  bodyFormat?: MailBodyFormat | null;

  @Field({ nullable: true, description: 'sv (default) or en' })
  language?: string;

  @Field(() => [MailAttachmentInput], { nullable: true })
  attachments?: MailAttachmentInput[];

  @Field(() => SupportInfoInput, { nullable: true, description: "Overrides the department's and the municipality's" })
  supportInfo?: SupportInfoInput;

  @Field({ nullable: true, description: "The unit the letter belongs to; a case worker's own unit by default, and no other" })
  department?: string;

  @Field(() => [KeyValueInput], { nullable: true, description: 'E.g. caseId' })
  externalReferences?: KeyValueInput[];

  @Field({ nullable: true, description: 'Same key and payload: the same message; another payload: CONFLICT' })
  idempotencyKey?: string;

  @Field({ nullable: true, description: 'May the letter go on paper when there is no digital mailbox (default true)' })
  allowPaper?: boolean;
}

@ObjectType()
export class MailAttachmentModel {
  @Field()
  filename!: string;

  @Field(() => AttachmentDeliveryModeEnum)
  deliveryMode!: string;

  @Field()
  sha256!: string;

  @Field(() => Int)
  sizeBytes!: number;
}

@ObjectType({ description: 'A letter and where its delivery stands' })
export class DigitalMailMessage {
  @Field(() => ID)
  id!: string;

  @Field()
  subject!: string;

  @Field(() => MailBodyFormat)
  bodyFormat!: string;

  @Field()
  language!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => [KeyValue])
  externalReferences!: KeyValue[];

  @Field()
  sentBy!: string;

  @Field({ description: 'user or system' })
  sentByKind!: string;

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field(() => ID, { nullable: true })
  sendBatchId!: string | null;

  @Field(() => ID)
  recipientPartyId!: string;

  @Field(() => MailDeliveryStatusEnum)
  status!: string;

  @Field(() => String, { nullable: true })
  statusDetail!: string | null;

  @Field(() => String, { nullable: true, description: 'digital or paper' })
  channel!: string | null;

  @Field(() => String, { nullable: true })
  mailboxOperator!: string | null;

  @Field(() => String, { nullable: true })
  operatorTransactionId!: string | null;

  @Field(() => Int)
  attempts!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field({ description: 'Body and attachments purged after the retention period' })
  contentPurged!: boolean;

  @Field(() => [MailAttachmentModel])
  attachments!: MailAttachmentModel[];
}

@InputType('MailLocalizedTextInput')
export class LocalizedTextInput {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@ObjectType('MailLocalizedText')
export class MailLocalizedText {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@InputType('SaveMailTemplateInput')
export class SaveMailTemplateInput {
  @Field({ description: 'Lower-case a-z, 0-9 and dashes; saving again adds a version' })
  name!: string;

  @Field(() => LocalizedTextInput)
  subject!: LocalizedTextInput;

  @Field(() => LocalizedTextInput, { description: 'Named placeholders: {{name}}' })
  body!: LocalizedTextInput;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => MailBodyFormat, { nullable: true, defaultValue: MailBodyFormat.TEXT })
  bodyFormat?: MailBodyFormat | null;

  @Field(() => String, {
    nullable: true,
    description: "The unit whose template this is (only its case workers use it); none: the whole municipality's",
  })
  department?: string | null;
}

@ObjectType()
export class MailTemplate {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true, description: "The unit whose template this is; null: the whole municipality's" })
  department!: string | null;

  @Field(() => MailLocalizedText)
  subject!: MailLocalizedText;

  @Field(() => MailLocalizedText)
  body!: MailLocalizedText;

  @Field(() => MailBodyFormat)
  bodyFormat!: string;

  @Field(() => [String])
  placeholders!: string[];

  @Field()
  createdBy!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class MailTemplatePreview {
  @Field()
  subject!: string;

  @Field()
  body!: string;

  @Field(() => MailBodyFormat)
  bodyFormat!: string;
}

@InputType('MailTemplateRef')
export class MailTemplateRef {
  @Field(() => ID, { nullable: true })
  id?: string;

  @Field({ nullable: true })
  name?: string;

  @Field(() => Int, { nullable: true, description: 'Default: the newest version' })
  version?: number;
}

@InputType('MailBatchRecipientInput')
export class BatchRecipientInput {
  @Field()
  recipient!: string;

  @Field(() => [KeyValueInput], { nullable: true, description: 'Placeholder values' })
  values?: KeyValueInput[];
}

@InputType('CreateMailSendBatchInput')
export class CreateSendBatchInput {
  @Field(() => MailTemplateRef)
  template!: MailTemplateRef;

  @Field({ nullable: true })
  language?: string;

  @Field({ nullable: true })
  department?: string;

  @Field(() => SupportInfoInput, { nullable: true })
  supportInfo?: SupportInfoInput;

  @Field(() => [KeyValueInput], { nullable: true })
  externalReferences?: KeyValueInput[];

  @Field({ nullable: true })
  allowPaper?: boolean;

  @Field(() => [BatchRecipientInput], { nullable: true, description: 'Either recipients or csv' })
  recipients?: BatchRecipientInput[];

  @Field({ nullable: true, description: 'CSV: a recipient column and one column per placeholder; ; or , separated' })
  csv?: string;
}

@ObjectType({ description: 'A bulk send and how far it has come' })
export class MailSendBatch {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  templateId!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'Recipients turned into letters so far' })
  accepted!: number;

  @Field(() => Int)
  pending!: number;

  @Field(() => Int)
  sentDigitally!: number;

  @Field(() => Int)
  sentOnPaper!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int, { description: 'NOT_SENT, NO_CONTACT_WANTED, NO_CONTACT_SETTINGS_FOUND' })
  notDelivered!: number;

  @Field()
  completed!: boolean;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class MailMonthlyStatistics {
  @Field({ description: 'YYYY-MM, Europe/Stockholm' })
  month!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  sentDigitally!: number;

  @Field(() => Int)
  sentOnPaper!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  notDelivered!: number;

  @Field(() => Int)
  pending!: number;
}
