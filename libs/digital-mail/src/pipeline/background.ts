import { PeriodicTask } from '@kommuna/platform-jobs';
import { Database, PartyRegister, TenantDirectory } from '@kommuna/platform-persistence';
import { adapterEnvironmentFromEnv, adaptersForTenant } from '../adapters/for-tenant';
import { DeliveryWorker } from './delivery-worker';
import { RetentionPurger } from './retention';

/** A loop a worker process runs until shutdown (the shape apps/worker's BackgroundTask has). */
export interface DigitalMailTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Digital mail's background work, ready for a worker process to run: deliveries (polled every
 * second) and the retention purge (hourly). Adapters come from the environment and tenant.yaml.
 */
export function digitalMailBackgroundTasks(
  database: Database,
  tenants: TenantDirectory,
  options: {
    env?: NodeJS.ProcessEnv;
    onError?: (error: Error, context: { tenantId: string; step: string }) => void;
    deliveryIntervalMs?: number;
    purgeIntervalMs?: number;
    /** How long a claimed delivery is held before another replica may take it over (crash recovery). */
    leaseMs?: number;
    /** The process's party register, shared with its other services. */
    parties?: PartyRegister;
  } = {},
): DigitalMailTask[] {
  const delivery = new DeliveryWorker(database, tenants, adaptersForTenant(adapterEnvironmentFromEnv(options.env)), {
    onError: options.onError,
    leaseMs: options.leaseMs,
    parties: options.parties,
  });
  const purger = new RetentionPurger(database, tenants);
  return [
    delivery.task(options.deliveryIntervalMs ?? 1000, 'digital-mail-delivery'),
    new PeriodicTask({
      name: 'digital-mail-retention',
      intervalMs: options.purgeIntervalMs ?? 3_600_000,
      // The first purge one interval after start, as before: start-up is busy enough.
      runAtStart: false,
      run: async () => void (await purger.purgeAll()),
      onError: (error) => options.onError?.(error, { tenantId: '-', step: 'retention' }),
    }),
  ];
}
