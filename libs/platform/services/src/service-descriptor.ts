import type { CaseArchiveContributor } from '@kommuna/platform-archive-export';
import type { EventHandler } from '@kommuna/platform-events';
import type { Database, DatabaseSchema, PartyRegister, TenantDirectory } from '@kommuna/platform-persistence';
import type { LoadedTenantConfig, ServiceId } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** The files a service's tenant settings may refer to. Files only: validation never needs a database. */
export interface TenantSettingsContext {
  /** tenants/: each municipality's tenant.yaml and its content (e.g. forms/). */
  tenantsDir: string;
  /** libs/: each service library's service.yaml, package.json and CHANGELOG.md. */
  servicesDir: string;
}

/**
 * What a running process gives a service: one of each shared object. The api and the worker build
 * it once, so every service shares the same database, tenant directory and party register.
 */
export interface ServiceRuntime {
  database: Database;
  tenants: TenantDirectory;
  parties: PartyRegister;
  /** 'development' on `npm start`: the only environment that seeds demo data. */
  env: 'development' | 'test' | 'production';
  tenantsDir: string;
  servicesDir: string;
}

/** A loop a process runs until shutdown (the worker; on the embedded database, the api). */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/** Where background work failed: the service's step and tenant, or the outbox event and handler. */
export interface BackgroundErrorContext {
  step?: string;
  tenantId?: string;
  eventId?: string;
  eventType?: string;
  handler?: string;
}

/** Tuning for background work; defaults suit production. Tests shorten the lease and intervals. */
export interface BackgroundTaskSettings {
  /** How long a claimed delivery is held before another replica may take it over. */
  deliveryLeaseMs?: number;
  /** Pause between delivery rounds when nothing is due. */
  deliveryIntervalMs?: number;
  /** How often retention purges run (hourly by default). */
  retentionIntervalMs?: number;
  /** Days a published outbox event is kept (default 7). */
  outboxRetentionDays?: number;
  /** Days the webhook event log keeps an event (default 90): how far back a webhook replay reaches. */
  webhookEventRetentionDays?: number;
  /** Days a finished webhook delivery is kept, by its event's time (default and least: the event log's). */
  webhookDeliveryRetentionDays?: number;
}

export interface BackgroundTaskOptions {
  settings?: BackgroundTaskSettings;
  /** Work that failed is retried on the next round; this only reports it. */
  onError?: (error: Error, context: BackgroundErrorContext) => void;
}

/**
 * A service put together for one runtime. Built once per process, so the api's requests, the
 * outbox handlers and the background work share its objects (one Mina sidor, not three).
 */
export interface ComposedService {
  /** Outbox consumers: the worker runs them, and the api on the embedded database. */
  readonly eventHandlers?: readonly EventHandler[];
  backgroundTasks?(options: BackgroundTaskOptions): BackgroundTask[];
  /**
   * Content the api loads once the tenants are synced and their settings checked (tenants/ files,
   * demo data on `npm start`). Idempotent: a restart changes nothing that is already there.
   */
  loadStartupContent?(): Promise<void>;
  /** The service's part of a closed case for the archive export (docs/archive.md), when it holds case content. */
  readonly archive?: CaseArchiveContributor;
}

/**
 * What a shared service tells the platform about itself. Each service library exports one; the
 * composition library (@kommuna/services) lists them once, and the api, the worker and
 * `npm run tenants:validate` take the services from that list. `T` is what compose() returns, so
 * the api can ask the composition for a service's own objects by its descriptor.
 */
export interface ServiceDescriptor<T extends ComposedService = ComposedService> {
  readonly id: ServiceId;
  /** The service's entities and migrations; the composition adds them to the platform's. */
  readonly databaseSchema?: DatabaseSchema;
  /**
   * Checks the service's part of every tenant.yaml (services.<id>.settings) and the tenant content
   * those settings refer to; throws an Error whose message names the file and the field. The api
   * and the worker run it at start-up, tenants:validate in CI: the same function in all three.
   */
  validateTenantSettings(tenants: readonly LoadedTenantConfig[], context: TenantSettingsContext): void;
  /** Builds the service's objects for a runtime; called once per process by the composition. */
  compose?(runtime: ServiceRuntime): T;
}

export interface ServiceSettingsFailure {
  service: ServiceId;
  message: string;
}

/** Start-up and CI stop on this; it lists every service whose settings failed, each in its own words. */
export class ServiceSettingsError extends KommunaError {
  readonly code = 'SERVICE_SETTINGS_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
  constructor(readonly failures: ServiceSettingsFailure[]) {
    super(
      `Tenant settings are invalid for ${failures.length} service${failures.length === 1 ? '' : 's'}:\n` +
        failures.map((f) => `  ${f.service}: ${f.message.replace(/\n/g, '\n    ')}`).join('\n'),
    );
  }
}

/**
 * Runs every service's own settings validation and reports all failing services at once (one
 * broken service does not hide another's problem). Each service's validation throws its own error
 * type (some a plain Error), so any Error is taken as that service's failure.
 */
export function validateServicesTenantSettings(
  services: readonly ServiceDescriptor[],
  tenants: readonly LoadedTenantConfig[],
  context: TenantSettingsContext,
): void {
  const failures: ServiceSettingsFailure[] = [];
  for (const service of services) {
    try {
      service.validateTenantSettings(tenants, context);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      failures.push({ service: service.id, message: error.message });
    }
  }
  if (failures.length > 0) throw new ServiceSettingsError(failures);
}
