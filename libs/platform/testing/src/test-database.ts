import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Database, DatabaseSchema, grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * A fresh, migrated database for one test file. Embedded (default): a new PGlite instance
 * loaded from a migrated snapshot. With DATABASE_URL set: a database cloned from a migrated
 * template on that server, connected as the app role and dropped afterwards.
 */
export async function createTestDatabase(schema: DatabaseSchema): Promise<Database> {
  const appUrl = process.env.DATABASE_URL;
  if (!appUrl) return createEmbedded(schema);
  return createOnServer(schema, appUrl, process.env.DATABASE_MIGRATION_URL ?? appUrl);
}

/** Registers a fresh database for the enclosing test file; the getter is valid inside tests. */
export function useTestDatabase(schema: DatabaseSchema): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(schema);
  });
  afterAll(async () => {
    await database?.close();
  });
  return () => {
    if (!database) throw new Error('useTestDatabase: the database is only available inside tests');
    return database;
  };
}

/** Changes whenever a migration is added or its code changes, so a stale template is never used. */
function schemaFingerprint(schema: DatabaseSchema): string {
  const hash = createHash('sha256');
  // Migrations build their policies with these helpers: a change to them is a change to the schema.
  hash.update(String(tenantIsolationSql)).update(String(grantToAppSql));
  for (const migration of schema.migrations) hash.update(migration.name).update(String(migration.prototype.up));
  return hash.digest('hex').slice(0, 16);
}

async function createEmbedded(schema: DatabaseSchema): Promise<Database> {
  const snapshot = path.join(os.tmpdir(), `kommuna-pglite-${schemaFingerprint(schema)}.tar`);
  if (!fs.existsSync(snapshot)) {
    const template = await Database.open({ kind: 'pglite' }, schema);
    const blob = await template.dumpEmbedded();
    await template.close();
    // Write then rename: a parallel test process never reads a half-written snapshot.
    const partial = `${snapshot}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(partial, snapshot);
  }
  return Database.open({ kind: 'pglite', template: new Blob([fs.readFileSync(snapshot)]) }, schema);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function createOnServer(schema: DatabaseSchema, appUrl: string, ownerUrl: string): Promise<Database> {
  const template = `kommuna_template_${schemaFingerprint(schema)}`;
  const name = `kommuna_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    // One process builds the template; the others wait for it.
    await admin.query(`SELECT pg_advisory_lock(hashtext('kommuna_test_template'))`);
    try {
      const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]);
      if (!rowCount) {
        await admin.query(`CREATE DATABASE ${template}`);
        try {
          const migrated = await Database.open(
            { kind: 'postgres', url: withDatabase(appUrl, template), migrationUrl: withDatabase(ownerUrl, template), poolSize: 1 },
            schema,
          );
          await migrated.close();
        } catch (error) {
          await admin.query(`DROP DATABASE IF EXISTS ${template}`);
          throw error;
        }
      }
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(hashtext('kommuna_test_template'))`);
    }
  } finally {
    await admin.end();
  }
  const database = await Database.open({ kind: 'postgres', url: withDatabase(appUrl, name), poolSize: 4 }, schema);
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    const dropper = new Client({ connectionString: ownerUrl });
    await dropper.connect();
    // Not WITH (FORCE): the owner may not signal the app role's backends. The pool has ended, and
    // a plain DROP waits (up to 5 s) for those backends to finish exiting.
    await dropper.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => dropper.end());
  };
  return database;
}
