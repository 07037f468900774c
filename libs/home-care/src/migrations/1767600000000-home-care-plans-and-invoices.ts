import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

const TABLES = ['home_care_check_invoice', 'home_care_invoice_line', 'home_care_planned_visit'];

/**
 * Home care (issue 20): planned visits and LOV providers' invoice lines as imports, and a run's
 * check of each provider's invoiced month. Tenant-owned with forced row-level security, no subject
 * policy; imported rows and check results are written once (the app may read and add).
 */
export class HomeCarePlansAndInvoices1767600000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE "home_care_import" DROP CONSTRAINT "CHK_home_care_import_kind"`,
      `ALTER TABLE "home_care_import" ADD CONSTRAINT "CHK_home_care_import_kind" CHECK (kind IN ('providers', 'decisions', 'visits', 'inpatient_periods', 'planned_visits', 'invoices'))`,
      `CREATE TABLE "home_care_planned_visit" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "provider_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "planned_start" TIMESTAMP WITH TIME ZONE NOT NULL, "planned_stop" TIMESTAMP WITH TIME ZONE NOT NULL, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_planned_visit_external" UNIQUE ("tenant_id", "external_id"), CONSTRAINT "CHK_home_care_planned_visit_times" CHECK (planned_stop > planned_start), CONSTRAINT "PK_home_care_planned_visit" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_home_care_planned_visit_start" ON "home_care_planned_visit"  ("tenant_id", "planned_start") `,
      `CREATE TABLE "home_care_invoice_line" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "invoice" character varying(100) NOT NULL, "provider_id" uuid NOT NULL, "month" date NOT NULL, "service_type" character varying(32) NOT NULL, "invoiced_minutes" integer NOT NULL, "amount_sek" numeric(12,2) NOT NULL, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_invoice_line" UNIQUE ("tenant_id", "invoice", "service_type"), CONSTRAINT "CHK_home_care_invoice_line_month" CHECK (extract(day FROM month) = 1), CONSTRAINT "CHK_home_care_invoice_line_figures" CHECK (invoiced_minutes >= 0 AND amount_sek >= 0), CONSTRAINT "PK_home_care_invoice_line" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "home_care_check_invoice" ("tenant_id" uuid NOT NULL, "run_id" uuid NOT NULL, "provider" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "figures" jsonb NOT NULL, "deviations" jsonb NOT NULL, "amount_at_stake_sek" numeric(12,2) NOT NULL, CONSTRAINT "PK_home_care_check_invoice" PRIMARY KEY ("tenant_id", "run_id", "provider", "service_type"))`,
      `ALTER TABLE "home_care_planned_visit" ADD CONSTRAINT "FK_home_care_planned_visit_provider" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_planned_visit" ADD CONSTRAINT "FK_home_care_planned_visit_import" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "home_care_import"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_invoice_line" ADD CONSTRAINT "FK_home_care_invoice_line_provider" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_invoice_line" ADD CONSTRAINT "FK_home_care_invoice_line_import" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "home_care_import"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_check_invoice" ADD CONSTRAINT "FK_home_care_check_invoice_run" FOREIGN KEY ("tenant_id", "run_id") REFERENCES "home_care_check_run"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      ...TABLES.flatMap((table) => tenantIsolationSql(table)),
      ...TABLES.map((table) => grantToAppSql(table, ['SELECT', 'INSERT'])),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`DROP TABLE "${table}"`);
    await queryRunner.query(`ALTER TABLE "home_care_import" DROP CONSTRAINT "CHK_home_care_import_kind"`);
    await queryRunner.query(
      `ALTER TABLE "home_care_import" ADD CONSTRAINT "CHK_home_care_import_kind" CHECK (kind IN ('providers', 'decisions', 'visits', 'inpatient_periods'))`,
    );
  }
}
