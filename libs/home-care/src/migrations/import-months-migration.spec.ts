import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { HOME_CARE_DATABASE_SCHEMA } from '../schema';
import { HomeCareImportMonths1768000000200 } from './1768000000200-home-care-import-months';
import { HomeCareVisitFileCopy1768000000300 } from './1768000000300-home-care-visit-file-copy';

const TENANT = '00000000-0000-4000-8000-00000000a201';
/** A March file (A), replaced by another (B), then imported again (C: A's bytes). */
const [A, B, C] = ['00000000-0000-4000-8000-00000000f001', '00000000-0000-4000-8000-00000000f002', '00000000-0000-4000-8000-00000000f003'];
const fileTable = (id: string) => `home_care_visit_f_${id.replaceAll('-', '')}`;

const seen: { downError?: unknown; imports?: Array<{ id: string }>; tables?: Array<{ name: string }>; upAgain?: boolean } = {};

const importsAndTables = async (queryRunner: QueryRunner) => ({
  imports: await queryRunner.query(`SELECT id FROM home_care_import ORDER BY id`),
  tables: await queryRunner.query(
    `SELECT relname AS name FROM pg_class WHERE relname LIKE 'home_care_visit_f_%' AND relkind = 'r' ORDER BY relname`,
  ),
});

/**
 * Runs after home care's migrations: a visits file replaced and then imported again (two imports
 * of the same bytes, one in force), then down() of 1768000000300 and 1768000000200, and up() again.
 */
class ImportMonthsDownAndUp1768000000399 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO tenant (id, slug, kommunkod, organisationsnummer, name_sv, name_en, config)
       VALUES ($1, 'import-months-test', '9998', '212000-0001', 'Testkommun', 'Test municipality', '{}')`,
      [TENANT],
    );
    // The tables force row-level security on their owner too: the rows are the tenant's.
    await queryRunner.query(`SELECT set_config('app.tenant_id', $1, true)`, [TENANT]);
    const record = (id: string, sha: string) =>
      queryRunner.query(
        `INSERT INTO home_care_import (tenant_id, id, kind, file_name, sha256, rows, imported_by, month)
         VALUES ($1, $2, 'visits', 'mars.csv', $3, 0, 'test', '2025-03-01')`,
        [TENANT, id, sha.repeat(64)],
      );
    const fileOf = async (id: string) => {
      await queryRunner.query(`SELECT home_care_visit_file_table($1::uuid, $2::uuid)`, [TENANT, id]);
      await queryRunner.query(`SELECT home_care_visit_attach($1::uuid, $2::uuid)`, [TENANT, id]);
    };
    await record(A, 'a');
    await fileOf(A);
    await record(B, 'b');
    await queryRunner.query(`SELECT home_care_visit_replace($1::uuid, $2::uuid, $3::uuid)`, [TENANT, A, B]);
    await fileOf(B);
    await queryRunner.query(`SELECT home_care_visit_replace($1::uuid, $2::uuid, $3::uuid)`, [TENANT, B, C]);
    await record(C, 'a');
    await fileOf(C);
    try {
      await new HomeCareVisitFileCopy1768000000300().down(queryRunner);
      await new HomeCareImportMonths1768000000200().down(queryRunner);
      Object.assign(seen, await importsAndTables(queryRunner));
      await new HomeCareImportMonths1768000000200().up(queryRunner);
      await new HomeCareVisitFileCopy1768000000300().up(queryRunner);
      seen.upAgain = true;
    } catch (error) {
      seen.downError = error;
    }
  }
  async down(): Promise<void> {
    // test only
  }
}

const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, HOME_CARE_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = {
  entities: SCHEMAS.flatMap((s) => s.entities as []),
  migrations: [...SCHEMAS.flatMap((s) => s.migrations), ImportMonthsDownAndUp1768000000399],
};

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A database migrated from nothing, so the migration above runs: PGlite, or with DATABASE_URL a new database on that server. */
async function migrateFresh(): Promise<() => Promise<void>> {
  const appUrl = process.env.DATABASE_URL;
  if (!appUrl) {
    const database = await Database.open({ kind: 'pglite' }, SCHEMA);
    return () => database.close();
  }
  const ownerUrl = process.env.DATABASE_MIGRATION_URL ?? appUrl;
  const name = `kommuna_migration_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  };
  try {
    const database = await Database.open(
      { kind: 'postgres', url: withDatabase(appUrl, name), migrationUrl: withDatabase(ownerUrl, name), poolSize: 1 },
      SCHEMA,
    );
    return async () => {
      await database.close();
      await drop();
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

describe('home care import months migration (1768000000200)', () => {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    close = await migrateFresh();
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('down() after a replaced file was imported again keeps the import in force and the other file, and up() runs again', () => {
    expect(seen.downError).toBeUndefined();
    // A's record and table go (C holds its bytes and is in force); B, replaced by C, keeps its record and detached table.
    expect(seen.imports).toEqual([{ id: B }, { id: C }]);
    expect(seen.tables).toEqual([fileTable(B), fileTable(C)].sort().map((name) => ({ name })));
    expect(seen.upAgain).toBe(true);
  });
});
