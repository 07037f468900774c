import type { Tenant } from '@kommuna/platform-persistence';
import { digitalMailSettingsOf } from '../settings';
import { FolderPrintProvider } from './folder-print-provider';
import { HttpMailboxOperator } from './http-mailbox-operator';
import { HttpPopulationRegister } from './http-population-register';
import { SmtpEmailNotifier, SmtpOptions } from './smtp-email-notifier';
import type { DigitalMailAdapters } from './types';

export interface AdapterEnvironment {
  /** Where the simulator runs (DIGITAL_MAIL_SIMULATOR_URL): used when tenant.yaml names no endpoint. */
  simulatorUrl: string;
  /** The print provider's drop folder (DIGITAL_MAIL_PRINT_DIR). */
  printDir: string;
  smtp?: SmtpOptions;
  timeoutMs?: number;
}

/** Reads the adapter environment from process variables, with the `npm start` defaults. */
export function adapterEnvironmentFromEnv(env: NodeJS.ProcessEnv = process.env): AdapterEnvironment {
  return {
    simulatorUrl: env.DIGITAL_MAIL_SIMULATOR_URL ?? 'http://127.0.0.1:3004',
    printDir: env.DIGITAL_MAIL_PRINT_DIR ?? '.data/print',
    smtp: env.SMTP_HOST
      ? { host: env.SMTP_HOST, port: Number(env.SMTP_PORT ?? 25), from: env.SMTP_FROM ?? 'no-reply@kommuna.se' }
      : undefined,
  };
}

/**
 * The adapters for one tenant: the endpoints its tenant.yaml names (production), else the
 * simulator. Certificate references are resolved by the deployment (mTLS at the egress proxy).
 */
export function adaptersForTenant(environment: AdapterEnvironment): (tenant: Tenant) => DigitalMailAdapters {
  const print = new FolderPrintProvider(environment.printDir);
  const email = environment.smtp ? new SmtpEmailNotifier(environment.smtp) : undefined;
  const cache = new Map<string, DigitalMailAdapters>();
  return (tenant) => {
    let adapters = cache.get(tenant.id);
    if (!adapters) {
      const { endpoints } = digitalMailSettingsOf(tenant);
      const timeoutMs = environment.timeoutMs;
      adapters = {
        mailbox: new HttpMailboxOperator({ baseUrl: endpoints.mailboxOperator?.url ?? environment.simulatorUrl, timeoutMs }),
        population: new HttpPopulationRegister({ baseUrl: endpoints.populationRegister?.url ?? environment.simulatorUrl, timeoutMs }),
        print,
        email,
      };
      cache.set(tenant.id, adapters);
    }
    return adapters;
  };
}
