import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AiModelCapability {
  CHAT = 'chat',
  TRANSCRIPTION = 'transcription',
}
registerEnumType(AiModelCapability, {
  name: 'AiModelCapability',
  description: 'chat (/v1/chat/completions) or transcription (/v1/audio/transcriptions)',
});

export enum AiDraftStatus {
  DRAFT = 'draft',
  APPROVED = 'approved',
  REJECTED = 'rejected',
}
registerEnumType(AiDraftStatus, { name: 'AiDraftStatus' });

export enum AiDraftKind {
  CASE_SUMMARY = 'case_summary',
  CALL_NOTE = 'call_note',
}
registerEnumType(AiDraftKind, { name: 'AiDraftKind' });

@ObjectType({
  description:
    "A model of the municipality's registry: an OpenAI-compatible endpoint, where it runs and the highest data class it is cleared for",
})
export class AiModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => AiModelCapability)
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

  @Field()
  enabled!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType()
export class AiModelInput {
  @Field({ description: 'Unique in the municipality, lower-case (e.g. kb-whisper-sundsvall)' })
  name!: string;

  @Field(() => AiModelCapability)
  capability!: AiModelCapability;

  @Field()
  baseUrl!: string;

  @Field()
  providerModel!: string;

  @Field()
  processor!: string;

  @Field()
  hostingCountry!: string;

  @Field()
  clearedFor!: string;

  @Field(() => String, { nullable: true })
  credentialRef?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@InputType()
export class AiModelChangeInput {
  @Field(() => String, { nullable: true })
  baseUrl?: string | null;

  @Field(() => String, { nullable: true })
  providerModel?: string | null;

  @Field(() => String, { nullable: true })
  processor?: string | null;

  @Field(() => String, { nullable: true })
  hostingCountry?: string | null;

  @Field(() => String, { nullable: true })
  clearedFor?: string | null;

  @Field(() => String, { nullable: true })
  credentialRef?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@ObjectType({ description: 'The model a draft came from' })
export class AiDraftModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  hostingCountry!: string;

  @Field()
  processor!: string;
}

@ObjectType({ description: 'Text a model drafted for a case: AI-generated, part of the case only once a case worker approves it' })
export class AiDraft {
  @Field(() => ID)
  id!: string;

  @Field(() => AiDraftKind)
  kind!: AiDraftKind;

  @Field(() => ID)
  caseId!: string;

  @Field()
  unit!: string;

  @Field()
  dataClass!: string;

  @Field(() => AiDraftModel)
  model!: AiDraftModel;

  @Field({ description: 'Prompt template and version, e.g. case-summary@1' })
  template!: string;

  @Field({ description: 'Always true: disclose it as AI-generated' })
  aiGenerated!: boolean;

  @Field({ description: 'The disclosure to show beside the text (sv)' })
  disclosure!: string;

  @Field()
  aiText!: string;

  @Field(() => [String], { description: 'Placeholders the model mangled or invented: read with care' })
  placeholderWarnings!: string[];

  @Field(() => AiDraftStatus)
  status!: AiDraftStatus;

  @Field(() => String, { nullable: true, description: 'What the reviewer approved (with their edits)' })
  finalText!: string | null;

  @Field(() => String, { nullable: true })
  reviewedBy!: string | null;

  @Field(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Words the reviewer changed' })
  editDistance!: number | null;

  @Field(() => Int, { nullable: true })
  promptTokens!: number | null;

  @Field(() => Int, { nullable: true })
  completionTokens!: number | null;

  @Field(() => Float, { nullable: true })
  audioSeconds!: number | null;

  @Field(() => Date)
  createdAt!: Date;
}
