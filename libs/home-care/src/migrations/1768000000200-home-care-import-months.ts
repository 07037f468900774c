import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@kommuna/platform-persistence';

/** The current municipality's visits import, or an exception (as in migration 1768000000100). */
const assertVisitsImport = (variable: string) => `
  IF tenant IS NULL OR tenant IS DISTINCT FROM app_current_tenant_id() THEN
    RAISE EXCEPTION 'home care visits: % is not the municipality in context', tenant;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM home_care_import i WHERE i.tenant_id = tenant AND i.id = ${variable} AND i.kind = 'visits') THEN
    RAISE EXCEPTION 'home care visits: % is not a visits import of this municipality', ${variable};
  END IF;`;

/** Detaches a file's table from the municipality's visits when it is attached. */
const detachIfAttached = `
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(file)) THEN
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', municipality, file);
  END IF;`;

const DECLARE = (variable: string) => `
  DECLARE
    municipality text := 'home_care_visit_t_' || replace(tenant::text, '-', '');
    file text := 'home_care_visit_f_' || replace(${variable}::text, '-', '');`;

/**
 * Home care (issue 20, ADR 0022 fourth step): an import names the month its file belongs to; a
 * visits file replaces the visits import of the same month in force (its table is detached in
 * the replacing import's transaction), and a retention task drops the tables of replaced files
 * and of files older than the municipality's retention. The import's record stays (who, when,
 * which file, how many rows), marked replaced or dropped; such a file may be imported again.
 */
export class HomeCareImportMonths1768000000200 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE "home_care_import" ADD "month" date`,
      `ALTER TABLE "home_care_import" ADD "replaced_by" uuid`,
      `ALTER TABLE "home_care_import" ADD "dropped_at" TIMESTAMP WITH TIME ZONE`,
      `ALTER TABLE "home_care_import" ADD CONSTRAINT "CHK_home_care_import_month" CHECK (month = date_trunc('month', month)::date)`,
      `ALTER TABLE "home_care_import" DROP CONSTRAINT "UQ_home_care_import_file"`,
      `CREATE UNIQUE INDEX "UQ_home_care_import_file" ON "home_care_import" ("tenant_id", "kind", "sha256") WHERE replaced_by IS NULL AND dropped_at IS NULL`,
      // The import in force for a municipality's kind and month.
      `CREATE INDEX "IDX_home_care_import_month" ON "home_care_import" ("tenant_id", "kind", "month") WHERE replaced_by IS NULL AND dropped_at IS NULL`,
      // The earlier visits file of the month leaves the municipality's visits: marked replaced and detached (dropped later).
      `CREATE FUNCTION home_care_visit_replace(tenant uuid, import uuid, replacement uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public AS $$
       ${DECLARE('import')}
       BEGIN
         ${assertVisitsImport('import')}
         IF replacement IS NULL OR replacement = import THEN
           RAISE EXCEPTION 'home care visits: % cannot replace %', replacement, import;
         END IF;
         UPDATE home_care_import SET replaced_by = replacement WHERE tenant_id = tenant AND id = import;
         ${detachIfAttached}
       END $$`,
      // A file's rows go (its table detached if need be and dropped); the record of its import stays, marked.
      `CREATE FUNCTION home_care_visit_drop(tenant uuid, import uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
         SET search_path = public AS $$
       ${DECLARE('import')}
       BEGIN
         ${assertVisitsImport('import')}
         ${detachIfAttached}
         IF to_regclass(file) IS NOT NULL THEN
           EXECUTE format('DROP TABLE %I', file);
         END IF;
         UPDATE home_care_import SET dropped_at = now() WHERE tenant_id = tenant AND id = import AND dropped_at IS NULL;
       END $$`,
      ...['home_care_visit_replace(uuid, uuid, uuid)', 'home_care_visit_drop(uuid, uuid)'].flatMap((fn) => [
        `REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`,
        `GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`,
      ]),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `DROP FUNCTION home_care_visit_drop(uuid, uuid)`,
      `DROP FUNCTION home_care_visit_replace(uuid, uuid, uuid)`,
      `DROP INDEX "IDX_home_care_import_month"`,
      `DROP INDEX "UQ_home_care_import_file"`,
      // Before this migration a file had one import: of the imports of one file (a replaced or dropped file imported again),
      // the one in force stays, else the latest; the others go, with their visits' tables (out of force: detached or dropped).
      `ALTER TABLE "home_care_import" NO FORCE ROW LEVEL SECURITY`,
      `CREATE TEMP TABLE home_care_import_superseded AS
         SELECT tenant_id, id FROM home_care_import WHERE id NOT IN (
           SELECT DISTINCT ON (tenant_id, kind, sha256) id FROM home_care_import
            ORDER BY tenant_id, kind, sha256, (replaced_by IS NULL AND dropped_at IS NULL) DESC, imported_at DESC, id)`,
      `DO $$ DECLARE
         i record;
         municipality text;
         file text;
       BEGIN
         FOR i IN SELECT tenant_id, id FROM home_care_import_superseded LOOP
           municipality := 'home_care_visit_t_' || replace(i.tenant_id::text, '-', '');
           file := 'home_care_visit_f_' || replace(i.id::text, '-', '');
           IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(file)) THEN
             EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', municipality, file);
           END IF;
           IF to_regclass(file) IS NOT NULL THEN
             EXECUTE format('DROP TABLE %I', file);
           END IF;
         END LOOP;
       END $$`,
      `DELETE FROM home_care_import WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM home_care_import_superseded)`,
      `DROP TABLE home_care_import_superseded`,
      `ALTER TABLE "home_care_import" FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE "home_care_import" ADD CONSTRAINT "UQ_home_care_import_file" UNIQUE ("tenant_id", "kind", "sha256")`,
      `ALTER TABLE "home_care_import" DROP CONSTRAINT "CHK_home_care_import_month"`,
      `ALTER TABLE "home_care_import" DROP COLUMN "dropped_at"`,
      `ALTER TABLE "home_care_import" DROP COLUMN "replaced_by"`,
      `ALTER TABLE "home_care_import" DROP COLUMN "month"`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
