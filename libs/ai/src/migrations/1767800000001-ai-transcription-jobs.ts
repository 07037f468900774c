import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, OWNER_ROLE, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Long call recordings are transcribed by the worker: a draft may be pending (waiting) or failed
 * (the models failed after the retries, no text), and ai_transcription_job is the queue (tenant-only,
 * forced RLS). ai_tenants_with_due_transcriptions lets the worker find the municipalities with due
 * jobs without reading any of them (SECURITY DEFINER: ids only).
 */
export class AiTranscriptionJobs1767800000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE "ai_draft" DROP CONSTRAINT "CHK_ai_draft_status"`,
      `ALTER TABLE "ai_draft" DROP CONSTRAINT "CHK_ai_draft_review"`,
      `ALTER TABLE "ai_draft" ADD CONSTRAINT "CHK_ai_draft_status" CHECK (status IN ('pending', 'draft', 'failed', 'approved', 'rejected'))`,
      `ALTER TABLE "ai_draft" ADD CONSTRAINT "CHK_ai_draft_review" CHECK ((status IN ('pending', 'draft', 'failed')) = (reviewed_at IS NULL))`,
      `ALTER TABLE "ai_draft" ADD "failure" text`,
      `CREATE TABLE "ai_transcription_job" ("tenant_id" uuid NOT NULL, "draft_id" uuid NOT NULL, "transcriber_id" uuid NOT NULL, "purpose" character varying(200) NOT NULL, "case_type" character varying(200) NOT NULL, "parties" jsonb NOT NULL, "claim_id" uuid, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT 0, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ai_transcription_job" PRIMARY KEY ("tenant_id", "draft_id"))`,
      `CREATE INDEX "IDX_ai_transcription_job_due" ON "ai_transcription_job" ("tenant_id", "next_attempt_at") `,
      `ALTER TABLE "ai_transcription_job" ADD CONSTRAINT "FK_ai_transcription_job_draft" FOREIGN KEY ("tenant_id", "draft_id") REFERENCES "ai_draft"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      ...tenantIsolationSql('ai_transcription_job'),
      grantToAppSql('ai_transcription_job', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
      // The owner (who runs the SECURITY DEFINER function) is bound by FORCE'd RLS too: this policy
      // lets it see which tenants have queued recordings; the function returns only their ids.
      `CREATE POLICY ai_transcription_due_scan ON "ai_transcription_job" FOR SELECT TO ${OWNER_ROLE} USING (true)`,
      `CREATE FUNCTION ai_tenants_with_due_transcriptions(at timestamptz) RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT t.id FROM tenant t WHERE (SELECT true FROM ai_transcription_job j WHERE j.tenant_id = t.id AND j.next_attempt_at <= at LIMIT 1) $$`,
      `REVOKE ALL ON FUNCTION ai_tenants_with_due_transcriptions(timestamptz) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION ai_tenants_with_due_transcriptions(timestamptz) TO ${APP_ROLE}`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION ai_tenants_with_due_transcriptions(timestamptz)`);
    await queryRunner.query(`DROP TABLE "ai_transcription_job"`);
    await queryRunner.query(`DELETE FROM "ai_draft" WHERE status IN ('pending', 'failed')`);
    await queryRunner.query(`ALTER TABLE "ai_draft" DROP COLUMN "failure"`);
    await queryRunner.query(`ALTER TABLE "ai_draft" DROP CONSTRAINT "CHK_ai_draft_status"`);
    await queryRunner.query(`ALTER TABLE "ai_draft" DROP CONSTRAINT "CHK_ai_draft_review"`);
    await queryRunner.query(
      `ALTER TABLE "ai_draft" ADD CONSTRAINT "CHK_ai_draft_status" CHECK (status IN ('draft', 'approved', 'rejected'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "ai_draft" ADD CONSTRAINT "CHK_ai_draft_review" CHECK ((status = 'draft') = (reviewed_at IS NULL))`,
    );
  }
}
