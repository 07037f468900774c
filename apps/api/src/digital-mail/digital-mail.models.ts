import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MailDeliveryStatusEnum {
  PENDING = 'PENDING',
  SENT = 'SENT',
  NOT_SENT = 'NOT_SENT',
  FAILED = 'FAILED',
  NO_CONTACT_WANTED = 'NO_CONTACT_WANTED',
  NO_CONTACT_SETTINGS_FOUND = 'NO_CONTACT_SETTINGS_FOUND',
}
registerEnumType(MailDeliveryStatusEnum, {
  name: 'MailDeliveryStatus',
  description: 'Where a letter stands',
  valuesMap: {
    FAILED: { description: 'Delivery failed after retries; statusDetail says why' },
    NOT_SENT: { description: 'Not deliverable and not sent (e.g. under 18, or no address for paper); for the sender to handle by hand' },
    NO_CONTACT_SETTINGS_FOUND: { description: 'The recipient has no digital mailbox (and the letter did not go on paper)' },
    NO_CONTACT_WANTED: { description: "The recipient's mailbox does not accept letters from this sender" },
    PENDING: { description: 'Accepted; delivery is under way' },
    SENT: { description: 'Delivered, digitally or on paper (see channel)' },
  },
});

export enum MailBodyFormat {
  TEXT = 'TEXT',
  HTML = 'HTML',
}
registerEnumType(MailBodyFormat, {
  name: 'MailBodyFormat',
  description: 'Plain text, or HTML restricted to a safe subset',
  valuesMap: { HTML: { description: 'HTML; only a safe subset is accepted' }, TEXT: { description: 'Plain text' } },
});

export enum AttachmentDeliveryModeEnum {
  DIGITAL_ONLY = 'DIGITAL_ONLY',
  PAPER_ONLY = 'PAPER_ONLY',
  EITHER = 'EITHER',
}
registerEnumType(AttachmentDeliveryModeEnum, {
  name: 'AttachmentDeliveryMode',
  description: 'Which letter an attachment goes with',
  valuesMap: {
    DIGITAL_ONLY: { description: 'Only with the digital letter; left out when the letter goes on paper' },
    EITHER: { description: 'With the letter whichever way it goes (the default)' },
    PAPER_ONLY: { description: 'Only with the paper letter; left out of the digital one' },
  },
});

@InputType('MailKeyValueInput', { description: "A key and a value, e.g. a reference (caseId) or a placeholder's value" })
export class KeyValueInput {
  @Field({ description: "The key, e.g. caseId or a placeholder's name" })
  key!: string;

  @Field({ description: 'The value' })
  value!: string;
}

@ObjectType('MailKeyValue', { description: "A key and a value, e.g. a reference (caseId) or a placeholder's value" })
export class KeyValue {
  @Field({ description: 'The key, e.g. caseId' })
  key!: string;

  @Field({ description: 'The value' })
  value!: string;
}

@InputType('MailAttachmentInput', { description: 'A PDF to send with the letter' })
export class MailAttachmentInput {
  @Field({ description: 'The file name the recipient sees, ending .pdf' })
  filename!: string;

  @Field({ description: 'The PDF, base64-encoded' })
  contentBase64!: string;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => AttachmentDeliveryModeEnum, {
    nullable: true,
    defaultValue: AttachmentDeliveryModeEnum.EITHER,
    description: 'Which letter it goes with (default EITHER)',
  })
  deliveryMode?: AttachmentDeliveryModeEnum | null;
}

@InputType('MailSupportInfoInput', { description: 'Where the recipient can turn with questions, shown in the letter' })
export class SupportInfoInput {
  @Field({ description: 'At most 1024 characters' })
  text!: string;

  @Field({ nullable: true, description: 'A web address' })
  url?: string;

  @Field({ nullable: true, description: 'A telephone number' })
  phone?: string;

  @Field({ nullable: true, description: 'An e-mail address' })
  email?: string;
}

@InputType('SendDigitalMailInput', { description: 'A letter to one recipient, to their digital mailbox or else on paper' })
export class SendDigitalMailInput {
  @Field({ description: 'Personnummer, samordningsnummer or organisationsnummer (never returned)' })
  recipient!: string;

  @Field({ description: 'At most 255 characters' })
  subject!: string;

  @Field({ description: "The letter's text, in bodyFormat" })
  body!: string;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => MailBodyFormat, { nullable: true, defaultValue: MailBodyFormat.TEXT, description: 'Plain text (default) or HTML' })
  bodyFormat?: MailBodyFormat | null;

  @Field({ nullable: true, description: 'sv (default) or en' })
  language?: string;

  @Field(() => [MailAttachmentInput], { nullable: true, description: 'PDFs to send with the letter' })
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

@ObjectType({ description: 'An attachment of a sent letter (its content is not returned)' })
export class MailAttachmentModel {
  @Field({ description: 'The file name the recipient sees' })
  filename!: string;

  @Field(() => AttachmentDeliveryModeEnum, { description: 'Which letter it goes with' })
  deliveryMode!: string;

  @Field({ description: 'SHA-256 of the content, hex' })
  sha256!: string;

  @Field(() => Int, { description: 'Size of the content in bytes' })
  sizeBytes!: number;
}

@ObjectType({ description: 'A letter and where its delivery stands' })
export class DigitalMailMessage {
  @Field(() => ID, { description: "The letter's id (UUID)" })
  id!: string;

  @Field({ description: "The letter's subject line" })
  subject!: string;

  @Field(() => MailBodyFormat, { description: 'Whether the body is plain text or HTML' })
  bodyFormat!: string;

  @Field({ description: 'sv or en' })
  language!: string;

  @Field(() => String, { nullable: true, description: "The unit the letter belongs to; null: the whole municipality's" })
  department!: string | null;

  @Field(() => [KeyValue], { description: "The sender's references, e.g. caseId" })
  externalReferences!: KeyValue[];

  @Field({ description: 'The subject (user or system account id) that sent it' })
  sentBy!: string;

  @Field({ description: 'user or system' })
  sentByKind!: string;

  @Field(() => String, { nullable: true, description: 'The key the sender gave; null when none' })
  idempotencyKey!: string | null;

  @Field(() => ID, { nullable: true, description: 'The bulk send it belongs to; null for a single letter' })
  sendBatchId!: string | null;

  @Field(() => ID, { description: "The recipient in the platform's party register (the identity number itself is never returned)" })
  recipientPartyId!: string;

  @Field(() => MailDeliveryStatusEnum, { description: 'Where delivery stands; PENDING until it is done' })
  status!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why the letter ended as it did (e.g. the recipient has no digital mailbox); null when sent',
  })
  statusDetail!: string | null;

  @Field(() => String, { nullable: true, description: 'digital or paper' })
  channel!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The mailbox operator the letter went to (e.g. Kivra); null until known or when it went on paper',
  })
  mailboxOperator!: string | null;

  @Field(() => String, { nullable: true, description: "The operator's id for the delivery; null until the operator accepted it" })
  operatorTransactionId!: string | null;

  @Field(() => Int, { description: 'Delivery attempts made so far (transient faults are retried)' })
  attempts!: number;

  @Field({ description: 'When the letter was accepted' })
  createdAt!: Date;

  @Field({ description: 'When the letter or its delivery last changed' })
  updatedAt!: Date;

  @Field({ description: 'Body and attachments purged after the retention period' })
  contentPurged!: boolean;

  @Field(() => [MailAttachmentModel], {
    description: "The letter's attachments (PDF), also after its content was purged; empty when it has none",
  })
  attachments!: MailAttachmentModel[];
}

@InputType('MailLocalizedTextInput', { description: 'A text in Swedish and English' })
export class LocalizedTextInput {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@ObjectType('MailLocalizedText', { description: 'A text in Swedish and English' })
export class MailLocalizedText {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@InputType('SaveMailTemplateInput', { description: 'A letter template to save; an existing name gets a new version' })
export class SaveMailTemplateInput {
  @Field({ description: 'Lower-case a-z, 0-9 and dashes; saving again adds a version' })
  name!: string;

  @Field(() => LocalizedTextInput, { description: 'The subject line, in Swedish and English; may use {{name}} placeholders' })
  subject!: LocalizedTextInput;

  @Field(() => LocalizedTextInput, { description: 'Named placeholders: {{name}}' })
  body!: LocalizedTextInput;

  // Nullable with a default: graphql-jit (compiled operations) refuses an omitted non-null field even with a default.
  @Field(() => MailBodyFormat, { nullable: true, defaultValue: MailBodyFormat.TEXT, description: 'Plain text (default) or HTML' })
  bodyFormat?: MailBodyFormat | null;

  @Field(() => String, {
    nullable: true,
    description: "The unit whose template this is (only its case workers use it); none: the whole municipality's",
  })
  department?: string | null;
}

@ObjectType({ description: 'One version of a letter template' })
export class MailTemplate {
  @Field(() => ID, { description: 'The id of this version (UUID)' })
  id!: string;

  @Field({ description: "The template's name; every version shares it" })
  name!: string;

  @Field(() => Int, { description: 'The version number, 1 for the first; saving again adds one' })
  version!: number;

  @Field(() => String, { nullable: true, description: "The unit whose template this is; null: the whole municipality's" })
  department!: string | null;

  @Field(() => MailLocalizedText, { description: 'The subject line, in Swedish and English' })
  subject!: MailLocalizedText;

  @Field(() => MailLocalizedText, { description: 'The body with {{name}} placeholders, in Swedish and English' })
  body!: MailLocalizedText;

  @Field(() => MailBodyFormat, { description: 'Whether the body is plain text or HTML' })
  bodyFormat!: string;

  @Field(() => [String], { description: 'The placeholder names the subject and body use, each to be given a value' })
  placeholders!: string[];

  @Field({ description: 'The subject (user id) that saved this version' })
  createdBy!: string;

  @Field({ description: 'When this version was saved' })
  createdAt!: Date;
}

@ObjectType({ description: 'A template filled in with values, as a letter would read' })
export class MailTemplatePreview {
  @Field({ description: 'The subject line with the placeholders filled in' })
  subject!: string;

  @Field({ description: 'The body with the placeholders filled in' })
  body!: string;

  @Field(() => MailBodyFormat, { description: 'Whether the body is plain text or HTML' })
  bodyFormat!: string;
}

@InputType('MailTemplateRef', { description: 'A template by id (one version) or by name (with version, or the newest)' })
export class MailTemplateRef {
  @Field(() => ID, { nullable: true, description: "A template version's id; or give name" })
  id?: string;

  @Field({ nullable: true, description: "A template's name; or give id" })
  name?: string;

  @Field(() => Int, { nullable: true, description: 'Default: the newest version' })
  version?: number;
}

@InputType('MailBatchRecipientInput', { description: 'One recipient of a bulk send and the values for their letter' })
export class BatchRecipientInput {
  @Field({ description: 'Personnummer, samordningsnummer or organisationsnummer (never returned)' })
  recipient!: string;

  @Field(() => [KeyValueInput], { nullable: true, description: 'Placeholder values' })
  values?: KeyValueInput[];
}

@InputType('CreateMailSendBatchInput', {
  description: 'A bulk send: one template, many recipients (a list or a CSV), each letter filled in with its own values',
})
export class CreateSendBatchInput {
  @Field(() => MailTemplateRef, { description: 'The template the letters are made from' })
  template!: MailTemplateRef;

  @Field({ nullable: true, description: 'sv (default) or en: which language of the template is used' })
  language?: string;

  @Field({ nullable: true, description: "The unit the letters belong to; a case worker's own unit by default, and no other" })
  department?: string;

  @Field(() => SupportInfoInput, {
    nullable: true,
    description: "Overrides the department's and the municipality's contact details in every letter",
  })
  supportInfo?: SupportInfoInput;

  @Field(() => [KeyValueInput], { nullable: true, description: 'References stored with every letter of the batch, e.g. caseId' })
  externalReferences?: KeyValueInput[];

  @Field({ nullable: true, description: 'May letters go on paper when a recipient has no digital mailbox (default true)' })
  allowPaper?: boolean;

  @Field(() => [BatchRecipientInput], { nullable: true, description: 'Either recipients or csv' })
  recipients?: BatchRecipientInput[];

  @Field({ nullable: true, description: 'CSV: a recipient column and one column per placeholder; ; or , separated' })
  csv?: string;
}

@ObjectType({ description: 'A bulk send and how far it has come' })
export class MailSendBatch {
  @Field(() => ID, { description: "The batch's id (UUID)" })
  id!: string;

  @Field(() => ID, { description: 'The template version the letters were made from' })
  templateId!: string;

  @Field(() => String, { nullable: true, description: "The unit the letters belong to; null: the whole municipality's" })
  department!: string | null;

  @Field(() => Int, { description: 'Recipients in the batch' })
  total!: number;

  @Field(() => Int, { description: 'Recipients turned into letters so far' })
  accepted!: number;

  @Field(() => Int, { description: 'Letters still PENDING' })
  pending!: number;

  @Field(() => Int, { description: 'Letters SENT to a digital mailbox' })
  sentDigitally!: number;

  @Field(() => Int, { description: 'Letters SENT on paper' })
  sentOnPaper!: number;

  @Field(() => Int, { description: 'Letters that ended FAILED' })
  failed!: number;

  @Field(() => Int, { description: 'NOT_SENT, NO_CONTACT_WANTED, NO_CONTACT_SETTINGS_FOUND' })
  notDelivered!: number;

  @Field({ description: 'true when every letter of the batch has reached a final status' })
  completed!: boolean;

  @Field({ description: 'When the batch was accepted' })
  createdAt!: Date;
}

@ObjectType({ description: 'Letters of one department in one month, counted by how delivery went' })
export class MailMonthlyStatistics {
  @Field({ description: 'YYYY-MM, Europe/Stockholm' })
  month!: string;

  @Field(() => String, { nullable: true, description: 'The unit; null: letters of no unit' })
  department!: string | null;

  @Field(() => Int, { description: 'All letters accepted in the month' })
  total!: number;

  @Field(() => Int, { description: 'Letters SENT to a digital mailbox' })
  sentDigitally!: number;

  @Field(() => Int, { description: 'Letters SENT on paper' })
  sentOnPaper!: number;

  @Field(() => Int, { description: 'Letters that ended FAILED' })
  failed!: number;

  @Field(() => Int, { description: 'Letters that ended NOT_SENT, NO_CONTACT_WANTED or NO_CONTACT_SETTINGS_FOUND' })
  notDelivered!: number;

  @Field(() => Int, { description: 'Letters still PENDING' })
  pending!: number;
}
