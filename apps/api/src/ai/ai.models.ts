import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AiModelCapability {
  CHAT = 'chat',
  TRANSCRIPTION = 'transcription',
}
registerEnumType(AiModelCapability, {
  name: 'AiModelCapability',
  description: 'chat (/v1/chat/completions) or transcription (/v1/audio/transcriptions)',
  valuesMap: {
    CHAT: { description: 'Chat completions (/v1/chat/completions)' },
    TRANSCRIPTION: { description: 'Speech to text (/v1/audio/transcriptions)' },
  },
});

export enum AiDraftStatus {
  PENDING = 'pending',
  DRAFT = 'draft',
  FAILED = 'failed',
  APPROVED = 'approved',
  REJECTED = 'rejected',
}
registerEnumType(AiDraftStatus, {
  name: 'AiDraftStatus',
  valuesMap: {
    APPROVED: { description: 'A case worker approved it (with their edits, finalText): part of the case' },
    DRAFT: { description: "Waiting for a case worker's review" },
    FAILED: { description: 'The models failed on a long recording after the retries: no text, the recording deleted (see failure)' },
    PENDING: { description: 'A long recording the worker is still transcribing: no text yet; ask again later' },
    REJECTED: { description: 'A case worker rejected it: not part of the case' },
  },
  description: 'Where a draft stands: only an approved one is part of the case',
});

export enum AiDraftKind {
  CASE_SUMMARY = 'case_summary',
  CALL_NOTE = 'call_note',
}
registerEnumType(AiDraftKind, {
  name: 'AiDraftKind',
  valuesMap: {
    CALL_NOTE: { description: 'A note of a telephone call, from a transcribed recording' },
    CASE_SUMMARY: { description: "A summary of a case's submissions, messages and decisions" },
  },
  description: 'What a draft is of',
});

@ObjectType({
  description:
    "A model of the municipality's registry: an OpenAI-compatible endpoint, where it runs and the highest data class it is cleared for",
})
export class AiModel {
  @Field(() => ID, { description: "The model's id (UUID)" })
  id!: string;

  @Field({ description: 'Unique in the municipality, lower-case' })
  name!: string;

  @Field(() => AiModelCapability, { description: 'What the endpoint does: chat or transcription' })
  capability!: AiModelCapability;

  @Field({ description: 'The endpoint base, ending in /v1' })
  baseUrl!: string;

  @Field({ description: 'The model name the provider knows' })
  providerModel!: string;

  @Field({ description: 'Who processes the data (the data processing agreement)' })
  processor!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country the model runs in' })
  hostingCountry!: string;

  @Field({ description: 'The highest data class it may receive' })
  clearedFor!: string;

  @Field(() => String, { nullable: true, description: 'env:NAME: where the api reads the key (never the key)' })
  credentialRef!: string | null;

  @Field({ description: 'false: never routed to' })
  enabled!: boolean;

  @Field(() => Date, { description: 'When the model was registered' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the model was last changed' })
  updatedAt!: Date;
}

@InputType({ description: "A model to register in the municipality's registry" })
export class AiModelInput {
  @Field({ description: 'Unique in the municipality, lower-case (e.g. kb-whisper-sundsvall)' })
  name!: string;

  @Field(() => AiModelCapability, { description: 'What the endpoint does: chat or transcription' })
  capability!: AiModelCapability;

  @Field({ description: 'The endpoint base, ending in /v1' })
  baseUrl!: string;

  @Field({ description: 'The model name the provider knows' })
  providerModel!: string;

  @Field({ description: 'Who processes the data (the data processing agreement)' })
  processor!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country the model runs in' })
  hostingCountry!: string;

  @Field({ description: "The highest data class it may receive (one of the municipality's classifications)" })
  clearedFor!: string;

  @Field(() => String, { nullable: true, description: 'env:NAME: where the api reads the key (never the key); null: no key' })
  credentialRef?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false: registered but never routed to (default true)' })
  enabled?: boolean | null;
}

@InputType({ description: 'What to change in a registered model; a field left null is kept' })
export class AiModelChangeInput {
  @Field(() => String, { nullable: true, description: 'The endpoint base, ending in /v1' })
  baseUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'The model name the provider knows' })
  providerModel?: string | null;

  @Field(() => String, { nullable: true, description: 'Who processes the data (the data processing agreement)' })
  processor?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country the model runs in' })
  hostingCountry?: string | null;

  @Field(() => String, { nullable: true, description: "The highest data class it may receive (one of the municipality's classifications)" })
  clearedFor?: string | null;

  @Field(() => String, { nullable: true, description: 'env:NAME: where the api reads the key (never the key)' })
  credentialRef?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false: never routed to' })
  enabled?: boolean | null;
}

@ObjectType({ description: 'The model a draft came from' })
export class AiDraftModel {
  @Field(() => ID, { description: "The model's id in the municipality's registry" })
  id!: string;

  @Field({ description: "The model's name in the registry" })
  name!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country the model runs in' })
  hostingCountry!: string;

  @Field({ description: 'Who processes the data (the data processing agreement)' })
  processor!: string;
}

@ObjectType({ description: 'Text a model drafted for a case: AI-generated, part of the case only once a case worker approves it' })
export class AiDraft {
  @Field(() => ID, { description: "The draft's id (UUID)" })
  id!: string;

  @Field(() => AiDraftKind, { description: 'Case summary or call note' })
  kind!: AiDraftKind;

  @Field(() => ID, { description: 'The case the draft is for' })
  caseId!: string;

  @Field({ description: 'The unit the case belongs to' })
  unit!: string;

  @Field({ description: "The data class of the case's unit, which the model was cleared for" })
  dataClass!: string;

  @Field(() => AiDraftModel, { description: 'The chat model that wrote the text' })
  model!: AiDraftModel;

  @Field({ description: 'Prompt template and version, e.g. case-summary@1' })
  template!: string;

  @Field({ description: 'Always true: disclose it as AI-generated' })
  aiGenerated!: boolean;

  @Field({ description: 'The disclosure to show beside the text (sv)' })
  disclosure!: string;

  @Field({ description: 'The text as the model wrote it (names restored from the pseudonyms)' })
  aiText!: string;

  @Field(() => [String], { description: 'Placeholders the model mangled or invented: read with care' })
  placeholderWarnings!: string[];

  @Field(() => AiDraftStatus, { description: 'Draft, approved (part of the case) or rejected' })
  status!: AiDraftStatus;

  @Field(() => String, { nullable: true, description: 'What the reviewer approved (with their edits)' })
  finalText!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The subject (user id) of the case worker who approved or rejected it; null while a draft',
  })
  reviewedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was approved or rejected; null while a draft' })
  reviewedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Words the reviewer changed' })
  editDistance!: number | null;

  @Field(() => Int, { nullable: true, description: 'Tokens sent to the model, as the endpoint reported; null when it did not' })
  promptTokens!: number | null;

  @Field(() => Int, { nullable: true, description: 'Tokens the model produced, as the endpoint reported; null when it did not' })
  completionTokens!: number | null;

  @Field(() => Float, { nullable: true, description: 'Length of the transcribed recording in seconds; null for a case summary' })
  audioSeconds!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the draft failed (status FAILED); null otherwise' })
  failure!: string | null;

  @Field(() => Date, { description: 'When the draft was made' })
  createdAt!: Date;
}
