import type { Tenant } from '@kommuna/platform-persistence';
import { DigitalMailSettings, digitalMailSettingsOf } from '../settings';
import { FolderPrintProvider } from './folder-print-provider';
import { HttpPopulationRegister, navetConnectionOf, protectedLetterRoutingOf } from './http-population-register';
import { developmentCredentials, namedCredentials } from './mina-meddelanden/credentials';
import { MinaMeddelandenOperator } from './mina-meddelanden/mina-meddelanden-operator';
import { KNOWN_OPERATORS, SIMULATOR_RECIPIENT_PATH } from './mina-meddelanden/namespaces';
import { SmtpEmailNotifier, SmtpOptions } from './smtp-email-notifier';
import type { DigitalMailAdapters } from './types';

export interface AdapterEnvironment {
  /** Where the simulator runs (DIGITAL_MAIL_SIMULATOR_URL): used when tenant.yaml names no endpoint. */
  simulatorUrl: string;
  /** The print provider's drop folder (DIGITAL_MAIL_PRINT_DIR). */
  printDir: string;
  /** Where the certificates tenant.yaml names are (DIGITAL_MAIL_CERTIFICATE_DIR): `<dir>/<name>/tls.crt`, `tls.key`, `ca.crt`. */
  certificateDir?: string;
  smtp?: SmtpOptions;
  timeoutMs?: number;
  /** Where the secrets tenant.yaml names are read (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** Reads the adapter environment from process variables, with the `npm start` defaults. */
export function adapterEnvironmentFromEnv(env: NodeJS.ProcessEnv = process.env): AdapterEnvironment {
  return {
    simulatorUrl: env.DIGITAL_MAIL_SIMULATOR_URL ?? 'http://127.0.0.1:3004',
    printDir: env.DIGITAL_MAIL_PRINT_DIR ?? '.data/print',
    certificateDir: env.DIGITAL_MAIL_CERTIFICATE_DIR ?? '.data/certificates',
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
      const settings = digitalMailSettingsOf(tenant);
      adapters = {
        mailbox: mailboxOperatorFor(settings, environment),
        population: populationRegisterFor(settings, environment),
        print,
        email,
      };
      cache.set(tenant.id, adapters);
    }
    return adapters;
  };
}

/**
 * Each tenant's population register alone (one per tenant, its token cached), for those outside
 * digital mail that read it: form prefill. The api's composition hands it to e-forms.
 */
export function populationRegistersFor(environment: AdapterEnvironment): (tenant: Tenant) => HttpPopulationRegister {
  const cache = new Map<string, HttpPopulationRegister>();
  return (tenant) => {
    let register = cache.get(tenant.id);
    if (!register) cache.set(tenant.id, (register = populationRegisterFor(digitalMailSettingsOf(tenant), environment)));
    return register;
  };
}

/** Navet as tenant.yaml names it (secrets from the environment), else the simulator; with the tenant's paper routing. */
function populationRegisterFor(settings: DigitalMailSettings, environment: AdapterEnvironment): HttpPopulationRegister {
  const endpoint = settings.endpoints.populationRegister;
  return new HttpPopulationRegister({
    baseUrl: environment.simulatorUrl,
    timeoutMs: environment.timeoutMs,
    navet: endpoint ? () => navetConnectionOf(endpoint, environment.env) : undefined,
    routing: protectedLetterRoutingOf(settings),
  });
}

/**
 * Mina meddelanden as tenant.yaml names it (the Recipient service and the organisation
 * certificate), else the simulator's SOAP services with a throwaway development certificate.
 */
function mailboxOperatorFor(settings: DigitalMailSettings, environment: AdapterEnvironment): MinaMeddelandenOperator {
  const endpoint = settings.endpoints.mailboxOperator;
  if (!endpoint) {
    return new MinaMeddelandenOperator({
      recipientServiceUrl: new URL(SIMULATOR_RECIPIENT_PATH, environment.simulatorUrl).toString(),
      credentials: developmentCredentials,
      acceptedOperators: KNOWN_OPERATORS,
      timeoutMs: environment.timeoutMs,
    });
  }
  return new MinaMeddelandenOperator({
    recipientServiceUrl: endpoint.url,
    credentials: namedCredentials(environment.certificateDir ?? '.data/certificates', endpoint.certificateRef, endpoint.sealCertificateRef),
    acceptedOperators: endpoint.acceptedOperators,
    timeoutMs: environment.timeoutMs,
  });
}
