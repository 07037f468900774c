import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@kommuna/platform-persistence';

/** Row-level security as on every tenant table (tenantIsolationSql), for a table the functions below create or attach. */
const isolate = (table: string) => `
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', ${table});
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', ${table});
  EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR ALL USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id())', ${table});`;

/** The current municipality's visits import (this transaction's or an earlier one), or an exception (as in migration 1768000000100). */
const assertVisitsImport = `
  IF tenant IS NULL OR tenant IS DISTINCT FROM app_current_tenant_id() THEN
    RAISE EXCEPTION 'home care visits: % is not the municipality in context', tenant;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM home_care_import i WHERE i.tenant_id = tenant AND i.id = import AND i.kind = 'visits') THEN
    RAISE EXCEPTION 'home care visits: % is not a visits import of this municipality', import;
  END IF;`;

/** The hash of a visits import's record while its file is read (home_care_visit_file_read sets the real one). */
export const pendingFileHash = (importId: string) => `pending ${importId}`;
const PENDING_SQL = `'pending ' || import::text`;

const DECLARE = `
  DECLARE
    municipality text := 'home_care_visit_t_' || replace(tenant::text, '-', '');
    file text := 'home_care_visit_f_' || replace(import::text, '-', '');`;

/** The municipality's partition, made and attached empty on its first file (as in migration 1768000000100). */
const municipalityPartition = `
  IF to_regclass(municipality) IS NULL THEN
    EXECUTE format('CREATE TABLE %I (LIKE home_care_visit INCLUDING CONSTRAINTS) PARTITION BY LIST (import_id)', municipality);
    ${isolate('municipality')}
    EXECUTE format('GRANT SELECT ON %I TO ${APP_ROLE}', municipality);
    EXECUTE format('ALTER TABLE home_care_visit ATTACH PARTITION %I FOR VALUES IN (%L)', municipality, tenant);
  END IF;`;

/**
 * Home care (issue 20, ADR 0022 sixth step): a visits file's rows are COPYed, typed, straight into
 * the file's own table. PostgreSQL refuses COPY FROM into a table whose row-level security applies
 * to the user, so the file's table is made without it and gets it, forced, as it is attached, in
 * the same transaction: until that transaction commits no other session sees the table at all, and
 * its check constraint holds every row to the municipality and file (the policy's WITH CHECK adds
 * nothing to it). The municipality and import are the table's defaults while it is filled (the
 * process sends neither), dropped as it is attached.
 */
export class HomeCareVisitFileCopy1768000000300 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE OR REPLACE FUNCTION home_care_visit_file_table(tenant uuid, import uuid) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       ${DECLARE}
       BEGIN
         ${assertVisitsImport}
         ${municipalityPartition}
         -- The check names the partition's bounds, so attaching it needs no scan of the rows.
         EXECUTE format('CREATE TABLE %I (LIKE home_care_visit INCLUDING CONSTRAINTS, CONSTRAINT %I CHECK (tenant_id = %L AND import_id = %L))',
                        file, file || '_file', tenant, import);
         EXECUTE format('ALTER TABLE %I ALTER tenant_id SET DEFAULT %L, ALTER import_id SET DEFAULT %L', file, tenant, import);
         -- No row-level security yet: COPY FROM refuses a table with it. home_care_visit_attach adds it before this transaction ends.
         EXECUTE format('GRANT SELECT, INSERT ON %I TO ${APP_ROLE}', file);
         RETURN file;
       END $$`,
      // The filled table joins the municipality's visits: forced row-level security, its indexes built, its foreign keys checked as a set.
      `CREATE OR REPLACE FUNCTION home_care_visit_attach(tenant uuid, import uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public SET maintenance_work_mem = '256MB' AS $$
       ${DECLARE}
       BEGIN
         ${assertVisitsImport}
         EXECUTE format('REVOKE INSERT ON %I FROM ${APP_ROLE}', file);
         EXECUTE format('ALTER TABLE %I ALTER tenant_id DROP DEFAULT, ALTER import_id DROP DEFAULT', file);
         IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(file)) THEN
           ${isolate('file')}
         END IF;
         EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', municipality, file, import);
       END $$`,
      // The file's hash and rows, known once it is read whole: set once on the record made before (the app may not update records).
      `CREATE FUNCTION home_care_visit_file_read(tenant uuid, import uuid, sha256 text, rows integer) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public AS $$
       BEGIN
         ${assertVisitsImport}
         UPDATE home_care_import i SET sha256 = home_care_visit_file_read.sha256, rows = home_care_visit_file_read.rows
          WHERE i.tenant_id = tenant AND i.id = import AND i.sha256 = ${PENDING_SQL};
         IF NOT FOUND THEN
           RAISE EXCEPTION 'home care visits: % was read before', import;
         END IF;
       END $$`,
      `REVOKE ALL ON FUNCTION home_care_visit_file_read(uuid, uuid, text, integer) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION home_care_visit_file_read(uuid, uuid, text, integer) TO ${APP_ROLE}`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Migration 1768000000100's functions: the file's table made with forced row-level security (filled by INSERT).
    const statements = [
      `DROP FUNCTION home_care_visit_file_read(uuid, uuid, text, integer)`,
      `CREATE OR REPLACE FUNCTION home_care_visit_file_table(tenant uuid, import uuid) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       ${DECLARE}
       BEGIN
         ${assertVisitsImport}
         ${municipalityPartition}
         EXECUTE format('CREATE TABLE %I (LIKE home_care_visit INCLUDING CONSTRAINTS, CONSTRAINT %I CHECK (tenant_id = %L AND import_id = %L))',
                        file, file || '_file', tenant, import);
         ${isolate('file')}
         EXECUTE format('GRANT SELECT, INSERT ON %I TO ${APP_ROLE}', file);
         RETURN file;
       END $$`,
      `CREATE OR REPLACE FUNCTION home_care_visit_attach(tenant uuid, import uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public SET maintenance_work_mem = '256MB' AS $$
       ${DECLARE}
       BEGIN
         ${assertVisitsImport}
         EXECUTE format('REVOKE INSERT ON %I FROM ${APP_ROLE}', file);
         EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', municipality, file, import);
       END $$`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
