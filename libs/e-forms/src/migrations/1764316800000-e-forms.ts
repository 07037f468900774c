import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * The e-forms tables. Every table but eforms_template is tenant-owned (PK (tenant_id, id), RLS);
 * the citizen-visible ones (draft, attachment, submission, decision) are also readable by their
 * subject across municipalities. Published form versions are immutable: a trigger allows only
 * published → retired, and decisions are never updated or deleted (no grant).
 */
export class EForms1764316800000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "eforms_form" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(60) NOT NULL, "unit" character varying(60) NOT NULL, "template_publisher_tenant_id" uuid, "template_slug" character varying(60), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_eforms_form_slug" UNIQUE ("tenant_id", "slug"), CONSTRAINT "PK_ce87f9914437d3e4ead473eb347" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "eforms_form_version" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "form_id" uuid NOT NULL, "major" integer NOT NULL, "minor" integer NOT NULL, "changelog" text NOT NULL, "status" character varying(16) NOT NULL, "definition" jsonb NOT NULL, "template_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_eforms_form_version_number" UNIQUE ("tenant_id", "form_id", "major", "minor"), CONSTRAINT "CHK_eforms_form_version_number" CHECK (major >= 1 AND minor >= 0), CONSTRAINT "CHK_eforms_form_version_status" CHECK (status IN ('draft', 'published', 'retired')), CONSTRAINT "PK_3f00f81c6d304a97847fe6c5634" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "eforms_submission" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "form_id" uuid NOT NULL, "form_version_id" uuid NOT NULL, "subject_party_id" uuid, "subject_kind" character varying(16), "data" jsonb NOT NULL, "errand_number" character varying(32) NOT NULL, "idempotency_key" character varying(100) NOT NULL, "payload_hash" character(64) NOT NULL, "status" character varying(32) NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completion_message" jsonb, "completion_requested_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_eforms_submission_errand_number" UNIQUE ("tenant_id", "errand_number"), CONSTRAINT "CHK_eforms_submission_status" CHECK (status IN ('received', 'manual_handling', 'completion_requested', 'decided')), CONSTRAINT "PK_c72a5a78fdce33cafcff1d2efbd" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_eforms_submission_subject" ON "eforms_submission" ("subject_party_id")`,
      `CREATE UNIQUE INDEX "UQ_eforms_submission_idempotency_anonymous" ON "eforms_submission" ("tenant_id", "idempotency_key") WHERE subject_party_id IS NULL`,
      `CREATE UNIQUE INDEX "UQ_eforms_submission_idempotency" ON "eforms_submission" ("tenant_id", "subject_party_id", "idempotency_key") WHERE subject_party_id IS NOT NULL`,
      `CREATE TABLE "eforms_attachment" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "draft_id" uuid, "submission_id" uuid, "subject_party_id" uuid NOT NULL, "field" character varying(64) NOT NULL, "file_name" character varying(200) NOT NULL, "content_type" character varying(50) NOT NULL, "size_bytes" integer NOT NULL, "sha256" character(64) NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_eforms_attachment_size" CHECK (size_bytes = octet_length(content)), CONSTRAINT "CHK_eforms_attachment_type" CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')), CONSTRAINT "PK_edae869dcacc404b6652dade29f" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_eforms_attachment_subject" ON "eforms_attachment" ("subject_party_id")`,
      `CREATE INDEX "IDX_eforms_attachment_draft" ON "eforms_attachment" ("tenant_id", "draft_id")`,
      `CREATE TABLE "eforms_decision" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "submission_id" uuid NOT NULL, "subject_party_id" uuid, "outcome" character varying(16) NOT NULL, "automated" boolean NOT NULL, "reasons" jsonb NOT NULL, "legal_basis" jsonb, "decided_by" character varying(200), "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_eforms_decision_submission" UNIQUE ("tenant_id", "submission_id"), CONSTRAINT "CHK_eforms_decision_outcome" CHECK (outcome IN ('approve', 'reject')), CONSTRAINT "PK_60234d3a9dde297bf6b9a65d639" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "eforms_draft" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "form_version_id" uuid NOT NULL, "subject_party_id" uuid NOT NULL, "data" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_4bf677e72d2b3abcbe774f29027" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_eforms_draft_subject" ON "eforms_draft" ("subject_party_id")`,
      `CREATE TABLE "eforms_errand_counter" ("tenant_id" uuid NOT NULL, "prefix" character varying(6) NOT NULL, "year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_86f68d2dcaf4c4455ccfe10c73a" PRIMARY KEY ("tenant_id", "prefix", "year"))`,
      `CREATE TABLE "eforms_template" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "publisher_tenant_id" uuid NOT NULL, "slug" character varying(60) NOT NULL, "major" integer NOT NULL, "minor" integer NOT NULL, "unit" character varying(60) NOT NULL, "changelog" text NOT NULL, "definition" jsonb NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_eforms_template_version" UNIQUE ("publisher_tenant_id", "slug", "major", "minor"), CONSTRAINT "PK_dfed9ab4b4ab2e94754d1622fab" PRIMARY KEY ("id"))`,
      `ALTER TABLE "eforms_form" ADD CONSTRAINT "FK_eforms_form_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_form_version" ADD CONSTRAINT "FK_eforms_form_version_form" FOREIGN KEY ("tenant_id", "form_id") REFERENCES "eforms_form"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_submission" ADD CONSTRAINT "FK_eforms_submission_version" FOREIGN KEY ("tenant_id", "form_version_id") REFERENCES "eforms_form_version"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_attachment" ADD CONSTRAINT "FK_eforms_attachment_submission" FOREIGN KEY ("tenant_id", "submission_id") REFERENCES "eforms_submission"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_decision" ADD CONSTRAINT "FK_eforms_decision_submission" FOREIGN KEY ("tenant_id", "submission_id") REFERENCES "eforms_submission"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_draft" ADD CONSTRAINT "FK_eforms_draft_version" FOREIGN KEY ("tenant_id", "form_version_id") REFERENCES "eforms_form_version"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_errand_counter" ADD CONSTRAINT "FK_eforms_errand_counter_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "eforms_template" ADD CONSTRAINT "FK_eforms_template_publisher" FOREIGN KEY ("publisher_tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,

      // Row-level security and the least the app role needs.
      ...tenantIsolationSql('eforms_form'),
      grantToAppSql('eforms_form', ['SELECT', 'INSERT', 'UPDATE']),
      ...tenantIsolationSql('eforms_form_version'),
      grantToAppSql('eforms_form_version', ['SELECT', 'INSERT', 'UPDATE']),
      ...tenantIsolationSql('eforms_draft', { subjectColumn: 'subject_party_id' }),
      grantToAppSql('eforms_draft', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
      ...tenantIsolationSql('eforms_attachment', { subjectColumn: 'subject_party_id' }),
      grantToAppSql('eforms_attachment', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
      ...tenantIsolationSql('eforms_submission', { subjectColumn: 'subject_party_id' }),
      grantToAppSql('eforms_submission', ['SELECT', 'INSERT', 'UPDATE']),
      ...tenantIsolationSql('eforms_decision', { subjectColumn: 'subject_party_id' }),
      grantToAppSql('eforms_decision', ['SELECT', 'INSERT']),
      ...tenantIsolationSql('eforms_errand_counter'),
      grantToAppSql('eforms_errand_counter', ['SELECT', 'INSERT', 'UPDATE']),

      // Templates are a deliberate publication to every member: all may read, only the
      // publishing municipality (in its own tenant context) may add, nobody may change one.
      `ALTER TABLE "eforms_template" ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE "eforms_template" FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY template_read ON "eforms_template" FOR SELECT USING (true)`,
      `CREATE POLICY template_publish ON "eforms_template" FOR INSERT WITH CHECK (publisher_tenant_id = app_current_tenant_id())`,
      grantToAppSql('eforms_template', ['SELECT', 'INSERT']),

      `CREATE FUNCTION eforms_form_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD.status <> 'draft' THEN
             RAISE EXCEPTION 'form version % is %: only a draft version can be deleted', OLD.id, OLD.status USING ERRCODE = 'check_violation';
           END IF;
           RETURN OLD;
         END IF;
         IF OLD.status = 'draft' THEN
           RETURN NEW;
         END IF;
         IF NEW.definition IS DISTINCT FROM OLD.definition OR NEW.changelog IS DISTINCT FROM OLD.changelog
            OR NEW.major <> OLD.major OR NEW.minor <> OLD.minor OR NEW.form_id <> OLD.form_id OR NEW.tenant_id <> OLD.tenant_id
            OR NEW.template_id IS DISTINCT FROM OLD.template_id OR NEW.published_at IS DISTINCT FROM OLD.published_at
            OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'retired')) THEN
           RAISE EXCEPTION 'form version % is %: it is immutable (only published -> retired is allowed)', OLD.id, OLD.status USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER eforms_form_version_immutable BEFORE UPDATE OR DELETE ON "eforms_form_version" FOR EACH ROW EXECUTE FUNCTION eforms_form_version_guard()`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'eforms_decision',
      'eforms_attachment',
      'eforms_draft',
      'eforms_submission',
      'eforms_errand_counter',
      'eforms_form_version',
      'eforms_form',
      'eforms_template',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION eforms_form_version_guard()`);
  }
}
