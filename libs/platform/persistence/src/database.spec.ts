import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { Database, DatabaseStartupError } from './database';
import { initdbSnapshotFile } from './pglite-initdb-cache';
import { PLATFORM_DATABASE_SCHEMA } from './schema';
import { TenantDirectory } from './tenant-directory';
import { TenantConfigSchema } from '@kommuna/platform-tenancy';

const sundsvall = TenantConfigSchema.parse({
  slug: 'sundsvall',
  kommunkod: '2281',
  organisationsnummer: '212000-2411',
  names: { sv: 'Sundsvalls kommun', en: 'Municipality of Sundsvall' },
  contact: { email: 'kontaktcenter@sundsvall.se' },
  hosts: ['sundsvall.kommuna.se'],
  auth: { organization: 'sundsvall' },
  services: { 'e-forms': { stage: 'production' } },
});

class BrokenMigration1999999999999 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE half_done (id int)`);
    await queryRunner.query(`SELECT * FROM no_such_table`);
  }
  async down(): Promise<void> {
    // never applied
  }
}

describe('Database (embedded PGlite)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-db-'));
  });

  it('keeps data in its folder across a restart', async () => {
    const first = await Database.open({ kind: 'pglite', dataDir }, PLATFORM_DATABASE_SCHEMA);
    const [tenant] = await new TenantDirectory(first).sync([sundsvall]);
    await first.close();

    const second = await Database.open({ kind: 'pglite', dataDir }, PLATFORM_DATABASE_SCHEMA);
    try {
      const rows = await second.dataSource.query(`SELECT id, slug, enabled_services FROM tenant`);
      expect(rows).toEqual([{ id: tenant.id, slug: 'sundsvall', enabled_services: ['e-forms'] }]);
      // Upserting again keeps the tenant's id: ids are stable across restarts.
      const [again] = await new TenantDirectory(second).sync([sundsvall]);
      expect(again.id).toBe(tenant.id);
    } finally {
      await second.close();
    }
  });

  it('starts a new data folder from the cached empty cluster, and leaves an existing folder as it is', async () => {
    const cacheDir = path.join(dataDir, 'cache');
    const systemId = async (database: Database) =>
      (await database.dataSource.query(`SELECT system_identifier::text AS id FROM pg_control_system()`))[0].id;
    const first = await Database.open(
      { kind: 'pglite', dataDir: path.join(dataDir, 'a'), initdbCacheDir: cacheDir },
      PLATFORM_DATABASE_SCHEMA,
    );
    const [tenant] = await new TenantDirectory(first).sync([sundsvall]);
    const firstId = await systemId(first);
    await first.close();
    expect(fs.existsSync(initdbSnapshotFile(cacheDir))).toBe(true);

    // A copy of the same cluster (initdb would have given a new system identifier), migrated, without a's data.
    const second = await Database.open(
      { kind: 'pglite', dataDir: path.join(dataDir, 'b'), initdbCacheDir: cacheDir },
      PLATFORM_DATABASE_SCHEMA,
    );
    try {
      expect(await systemId(second)).toBe(firstId);
      expect(await second.dataSource.query(`SELECT slug FROM tenant`)).toEqual([]);
      expect((await second.dataSource.query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(
        PLATFORM_DATABASE_SCHEMA.migrations.length,
      );
    } finally {
      await second.close();
    }

    const again = await Database.open(
      { kind: 'pglite', dataDir: path.join(dataDir, 'a'), initdbCacheDir: cacheDir },
      PLATFORM_DATABASE_SCHEMA,
    );
    try {
      expect(await again.dataSource.query(`SELECT id FROM tenant`)).toEqual([{ id: tenant.id }]);
    } finally {
      await again.close();
    }
  });

  it('initialises a new data folder itself when the cache cannot be written', async () => {
    const notAFolder = path.join(dataDir, 'file');
    fs.writeFileSync(notAFolder, '');
    const database = await Database.open(
      { kind: 'pglite', dataDir: path.join(dataDir, 'c'), initdbCacheDir: path.join(notAFolder, 'cache') },
      PLATFORM_DATABASE_SCHEMA,
    );
    try {
      expect(await database.dataSource.query(`SELECT count(*)::int AS n FROM tenant`)).toEqual([{ n: 0 }]);
    } finally {
      await database.close();
    }
  });

  it('stops on a failed migration and leaves the database as it was', async () => {
    const first = await Database.open({ kind: 'pglite', dataDir }, PLATFORM_DATABASE_SCHEMA);
    await first.close();

    const broken = { ...PLATFORM_DATABASE_SCHEMA, migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, BrokenMigration1999999999999] };
    await expect(Database.open({ kind: 'pglite', dataDir }, broken)).rejects.toThrow(DatabaseStartupError);

    const after = await Database.open({ kind: 'pglite', dataDir }, PLATFORM_DATABASE_SCHEMA);
    try {
      expect(await after.dataSource.query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
      const names = (await after.dataSource.query(`SELECT name FROM migrations`)).map((r: { name: string }) => r.name);
      expect(names).toEqual(PLATFORM_DATABASE_SCHEMA.migrations.map((m) => m.name));
      expect(names).not.toContain('BrokenMigration1999999999999');
    } finally {
      await after.close();
    }
  });

  it('finds tenants by slug and by host, and names an unknown one', async () => {
    const database = await Database.open({ kind: 'pglite' }, PLATFORM_DATABASE_SCHEMA);
    try {
      const directory = new TenantDirectory(database);
      await directory.sync([sundsvall]);
      expect(directory.findByHost('Sundsvall.Kommuna.SE')?.slug).toBe('sundsvall');
      expect(directory.get('sundsvall').names.sv).toBe('Sundsvalls kommun');
      expect(() => directory.get('gotham')).toThrow('No municipality "gotham" is a member of this platform');
    } finally {
      await database.close();
    }
  });
});
