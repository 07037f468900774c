import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Home care (issue 20): the responsible unit's reviews of deviations (confirmed or dismissed, with
 * the reason). Tenant-owned with forced row-level security, no subject policy; append-only for the app.
 */
export class HomeCareDeviationReview1767500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "home_care_deviation_review" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "month" date NOT NULL, "run_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "rule_code" character varying(32) NOT NULL, "outcome" character varying(16) NOT NULL, "reason" text NOT NULL, "amount_sek" numeric(12,2) NOT NULL, "reviewed_by" character varying(200) NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_home_care_deviation_review_deviation" UNIQUE ("tenant_id", "month", "resident_id", "service_type", "rule_code"), CONSTRAINT "CHK_home_care_deviation_review_outcome" CHECK (outcome IN ('confirmed', 'dismissed')), CONSTRAINT "CHK_home_care_deviation_review_amount" CHECK (amount_sek >= 0), CONSTRAINT "PK_home_care_deviation_review" PRIMARY KEY ("tenant_id", "id"))`,
      `ALTER TABLE "home_care_deviation_review" ADD CONSTRAINT "FK_home_care_deviation_review_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_deviation_review" ADD CONSTRAINT "FK_home_care_deviation_review_run" FOREIGN KEY ("tenant_id", "run_id") REFERENCES "home_care_check_run"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('home_care_deviation_review'),
      grantToAppSql('home_care_deviation_review', ['SELECT', 'INSERT']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "home_care_deviation_review"`);
  }
}
