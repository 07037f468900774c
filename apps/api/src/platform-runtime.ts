import { AuditLog } from '@kommuna/platform-audit';
import { platformMetrics } from '@kommuna/platform-metrics';
import { Authenticator, KeycloakTokenVerifier, TrustedRealms } from '@kommuna/platform-auth';
import { loadPlatformConfig, PlatformConfig } from '@kommuna/platform-config';
import { Database, DatabaseSchema, DatabaseTarget, PartyRegister, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { ComposedServices, composeServices } from '@kommuna/services';
import { APP_DATABASE_SCHEMA } from './database-schema';

/** What the api needs before Nest starts: validated config, a migrated database, the tenants. */
export interface PlatformRuntime {
  config: PlatformConfig;
  database: Database;
  tenants: TenantDirectory;
  realms: TrustedRealms;
  authenticator: Authenticator;
  audit: AuditLog;
  /** The process's one party register: sign-in and every service share it (and its cache). */
  parties: PartyRegister;
  /** Every service composed once (@kommuna/services): its objects, outbox handlers, jobs and start-up content. */
  services: ComposedServices;
}

export function databaseTarget(config: PlatformConfig): DatabaseTarget {
  return config.database.kind === 'pglite'
    ? { kind: 'pglite', dataDir: config.database.dataDir, initdbCacheDir: config.database.initdbCacheDir }
    : config.database;
}

/**
 * Reads and validates every tenant file before touching the database, so a broken file stops
 * start-up without changing anything; then migrates and upserts the tenants in one transaction.
 */
export async function startPlatformRuntime(
  config: PlatformConfig = loadPlatformConfig(),
  // Tests pass their own opener (a fresh test database); everything else is composed the same way.
  openDatabase: (schema: DatabaseSchema) => Promise<Database> = (schema) => Database.open(databaseTarget(config), schema),
): Promise<PlatformRuntime> {
  const tenantConfigs = loadTenantConfigs(config.tenantsDir).map((loaded) => loaded.config);
  const database = await openDatabase(APP_DATABASE_SCHEMA);
  try {
    const tenants = new TenantDirectory(database);
    await tenants.sync(tenantConfigs);
    platformMetrics.setTenants(tenants.all());
    const realms = new TrustedRealms(config.auth.keycloakUrl, config.auth.audience, tenantConfigs);
    const parties = new PartyRegister(database);
    const authenticator = new Authenticator(new KeycloakTokenVerifier(realms.all()), parties);
    const services = composeServices(database, tenants, config, parties);
    // Every service's tenant settings by its own validation, then its content (e-forms' forms; demo data on `npm start`).
    await services.loadStartupContent();
    return { config, database, tenants, realms, authenticator, audit: new AuditLog(database), parties, services };
  } catch (error) {
    await database.close();
    throw error;
  }
}
