import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ModelCapability = 'chat' | 'transcription';

/**
 * A model of a municipality's registry: an OpenAI-compatible endpoint (/v1/chat/completions or
 * /v1/audio/transcriptions), where it runs and who processes the data, and the highest data class
 * it is cleared for. The credential is a reference (env:NAME), never the secret itself.
 */
@Entity({ name: 'ai_model' })
@Index('UQ_ai_model_name', ['tenantId', 'name'], { unique: true })
@Check('CHK_ai_model_capability', "capability IN ('chat', 'transcription')")
@Check('CHK_ai_model_hosting_country', "hosting_country ~ '^[A-Z]{2}$'")
export class AiModelEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_model' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_ai_model' })
  id!: string;

  /** The registry's own name for it, unique in the municipality (e.g. kb-whisper-sundsvall). */
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  capability!: ModelCapability;

  /** The endpoint's base, up to and including /v1. */
  @Column({ name: 'base_url', type: 'varchar', length: 500 })
  baseUrl!: string;

  /** The model name the provider knows (the request's `model`). */
  @Column({ name: 'provider_model', type: 'varchar', length: 200 })
  providerModel!: string;

  /** Who processes the data (the party to the data processing agreement). */
  @Column({ type: 'varchar', length: 200 })
  processor!: string;

  /** ISO 3166-1 alpha-2 country where the model runs. */
  @Column({ name: 'hosting_country', type: 'char', length: 2 })
  hostingCountry!: string;

  /** The highest data class it is cleared for (one of the municipality's classifications). */
  @Column({ name: 'cleared_for', type: 'varchar', length: 40 })
  clearedFor!: string;

  /** env:NAME: the api reads the key from that environment variable at call time. */
  @Column({ name: 'credential_ref', type: 'varchar', length: 100, nullable: true })
  credentialRef!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
