import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Mina sidor: cases, their timelines, decisions and message threads (tenant-owned, readable by
 * their subject across municipalities), the staff read audit (tenant-only, append-only) and the
 * platform-wide representation register (no tenant: see docs/minasidor.md).
 */
export class MinasidorCases1764320000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "minasidor_case" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "errand_number" character varying(64) NOT NULL, "case_type" character varying(100) NOT NULL, "title_sv" text NOT NULL, "title_en" text NOT NULL, "subject_party_id" uuid NOT NULL, "subject_kind" character varying(16) NOT NULL, "unit" character varying(64) NOT NULL, "source" character varying(64) NOT NULL, "external_case_id" character varying(200) NOT NULL, "internal_status" character varying(64) NOT NULL, "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "whose_turn" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_minasidor_case_source" UNIQUE ("tenant_id", "source", "external_case_id"), CONSTRAINT "CHK_minasidor_case_whose_turn" CHECK (whose_turn IN ('citizen', 'municipality', 'none')), CONSTRAINT "CHK_minasidor_case_subject_kind" CHECK (subject_kind IN ('person', 'organisation')), CONSTRAINT "PK_minasidor_case" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_minasidor_case_unit" ON "minasidor_case"("tenant_id", "unit", "updated_at", "id") `,
      `CREATE INDEX "IDX_minasidor_case_subject" ON "minasidor_case"("subject_party_id", "updated_at", "id") `,
      `CREATE TABLE "minasidor_case_event" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "subject_party_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "internal_status" character varying(64), "became_current" boolean NOT NULL DEFAULT true, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "whose_turn" character varying(16), "text_sv" text, "text_en" text, "dedupe_key" character varying(300) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_minasidor_case_event_dedupe" UNIQUE ("tenant_id", "case_id", "dedupe_key"), CONSTRAINT "CHK_minasidor_case_event_whose_turn" CHECK (whose_turn IS NULL OR whose_turn IN ('citizen', 'municipality', 'none')), CONSTRAINT "PK_minasidor_case_event" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_minasidor_case_event_subject" ON "minasidor_case_event"("subject_party_id") `,
      `CREATE INDEX "IDX_minasidor_case_event_case" ON "minasidor_case_event"("tenant_id", "case_id", "occurred_at") `,
      `CREATE TABLE "minasidor_decision" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "subject_party_id" uuid NOT NULL, "external_decision_id" character varying(200) NOT NULL, "decision_type" character varying(100) NOT NULL, "outcome" character varying(16) NOT NULL, "legal_basis_sfs" character varying(20), "legal_basis_chapter" character varying(20), "legal_basis_section" character varying(20), "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_from" date, "valid_to" date, "reasons" jsonb NOT NULL DEFAULT '[]', "documents" jsonb NOT NULL DEFAULT '[]', "appeal_sv" text, "appeal_en" text, "automated" boolean NOT NULL DEFAULT false, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_minasidor_decision_external" UNIQUE ("tenant_id", "case_id", "external_decision_id"), CONSTRAINT "CHK_minasidor_decision_validity" CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from), CONSTRAINT "CHK_minasidor_decision_outcome" CHECK (outcome IN ('approval', 'rejection', 'dismissal', 'cancellation')), CONSTRAINT "PK_minasidor_decision" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_minasidor_decision_subject" ON "minasidor_decision"("subject_party_id") `,
      `CREATE INDEX "IDX_minasidor_decision_case" ON "minasidor_decision"("tenant_id", "case_id") `,
      `CREATE TABLE "minasidor_message" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "subject_party_id" uuid NOT NULL, "author" character varying(16) NOT NULL, "author_party_id" uuid, "body" text NOT NULL, "external_message_id" character varying(200), "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_minasidor_message_external" UNIQUE ("tenant_id", "case_id", "external_message_id"), CONSTRAINT "CHK_minasidor_message_author" CHECK (author IN ('citizen', 'municipality')), CONSTRAINT "PK_minasidor_message" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_minasidor_message_subject" ON "minasidor_message"("subject_party_id") `,
      `CREATE INDEX "IDX_minasidor_message_case" ON "minasidor_message"("tenant_id", "case_id", "sent_at") `,
      `CREATE TABLE "minasidor_representation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_party_id" uuid NOT NULL, "person_party_id" uuid NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "valid_to" TIMESTAMP WITH TIME ZONE, "registered_by_tenant_id" uuid NOT NULL, "registered_by" character varying(200) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_minasidor_representation_pair" UNIQUE ("organisation_party_id", "person_party_id"), CONSTRAINT "CHK_minasidor_representation_period" CHECK (valid_to IS NULL OR valid_to > valid_from), CONSTRAINT "PK_minasidor_representation" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_minasidor_representation_person" ON "minasidor_representation"("person_party_id") `,
      `CREATE TABLE "minasidor_staff_case_read" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "staff_subject" character varying(200) NOT NULL, "staff_unit" character varying(64), "read_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_minasidor_staff_case_read" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_minasidor_staff_case_read_case" ON "minasidor_staff_case_read"("tenant_id", "case_id", "read_at") `,
      `ALTER TABLE "minasidor_case" ADD CONSTRAINT "FK_minasidor_case_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_case" ADD CONSTRAINT "FK_minasidor_case_subject" FOREIGN KEY ("subject_party_id") REFERENCES "party"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_case_event" ADD CONSTRAINT "FK_57d3d3f10243d4f08316cc50599" FOREIGN KEY ("tenant_id", "case_id") REFERENCES "minasidor_case"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_decision" ADD CONSTRAINT "FK_3a635375f49e3189e0702405e2d" FOREIGN KEY ("tenant_id", "case_id") REFERENCES "minasidor_case"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_message" ADD CONSTRAINT "FK_08b7d946ae368b49b98c74e91ac" FOREIGN KEY ("tenant_id", "case_id") REFERENCES "minasidor_case"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "FK_minasidor_representation_organisation" FOREIGN KEY ("organisation_party_id") REFERENCES "party"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "FK_minasidor_representation_person" FOREIGN KEY ("person_party_id") REFERENCES "party"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "minasidor_staff_case_read" ADD CONSTRAINT "FK_8d52c5ade9a659e210644af0d23" FOREIGN KEY ("tenant_id", "case_id") REFERENCES "minasidor_case"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      // Citizen-visible: the subject reads their own rows in every municipality, writes nothing.
      ...tenantIsolationSql('minasidor_case', { subjectColumn: 'subject_party_id' }),
      ...tenantIsolationSql('minasidor_case_event', { subjectColumn: 'subject_party_id' }),
      ...tenantIsolationSql('minasidor_decision', { subjectColumn: 'subject_party_id' }),
      ...tenantIsolationSql('minasidor_message', { subjectColumn: 'subject_party_id' }),
      ...tenantIsolationSql('minasidor_staff_case_read'),
      // Cases are never deleted by the app; timeline entries and decisions are history, never
      // changed; messages change only their read marker; staff reads are an append-only audit.
      grantToAppSql('minasidor_case', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('minasidor_case_event', ['SELECT', 'INSERT']),
      grantToAppSql('minasidor_decision', ['SELECT', 'INSERT']),
      grantToAppSql('minasidor_message', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('minasidor_staff_case_read', ['SELECT', 'INSERT']),
      grantToAppSql('minasidor_representation', ['SELECT', 'INSERT', 'UPDATE']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'minasidor_staff_case_read',
      'minasidor_representation',
      'minasidor_message',
      'minasidor_decision',
      'minasidor_case_event',
      'minasidor_case',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
