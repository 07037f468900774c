import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

const COLUMNS = `"tenant_id", "import_id", "source_line", "external_id", "provider_id", "resident_id", "service_type", "started_at", "stopped_at", "staff_id", "verification", "billed_minutes"`;

/** Renames home_care_visit and its named indexes, so that the new table can take their names. */
const setAside = (name: string) => [
  `ALTER TABLE "home_care_visit" RENAME TO "${name}"`,
  `ALTER TABLE "${name}" RENAME CONSTRAINT "PK_home_care_visit" TO "PK_${name}"`,
  `ALTER TABLE "${name}" RENAME CONSTRAINT "UQ_home_care_visit_external" TO "UQ_${name}_external"`,
  `ALTER INDEX "IDX_home_care_visit_started" RENAME TO "IDX_${name}_started"`,
];

/** Row-level security as on every tenant table (tenantIsolationSql), for a table the functions below create. */
const isolate = (table: string) => `
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', ${table});
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', ${table});
  EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR ALL USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id())', ${table});`;

/** The current municipality's visits import (this transaction's or an earlier one), or an exception. */
const assertVisitsImport = `
  IF tenant IS NULL OR tenant IS DISTINCT FROM app_current_tenant_id() THEN
    RAISE EXCEPTION 'home care visits: % is not the municipality in context', tenant;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM home_care_import i WHERE i.tenant_id = tenant AND i.id = import AND i.kind = 'visits') THEN
    RAISE EXCEPTION 'home care visits: % is not a visits import of this municipality', import;
  END IF;`;

/**
 * Home care (issue 20, ADR 0022 third step): performed visits are stored in a table per accepted
 * file. `home_care_visit` is partitioned by municipality (tenant_id), each municipality's
 * partition by file (import_id). An import fills its file's table while it stands alone (no
 * index, no foreign key trigger: a million rows are written as in a bare COPY) and then attaches
 * it: PostgreSQL builds its indexes once, sorted, and checks its foreign keys with one join each.
 * A visit is its file and line; a visit id repeated within a file is refused by the file's unique
 * index, one repeated from an earlier file by the import's check under the municipality's lock.
 * The app role may not create or attach tables: two functions of the owner do, for the current
 * municipality's own visits import only. Existing visits move into their files' tables.
 */
export class HomeCareVisitPartitions1768000000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...setAside('home_care_visit_unpartitioned'),
      `CREATE TABLE "home_care_visit" ("tenant_id" uuid NOT NULL, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, "external_id" character varying(100) NOT NULL, "provider_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stopped_at" TIMESTAMP WITH TIME ZONE NOT NULL, "staff_id" character varying(64) NOT NULL, "verification" character varying(8) NOT NULL, "billed_minutes" integer, CONSTRAINT "UQ_home_care_visit_external" UNIQUE ("tenant_id", "external_id", "import_id"), CONSTRAINT "CHK_home_care_visit_times" CHECK (stopped_at > started_at), CONSTRAINT "CHK_home_care_visit_verification" CHECK (verification IN ('tag', 'manual')), CONSTRAINT "CHK_home_care_visit_billed" CHECK (billed_minutes IS NULL OR billed_minutes >= 0), CONSTRAINT "PK_home_care_visit" PRIMARY KEY ("tenant_id", "import_id", "source_line")) PARTITION BY LIST ("tenant_id")`,
      `CREATE INDEX "IDX_home_care_visit_started" ON "home_care_visit" ("tenant_id", "started_at")`,
      `ALTER TABLE "home_care_visit" ADD CONSTRAINT "FK_add5aac737d3b80f5608e3eb5a8" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_visit" ADD CONSTRAINT "FK_home_care_visit_import" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "home_care_import"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('home_care_visit'),
      // Rows go in through their file's table only (home_care_visit_file_table).
      grantToAppSql('home_care_visit', ['SELECT']),
      // The file's table, standing alone, with the municipality's partition made on its first file.
      `CREATE FUNCTION home_care_visit_file_table(tenant uuid, import uuid) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       DECLARE
         municipality text := 'home_care_visit_t_' || replace(tenant::text, '-', '');
         file text := 'home_care_visit_f_' || replace(import::text, '-', '');
       BEGIN
         ${assertVisitsImport}
         IF to_regclass(municipality) IS NULL THEN
           EXECUTE format('CREATE TABLE %I (LIKE home_care_visit INCLUDING CONSTRAINTS) PARTITION BY LIST (import_id)', municipality);
           ${isolate('municipality')}
           EXECUTE format('GRANT SELECT ON %I TO ${APP_ROLE}', municipality);
           -- Attached empty (not created as a partition): ATTACH takes a lock that lets other municipalities read and write on.
           EXECUTE format('ALTER TABLE home_care_visit ATTACH PARTITION %I FOR VALUES IN (%L)', municipality, tenant);
         END IF;
         -- The check names the partition's bounds, so attaching it needs no scan of the rows.
         EXECUTE format('CREATE TABLE %I (LIKE home_care_visit INCLUDING CONSTRAINTS, CONSTRAINT %I CHECK (tenant_id = %L AND import_id = %L))',
                        file, file || '_file', tenant, import);
         ${isolate('file')}
         EXECUTE format('GRANT SELECT, INSERT ON %I TO ${APP_ROLE}', file);
         RETURN file;
       END $$`,
      // The filled table joins the municipality's visits: its indexes built, its foreign keys checked as a set.
      // A million rows' index sorts fit in 256 MB (the default 64 MB spills them to disk: a third slower).
      `CREATE FUNCTION home_care_visit_attach(tenant uuid, import uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public SET maintenance_work_mem = '256MB' AS $$
       DECLARE
         municipality text := 'home_care_visit_t_' || replace(tenant::text, '-', '');
         file text := 'home_care_visit_f_' || replace(import::text, '-', '');
       BEGIN
         ${assertVisitsImport}
         EXECUTE format('REVOKE INSERT ON %I FROM ${APP_ROLE}', file);
         EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', municipality, file, import);
       END $$`,
      ...['home_care_visit_file_table', 'home_care_visit_attach'].flatMap((fn) => [
        `REVOKE ALL ON FUNCTION ${fn}(uuid, uuid) FROM PUBLIC`,
        `GRANT EXECUTE ON FUNCTION ${fn}(uuid, uuid) TO ${APP_ROLE}`,
      ]),
      // A municipality's visits are analysed, not every municipality's (ANALYZE of the parent samples them all).
      `CREATE OR REPLACE FUNCTION home_care_analyze(kind text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       DECLARE
         visits text := 'home_care_visit_t_' || replace(app_current_tenant_id()::text, '-', '');
       BEGIN
         CASE kind
           WHEN 'providers' THEN ANALYZE home_care_provider, home_care_provider_rate;
           WHEN 'decisions' THEN ANALYZE home_care_decision, home_care_decision_service;
           WHEN 'visits' THEN IF to_regclass(visits) IS NOT NULL THEN EXECUTE format('ANALYZE %I', visits); END IF;
           WHEN 'inpatient_periods' THEN ANALYZE home_care_inpatient_period;
           WHEN 'planned_visits' THEN ANALYZE home_care_planned_visit;
           WHEN 'invoices' THEN ANALYZE home_care_invoice_line;
           ELSE RAISE EXCEPTION 'home_care_analyze: unknown kind %', kind;
         END CASE;
       END $$`,
      // The visits stored so far, each file into its table, in each municipality's context (row-level security binds the owner too).
      `ALTER TABLE "home_care_visit_unpartitioned" NO FORCE ROW LEVEL SECURITY`,
      `DO $$ DECLARE f record; BEGIN
         FOR f IN SELECT DISTINCT tenant_id, import_id FROM home_care_visit_unpartitioned ORDER BY tenant_id, import_id LOOP
           PERFORM set_config('app.tenant_id', f.tenant_id::text, true);
           EXECUTE format('INSERT INTO %I (${COLUMNS}) SELECT ${COLUMNS} FROM home_care_visit_unpartitioned WHERE tenant_id = %L AND import_id = %L',
                          home_care_visit_file_table(f.tenant_id, f.import_id), f.tenant_id, f.import_id);
           PERFORM home_care_visit_attach(f.tenant_id, f.import_id);
         END LOOP;
         PERFORM set_config('app.tenant_id', '', true);
       END $$`,
      `DROP TABLE "home_care_visit_unpartitioned"`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...setAside('home_care_visit_partitioned'),
      `CREATE TABLE "home_care_visit" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "provider_id" uuid NOT NULL, "resident_id" character varying(64) NOT NULL, "service_type" character varying(32) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stopped_at" TIMESTAMP WITH TIME ZONE NOT NULL, "staff_id" character varying(64) NOT NULL, "verification" character varying(8) NOT NULL, "billed_minutes" integer, "import_id" uuid NOT NULL, "source_line" integer NOT NULL, CONSTRAINT "UQ_home_care_visit_external" UNIQUE ("tenant_id", "external_id"), CONSTRAINT "CHK_home_care_visit_times" CHECK (stopped_at > started_at), CONSTRAINT "CHK_home_care_visit_verification" CHECK (verification IN ('tag', 'manual')), CONSTRAINT "CHK_home_care_visit_billed" CHECK (billed_minutes IS NULL OR billed_minutes >= 0), CONSTRAINT "PK_home_care_visit" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_home_care_visit_started" ON "home_care_visit" ("tenant_id", "started_at")`,
      `ALTER TABLE "home_care_visit" ADD CONSTRAINT "FK_add5aac737d3b80f5608e3eb5a8" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "home_care_provider"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_visit" ADD CONSTRAINT "FK_home_care_visit_import" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "home_care_import"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "home_care_visit_partitioned" NO FORCE ROW LEVEL SECURITY`,
      `INSERT INTO "home_care_visit" (${COLUMNS}) SELECT ${COLUMNS} FROM "home_care_visit_partitioned"`,
      ...tenantIsolationSql('home_care_visit'),
      grantToAppSql('home_care_visit', ['SELECT', 'INSERT']),
      `DROP TABLE "home_care_visit_partitioned" CASCADE`,
      `DROP FUNCTION home_care_visit_attach(uuid, uuid)`,
      `DROP FUNCTION home_care_visit_file_table(uuid, uuid)`,
      `CREATE OR REPLACE FUNCTION home_care_analyze(kind text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       BEGIN
         CASE kind
           WHEN 'providers' THEN ANALYZE home_care_provider, home_care_provider_rate;
           WHEN 'decisions' THEN ANALYZE home_care_decision, home_care_decision_service;
           WHEN 'visits' THEN ANALYZE home_care_visit;
           WHEN 'inpatient_periods' THEN ANALYZE home_care_inpatient_period;
           WHEN 'planned_visits' THEN ANALYZE home_care_planned_visit;
           WHEN 'invoices' THEN ANALYZE home_care_invoice_line;
           ELSE RAISE EXCEPTION 'home_care_analyze: unknown kind %', kind;
         END CASE;
       END $$`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
