import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * The AI platform: each municipality's model registry, the drafts models wrote for its cases and
 * the call recordings behind draft notes. All tenant-only (forced RLS); models are disabled rather
 * than deleted (drafts and the audit trail name them), drafts are reviewed rather than deleted, and
 * recordings are deleted once their note is reviewed.
 */
export class AiPlatform1767000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "ai_model" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "capability" character varying(16) NOT NULL, "base_url" character varying(500) NOT NULL, "provider_model" character varying(200) NOT NULL, "processor" character varying(200) NOT NULL, "hosting_country" character(2) NOT NULL, "cleared_for" character varying(40) NOT NULL, "credential_ref" character varying(100), "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_ai_model_hosting_country" CHECK (hosting_country ~ '^[A-Z]{2}$'), CONSTRAINT "CHK_ai_model_capability" CHECK (capability IN ('chat', 'transcription')), CONSTRAINT "PK_ai_model" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE UNIQUE INDEX "UQ_ai_model_name" ON "ai_model"  ("tenant_id", "name") `,
      `CREATE TABLE "ai_draft" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "case_id" uuid NOT NULL, "unit" character varying(64) NOT NULL, "data_class" character varying(40) NOT NULL, "model_id" uuid NOT NULL, "template" character varying(60) NOT NULL, "requested_by" character varying(200) NOT NULL, "ai_text" text NOT NULL, "placeholder_warnings" jsonb NOT NULL DEFAULT '[]', "prompt_tokens" integer, "completion_tokens" integer, "audio_seconds" numeric(10,2), "status" character varying(16) NOT NULL DEFAULT 'draft', "final_text" text, "reviewed_by" character varying(200), "reviewed_at" TIMESTAMP WITH TIME ZONE, "edit_distance" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_ai_draft_review" CHECK ((status = 'draft') = (reviewed_at IS NULL)), CONSTRAINT "CHK_ai_draft_status" CHECK (status IN ('draft', 'approved', 'rejected')), CONSTRAINT "CHK_ai_draft_kind" CHECK (kind IN ('case_summary', 'call_note')), CONSTRAINT "PK_ai_draft" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_ai_draft_case" ON "ai_draft"  ("tenant_id", "case_id", "created_at") `,
      `CREATE TABLE "ai_audio" ("tenant_id" uuid NOT NULL, "draft_id" uuid NOT NULL, "media_type" character varying(100) NOT NULL, "content" bytea NOT NULL, CONSTRAINT "PK_ai_audio" PRIMARY KEY ("tenant_id", "draft_id"))`,
      `ALTER TABLE "ai_draft" ADD CONSTRAINT "FK_8906105872257975f37fd408bad" FOREIGN KEY ("tenant_id", "model_id") REFERENCES "ai_model"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "ai_audio" ADD CONSTRAINT "FK_8b8de6b1793eb041c8150dc7cec" FOREIGN KEY ("tenant_id", "draft_id") REFERENCES "ai_draft"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      ...tenantIsolationSql('ai_model'),
      ...tenantIsolationSql('ai_draft'),
      ...tenantIsolationSql('ai_audio'),
      grantToAppSql('ai_model', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('ai_draft', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('ai_audio', ['SELECT', 'INSERT', 'DELETE']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ai_audio', 'ai_draft', 'ai_model']) await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
