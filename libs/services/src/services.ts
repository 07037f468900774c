import * as path from 'node:path';
import { CATALOGUE_SERVICE } from '@kommuna/catalogue';
import { DIGITAL_MAIL_SERVICE } from '@kommuna/digital-mail';
import { E_FORMS_SERVICE } from '@kommuna/e-forms';
import { MINASIDOR_SERVICE } from '@kommuna/minasidor';
import type { CaseArchiveContributor } from '@kommuna/platform-archive-export';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import {
  EventHandler,
  INBOUND_EVENTS_DATABASE_SCHEMA,
  InboundEvents,
  InboundEventTypes,
  NatsEventBridge,
  NatsInboundConsumer,
  OutboxDispatcher,
  OutboxHousekeeping,
  WebhookDeliveryLogHousekeeping,
  WebhookDeliveryWorker,
  WebhookEventLogHousekeeping,
  WebhookFanOut,
  WEBHOOKS_DATABASE_SCHEMA,
  WebhookSubscriptions,
} from '@kommuna/platform-events';
import { Database, DatabaseSchema, PartyRegister, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';
import {
  BackgroundTask,
  BackgroundTaskOptions,
  ComposedService,
  ServiceDescriptor,
  ServiceRuntime,
  TenantSettingsContext,
  validateServicesTenantSettings,
} from '@kommuna/platform-services';
import { LoadedTenantConfig, loadTenantConfigs, TENANT_FILE_NAME } from '@kommuna/platform-tenancy';
import { HOME_CARE_SERVICE } from '@kommuna/home-care';
import { AI_SERVICE } from '@kommuna/ai';
import { RULES_SERVICE } from '@kommuna/rules';

/**
 * The shared services, listed once. A library of its own rather than a file in apps/api: the api,
 * the worker and tools (tenants:validate) all take the list, apps may not import one another, and
 * a platform library may not import the services. Adding a service adds one line here
 * (`nx g @kommuna/tools:service` writes it).
 */
export const SERVICES: readonly ServiceDescriptor[] = [
  DIGITAL_MAIL_SERVICE,
  E_FORMS_SERVICE,
  MINASIDOR_SERVICE,
  CATALOGUE_SERVICE,
  HOME_CARE_SERVICE,
  AI_SERVICE,
  RULES_SERVICE,
];

/** Combines schemas in order; TypeORM runs the migrations by their timestamps whatever the order. */
export function combineDatabaseSchemas(schemas: readonly DatabaseSchema[]): DatabaseSchema {
  return {
    entities: schemas.flatMap((s) => s.entities as []),
    migrations: schemas.flatMap((s) => s.migrations),
  };
}

/**
 * Every table the platform and its services have: what the api and the worker open the database
 * with, what `npm run migrate` runs and what `migration:generate -- --check` compares.
 */
export const SERVICES_DATABASE_SCHEMA: DatabaseSchema = combineDatabaseSchemas([
  PLATFORM_DATABASE_SCHEMA,
  AUDIT_DATABASE_SCHEMA,
  WEBHOOKS_DATABASE_SCHEMA,
  INBOUND_EVENTS_DATABASE_SCHEMA,
  ...SERVICES.flatMap((service) => (service.databaseSchema ? [service.databaseSchema] : [])),
]);

/**
 * Where the service libraries' service.yaml, package.json and CHANGELOG.md are: KOMMUNA_SERVICES_DIR,
 * else libs/ beside this library (the repository's, or dist/libs/ where `npm run build` copies them).
 */
export function servicesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KOMMUNA_SERVICES_DIR ?? path.join(__dirname, '../..'));
}

/**
 * A process's composed services (the api's, the worker's, a tool's) over its database and synced
 * tenants, with its configuration's environment and tenants folder, and the services' files from
 * servicesDir(). `parties` is the process's own register when it shares one (the api's authenticator).
 */
export function composeServices(
  database: Database,
  tenants: TenantDirectory,
  config: Pick<ServiceRuntime, 'env' | 'tenantsDir'>,
  parties = new PartyRegister(database),
): ComposedServices {
  return new ComposedServices({ database, tenants, parties, env: config.env, tenantsDir: config.tenantsDir, servicesDir: servicesDir() });
}

/** Every service's own tenant-settings validation; throws ServiceSettingsError listing each failing service. */
export function validateServiceSettings(tenants: readonly LoadedTenantConfig[], context: TenantSettingsContext): void {
  validateServicesTenantSettings(SERVICES, tenants, context);
}

/**
 * The tenant files as start-up and CI accept them: each tenant.yaml against the platform's schema,
 * then every service's settings. Reads files only, so it runs before any database is opened.
 */
export function loadValidatedTenants(tenantsDir: string, options: { servicesDir?: string } = {}): LoadedTenantConfig[] {
  const tenants = loadTenantConfigs(tenantsDir);
  validateServiceSettings(tenants, { tenantsDir, servicesDir: options.servicesDir ?? servicesDir() });
  return tenants;
}

/**
 * The NATS JetStream bridge when NATS_URL is set (issue 18; docs/operations.md), else undefined and
 * nothing changes. Connecting fails start-up with the reason: a configured NATS that cannot be
 * reached is a fault to see at once, not events silently kept back. The caller closes it on stop.
 */
export async function natsBridgeFromEnv(env: NodeJS.ProcessEnv, tenants: TenantDirectory): Promise<NatsEventBridge | undefined> {
  const url = env.NATS_URL?.trim();
  if (!url) return undefined;
  try {
    return await NatsEventBridge.connect(url, { slugOf: (tenantId) => tenants.all().find((t) => t.id === tenantId)?.slug });
  } catch (error) {
    throw new Error(`NATS_URL is set (${url}) but NATS JetStream could not be reached: ${(error as Error).message}`);
  }
}

/** How often the outbox is polled when it was empty. */
const OUTBOX_INTERVAL_MS = 200;
/** How often due webhook deliveries are claimed (sends in flight do not hold the next claim). */
const WEBHOOK_INTERVAL_MS = 250;

export interface ComposedBackgroundTaskOptions extends BackgroundTaskOptions {
  /**
   * Outbox consumers the process adds to the services' own, after them: transports it connected
   * (NatsEventBridge). The process owns them and closes them once the tasks have stopped.
   */
  eventHandlers?: readonly EventHandler[];
}

/**
 * Every service composed once for a process (the api, or the worker): their shared objects, their
 * outbox handlers, their background work and their start-up content, all from the one list.
 */
export class ComposedServices {
  /** Every service's outbox consumers, in list order. */
  readonly eventHandlers: readonly EventHandler[];
  /** The municipalities' webhook subscriptions (platform, not a service: they carry every service's events). */
  readonly webhooks: WebhookSubscriptions;
  /** Events in from the municipalities' systems and sensors (platform, not a service: rules and others act on them). */
  readonly inbound: InboundEvents;
  private readonly composed: ReadonlyMap<ServiceDescriptor, ComposedService>;

  constructor(
    readonly runtime: ServiceRuntime,
    private readonly services: readonly ServiceDescriptor[] = SERVICES,
  ) {
    this.composed = new Map(services.map((service) => [service, service.compose?.(runtime) ?? {}]));
    this.eventHandlers = [...this.composed.values()].flatMap((service) => service.eventHandlers ?? []);
    this.webhooks = new WebhookSubscriptions(runtime.database, runtime.env, this.slugOf);
    this.inbound = new InboundEvents(runtime.database, runtime.parties, new InboundEventTypes(runtime.database), this.slugOf);
  }

  private readonly slugOf = (tenantId: string): string | undefined => this.runtime.tenants.all().find((t) => t.id === tenantId)?.slug;

  /** Every service's part of a case for the archive export, in list order (the first service's record wins a shared key). */
  archiveContributors(): CaseArchiveContributor[] {
    return [...this.composed.values()].flatMap((service) => (service.archive ? [service.archive] : []));
  }

  /** A service's own objects (e.g. the one Minasidor), for the api's resolvers. */
  of<T extends ComposedService>(service: ServiceDescriptor<T>): T {
    const composed = this.composed.get(service as ServiceDescriptor);
    if (!composed) throw new Error(`${service.id} is not one of the composed services (${this.services.map((s) => s.id).join(', ')})`);
    return composed as T;
  }

  /**
   * The outbox dispatcher (over every service's handlers, the webhook fan-out, then the process's
   * own: the NATS bridge when NATS_URL is set), its housekeeping (published events removed after
   * their retention, likewise the webhook event log and finished deliveries), the webhook
   * deliveries and every service's own loops.
   */
  backgroundTasks(options: ComposedBackgroundTaskOptions = {}): BackgroundTask[] {
    const webhooks = new WebhookDeliveryWorker(this.runtime.database, {
      env: this.runtime.env,
      onError: (error, context) => options.onError?.(error, context),
    });
    // The fan-out hands its deliveries to this process's delivery worker once the outbox batch commits: no claim writes them again.
    const handlers = [...this.eventHandlers, new WebhookFanOut(this.slugOf, webhooks), ...(options.eventHandlers ?? [])];
    const outbox = new OutboxDispatcher(this.runtime.database, handlers, {
      onError: (error, failed) =>
        options.onError?.(error, { step: 'outbox', eventId: failed?.event.id, eventType: failed?.event.type, handler: failed?.handler }),
    });
    const tenantIds = () => this.runtime.tenants.all().map((t) => t.id);
    const housekeeping = new OutboxHousekeeping(this.runtime.database, tenantIds, {
      retentionDays: options.settings?.outboxRetentionDays,
    });
    const webhookEventLog = new WebhookEventLogHousekeeping(this.runtime.database, tenantIds, {
      retentionDays: options.settings?.webhookEventRetentionDays,
    });
    const webhookDeliveryLog = new WebhookDeliveryLogHousekeeping(this.runtime.database, tenantIds, {
      retentionDays: options.settings?.webhookDeliveryRetentionDays,
      eventRetentionDays: webhookEventLog.retentionDays,
    });
    return [
      outbox.task(OUTBOX_INTERVAL_MS),
      housekeeping.task({
        intervalMs: options.settings?.retentionIntervalMs,
        onError: (error) => options.onError?.(error, { step: 'outbox-housekeeping' }),
      }),
      webhookEventLog.task({
        intervalMs: options.settings?.retentionIntervalMs,
        onError: (error) => options.onError?.(error, { step: 'webhook-event-log-housekeeping' }),
      }),
      webhookDeliveryLog.task({
        intervalMs: options.settings?.retentionIntervalMs,
        onError: (error) => options.onError?.(error, { step: 'webhook-delivery-log-housekeeping' }),
      }),
      {
        name: 'webhook-delivery',
        start: () => webhooks.start(options.settings?.deliveryIntervalMs ?? WEBHOOK_INTERVAL_MS),
        stop: () => webhooks.stop(),
      },
      ...this.natsInboundTasks(options),
      ...[...this.composed.values()].flatMap((service) => service.backgroundTasks?.(options) ?? []),
    ];
  }

  /** With the process's NATS bridge (NATS_URL set), events in are taken from kommuna.inbound.<municipality>.> on its connection. */
  private natsInboundTasks(options: ComposedBackgroundTaskOptions): BackgroundTask[] {
    const bridge = options.eventHandlers?.find((handler): handler is NatsEventBridge => handler instanceof NatsEventBridge);
    if (!bridge) return [];
    const consumer = new NatsInboundConsumer(bridge.natsConnection, this.inbound, {
      tenantOf: (slug) => this.runtime.tenants.findBySlug(slug),
      onError: (error, context) => options.onError?.(error, { step: context.refused ? 'nats-inbound-refused' : 'nats-inbound' }),
    });
    return [{ name: 'nats-inbound', start: () => consumer.start(), stop: () => consumer.stop() }];
  }

  /**
   * Start-up, once the tenants are synced: every service's tenant settings by its own validation
   * (the call the worker and tenants:validate make; a bad tenant.yaml stops start-up rather than a
   * citizen's request), then each service's start-up content in list order.
   */
  async loadStartupContent(): Promise<void> {
    const { tenantsDir, servicesDir } = this.runtime;
    const tenants = this.runtime.tenants.all().map((t) => ({ file: path.join(tenantsDir, t.slug, TENANT_FILE_NAME), config: t.config }));
    validateServicesTenantSettings(this.services, tenants, { tenantsDir, servicesDir });
    for (const service of this.composed.values()) await service.loadStartupContent?.();
  }
}
