import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

const TABLES = [
  'home_care_check_line',
  'home_care_check_run',
  'home_care_visit',
  'home_care_inpatient_period',
  'home_care_decision_service',
  'home_care_decision',
  'home_care_provider_rate',
  'home_care_provider',
  'home_care_import',
];

/**
 * Home care (issue 20): imported files, providers and their rates, assistance decisions, visits,
 * inpatient periods, and the monthly check's runs and lines. Every table is tenant-owned with
 * forced row-level security and no subject policy: residents' data is read by the municipality's
 * responsible unit only, never by a citizen session.
 */
export class HomeCareTables1766400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "home_care_check_run" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "month" date NOT NULL, "rules_version" character varying(32) NOT NULL, "settings" jsonb NOT NULL, "inputs" jsonb NOT NULL, "inputs_digest" character(64) NOT NULL, "started_by" character varying(200) NOT NULL, "residents" integer NOT NULL, "residents_with_deviations" integer NOT NULL, "amount_at_stake_sek" numeric(14,2) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_home_care_check_run_inputs" UNIQUE ("tenant_id", "month", "inputs_digest"), CONSTRAINT "CHK_home_care_check_run_month" CHECK (extract(day FROM month) = 1), CONSTRAINT "PK_home_care_check_run" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "home_care_check_line" ("tenant_id" uuid NOT NULL, "run_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "figures" jsonb NOT NULL, "deviations" jsonb NOT NULL, "amount_at_stake_sek" numeric(12,2) NOT NULL, CONSTRAINT "PK_home_care_check_line" PRIMARY KEY ("tenant_id", "run_id", "resident_id", "service_type"))`,
      `CREATE TABLE "home_care_decision" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "resident_id" character varying(64) NOT NULL, "valid_from" date NOT NULL, "valid_to" date, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_decision_external" UNIQUE ("tenant_id", "external_id"), CONSTRAINT "CHK_home_care_decision_validity" CHECK (valid_to IS NULL OR valid_to >= valid_from), CONSTRAINT "PK_home_care_decision" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_home_care_decision_resident" ON "home_care_decision"  ("tenant_id", "resident_id", "valid_from") `,
      `CREATE TABLE "home_care_decision_service" ("tenant_id" uuid NOT NULL, "decision_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "granted_minutes_per_month" integer NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "CHK_home_care_decision_service_granted" CHECK (granted_minutes_per_month > 0), CONSTRAINT "PK_home_care_decision_service" PRIMARY KEY ("tenant_id", "decision_id", "service_type"))`,
      `CREATE TABLE "home_care_import" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(32) NOT NULL, "file_name" character varying(200) NOT NULL, "sha256" character(64) NOT NULL, "rows" integer NOT NULL, "imported_by" character varying(200) NOT NULL, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_home_care_import_file" UNIQUE ("tenant_id", "kind", "sha256"), CONSTRAINT "CHK_home_care_import_kind" CHECK (kind IN ('providers', 'decisions', 'visits', 'inpatient_periods')), CONSTRAINT "PK_home_care_import" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "home_care_inpatient_period" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "resident_id" character varying(64) NOT NULL, "admitted_on" date NOT NULL, "discharged_on" date, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_inpatient_period_external" UNIQUE ("tenant_id", "external_id"), CONSTRAINT "CHK_home_care_inpatient_period_dates" CHECK (discharged_on IS NULL OR discharged_on >= admitted_on), CONSTRAINT "PK_home_care_inpatient_period" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_home_care_inpatient_period_resident" ON "home_care_inpatient_period"  ("tenant_id", "resident_id") `,
      `CREATE TABLE "home_care_provider" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "name" text NOT NULL, "kind" character varying(16) NOT NULL, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_provider_code" UNIQUE ("tenant_id", "code"), CONSTRAINT "CHK_home_care_provider_kind" CHECK (kind IN ('own_unit', 'lov')), CONSTRAINT "PK_home_care_provider" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "home_care_provider_rate" ("tenant_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "valid_from" date NOT NULL, "sek_per_hour" numeric(10,2) NOT NULL, CONSTRAINT "CHK_home_care_provider_rate_positive" CHECK (sek_per_hour > 0), CONSTRAINT "PK_home_care_provider_rate" PRIMARY KEY ("tenant_id", "provider_id", "service_type", "valid_from"))`,
      `CREATE TABLE "home_care_visit" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "provider_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stopped_at" TIMESTAMP WITH TIME ZONE NOT NULL, "staff_id" character varying(64) NOT NULL, "verification" character varying(8) NOT NULL, "billed_minutes" integer, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_visit_external" UNIQUE ("tenant_id", "external_id"), CONSTRAINT "CHK_home_care_visit_times" CHECK (stopped_at > started_at), CONSTRAINT "CHK_home_care_visit_verification" CHECK (verification IN ('tag', 'manual')), CONSTRAINT "CHK_home_care_visit_billed" CHECK (billed_minutes IS NULL OR billed_minutes >= 0), CONSTRAINT "PK_home_care_visit" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_home_care_visit_started" ON "home_care_visit"  ("tenant_id", "started_at") `,
      `ALTER TABLE "home_care_check_line" ADD CONSTRAINT "FK_3e558b3c7c723fa2b94a0965d06" FOREIGN KEY ("tenant_id", "run_id") REFERENCES "home_care_check_run"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_decision_service" ADD CONSTRAINT "FK_53c823644b6da47ca52aa5e03fa" FOREIGN KEY ("tenant_id", "decision_id") REFERENCES "home_care_decision"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_provider_rate" ADD CONSTRAINT "FK_925caf9a85fa48a4c78ec341c99" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_visit" ADD CONSTRAINT "FK_add5aac737d3b80f5608e3eb5a8" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      // Every imported row names the file it came from.
      ...['home_care_provider', 'home_care_decision', 'home_care_visit', 'home_care_inpatient_period'].map(
        (table) =>
          `ALTER TABLE "${table}" ADD CONSTRAINT "FK_${table}_import" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "home_care_import"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ),
      `ALTER TABLE "home_care_import" ADD CONSTRAINT "FK_home_care_import_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_check_run" ADD CONSTRAINT "FK_home_care_check_run_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...TABLES.flatMap((table) => tenantIsolationSql(table)),
      // Imports are an append-only record (the row count is set when the file is through); a
      // providers file updates its providers and rates, and a provider turned own unit loses its
      // rates; a check run and its lines are written once, never changed (new input, new run).
      grantToAppSql('home_care_import', ['SELECT', 'INSERT']),
      `GRANT UPDATE ("rows") ON "home_care_import" TO ${APP_ROLE}`,
      grantToAppSql('home_care_provider', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('home_care_provider_rate', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
      grantToAppSql('home_care_decision', ['SELECT', 'INSERT']),
      grantToAppSql('home_care_decision_service', ['SELECT', 'INSERT']),
      grantToAppSql('home_care_visit', ['SELECT', 'INSERT']),
      grantToAppSql('home_care_inpatient_period', ['SELECT', 'INSERT']),
      grantToAppSql('home_care_check_run', ['SELECT', 'INSERT']),
      grantToAppSql('home_care_check_line', ['SELECT', 'INSERT']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
