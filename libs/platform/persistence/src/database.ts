import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { types as pgTypes } from 'pg';
import { DataSource, DataSourceOptions, EntityManager, MixedList } from 'typeorm';
import { requestContext, TenantContextMissingError } from '@kommuna/platform-tenancy';
import { initdbSnapshot } from './pglite-initdb-cache';
import { pgliteDriver } from './pglite-pool';
import { APP_ROLE, OWNER_ROLE } from './sql';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** Where the data lives: embedded PGlite (a folder, or memory for tests) or a PostgreSQL server. */
export type DatabaseTarget =
  | {
      kind: 'pglite';
      dataDir?: string;
      /** A database snapshot to start from (tests: the migrated template). */
      template?: Blob;
      /** Where a new data folder's empty cluster is cached (pglite-initdb-cache.ts). */
      initdbCacheDir?: string;
    }
  | { kind: 'postgres'; url: string; migrationUrl?: string; poolSize?: number };

/** The entities and migrations of every module the running app composes. */
export interface DatabaseSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

export class DatabaseStartupError extends KommunaError {
  readonly code = 'DATABASE_STARTUP_FAILED';
  readonly status = 500;
  override readonly exposeMessage = false;
}

/** A write was attempted for a suspended municipality: its data is read-only while offboarding. */
export class TenantSuspendedError extends KommunaError {
  readonly code = 'TENANT_SUSPENDED';
  readonly status = 409;
  constructor() {
    super('This municipality is suspended: its data can be read and exported, not changed');
  }
}

// Match node-pg's parsing on PGlite so code and tests behave alike on both. A date is node-pg's
// local midnight (PGlite's own parser gives UTC midnight, which TypeORM's date columns, read with
// local getters, would turn into the day before west of UTC).
const PGLITE_PARSERS = {
  [types.INT8]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
  [types.DATE]: pgTypes.getTypeParser(pgTypes.builtins.DATE, 'text'),
};
// TypeORM passes JS booleans; PGlite's text serializer would send "true"/"false" otherwise fine,
// but 1/0 and strings must map the way node-pg maps them.
const PGLITE_SERIALIZERS = {
  [types.BOOL]: (v: unknown) => (v === true || v === 'true' || v === 1 ? 't' : v === false || v === 'false' || v === 0 ? 'f' : String(v)),
};

// Roles are cluster-level; on a server they are created by whoever provisions it (.ci/run, infra/).
const PGLITE_BOOTSTRAP_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN CREATE ROLE ${OWNER_ROLE} NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF;
END $$;
GRANT CREATE, USAGE ON SCHEMA public TO ${OWNER_ROLE};
`;

/**
 * The platform's database: the application's DataSource (as the constrained app role) plus the
 * unit-of-work helpers every service uses, so no service sets tenant or subject context itself.
 */
export class Database {
  /** Use Database.open; the constructor is for the opener alone. */
  constructor(
    readonly dataSource: DataSource,
    private readonly onClose: () => Promise<void>,
    private readonly embedded?: PGlite,
  ) {}

  /** A snapshot of an embedded database (used as the migrated template for tests). */
  async dumpEmbedded(): Promise<Blob> {
    if (!this.embedded) throw new Error('dumpEmbedded: this database is not embedded');
    return (await this.embedded.dumpDataDir('none')) as Blob;
  }

  /**
   * Opens the database: runs pending migrations as the owner (one transaction: a failure leaves
   * the schema as it was and stops start-up), then connects as the app role and checks that the
   * role is really bound by row-level security.
   */
  static async open(target: DatabaseTarget, schema: DatabaseSchema): Promise<Database> {
    return target.kind === 'pglite' ? openPGlite(target, schema) : openServer(target, schema);
  }

  /**
   * One unit of work in the current request context: a transaction that first sets
   * `app.tenant_id` / `app.subject_id` transaction-locally, so row-level security scopes every
   * statement in it. Throws when neither a tenant nor a subject context is set.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const scope = requestContext.peek();
    if (!scope?.tenantId && !scope?.subjectId) throw new TenantContextMissingError('a tenant or subject');
    try {
      return await this.dataSource.transaction(async (em) => {
        // A suspended municipality's units of work are read-only in PostgreSQL itself.
        if (scope.readOnly) await em.query('SET TRANSACTION READ ONLY');
        await em.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.subject_id', $2, true)`, [
          scope.tenantId ?? '',
          scope.subjectId ?? '',
        ]);
        return work(em);
      });
    } catch (error) {
      if (scope.readOnly && (error as { code?: string }).code === '25006') throw new TenantSuspendedError();
      throw error;
    }
  }

  /**
   * A unit of work on platform tables (tenants, parties) outside any tenant: tenant-owned tables
   * show no rows and accept no writes here.
   */
  async platformTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Closes the connections (and an embedded database); calling it again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.onClose();
  }

  private closed = false;
}

function baseOptions(schema: DatabaseSchema): Pick<DataSourceOptions, 'entities' | 'migrations'> & {
  migrationsTransactionMode: 'all';
  installExtensions: false;
  uuidExtension: 'pgcrypto';
} {
  return {
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTransactionMode: 'all',
    installExtensions: false,
    // gen_random_uuid() is built in since PostgreSQL 13: no extension to install.
    uuidExtension: 'pgcrypto',
  };
}

async function openPGlite(target: Extract<DatabaseTarget, { kind: 'pglite' }>, schema: DatabaseSchema): Promise<Database> {
  if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
  const newFolder = target.dataDir !== undefined && !fs.existsSync(path.join(target.dataDir, 'PG_VERSION'));
  const db = await PGlite.create({
    dataDir: target.dataDir,
    loadDataDir: target.template ?? (newFolder && target.initdbCacheDir ? await initdbSnapshot(target.initdbCacheDir) : undefined),
    parsers: PGLITE_PARSERS,
    serializers: PGLITE_SERIALIZERS,
  });
  try {
    // PGlite has one session: migrate as the owner, then drop to the app role for good.
    await db.exec(PGLITE_BOOTSTRAP_SQL);
    await db.exec(`SET ROLE ${OWNER_ROLE}`);
    await migrate(new DataSource({ type: 'postgres', driver: pgliteDriver(db), ...baseOptions(schema) }));
    await db.exec(`RESET ROLE; SET ROLE ${APP_ROLE}`);
    const app = new DataSource({ type: 'postgres', driver: pgliteDriver(db), ...baseOptions(schema) });
    await app.initialize();
    await assertAppRoleConstrained(app);
    return new Database(app, () => db.close(), db);
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function openServer(target: Extract<DatabaseTarget, { kind: 'postgres' }>, schema: DatabaseSchema): Promise<Database> {
  if (target.migrationUrl) {
    await migrate(new DataSource({ type: 'postgres', url: target.migrationUrl, ...baseOptions(schema) }));
  }
  const app = new DataSource({
    type: 'postgres',
    url: target.url,
    poolSize: target.poolSize ?? 10,
    ...baseOptions(schema),
  });
  await app.initialize();
  try {
    await assertAppRoleConstrained(app);
    await assertNoPendingMigrations(app, schema);
  } catch (error) {
    await app.destroy();
    throw error;
  }
  return new Database(app, async () => undefined);
}

async function migrate(owner: DataSource): Promise<void> {
  await owner.initialize();
  try {
    await owner.runMigrations({ transaction: 'all' });
  } catch (error) {
    throw new DatabaseStartupError(`Migration failed, nothing was changed: ${(error as Error).message}`, { cause: error });
  } finally {
    await owner.destroy();
  }
}

/** Fails closed when the app would run as a role that row-level security does not bind. */
async function assertAppRoleConstrained(app: DataSource): Promise<void> {
  const [role] = await app.query(
    `SELECT current_user AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
            (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user)::int AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (role.superuser || role.bypassrls || role.owned > 0) {
    throw new DatabaseStartupError(
      `The application connects as "${role.name}", which ${role.superuser ? 'is a superuser' : role.bypassrls ? 'bypasses row-level security' : 'owns tables'}; ` +
        `connect as the ${APP_ROLE} role (DATABASE_URL) and migrate as the owner (DATABASE_MIGRATION_URL).`,
    );
  }
}

async function assertNoPendingMigrations(app: DataSource, schema: DatabaseSchema): Promise<void> {
  const applied = new Set<string>(
    (await app.query(`SELECT name FROM migrations`).catch(() => [])).map((row: { name: string }) => row.name),
  );
  const pending = schema.migrations.map((m) => m.name).filter((name) => !applied.has(name));
  if (pending.length > 0) {
    throw new DatabaseStartupError(
      `${pending.length} migration(s) pending (${pending.join(', ')}): run them as the owner with DATABASE_MIGRATION_URL set.`,
    );
  }
}
