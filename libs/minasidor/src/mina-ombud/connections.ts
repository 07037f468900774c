import * as fs from 'node:fs';
import type { Tenant } from '@kommuna/platform-persistence';
import { MinasidorSettingsSchema } from '../status-labels';
import { DEFAULT_CONNECTION, MinaOmbudClient } from './client';
import type { MinaOmbudSettings } from './settings';

/** What the process knows of Mina ombud beyond tenant.yaml. */
export interface MinaOmbudEnvironment {
  /** The national-party simulator (DIGITAL_MAIL_SIMULATOR_URL): used when tenant.yaml names no url. */
  simulatorUrl: string;
  /** MINA_OMBUD_ID_TOKEN_KEY_FILE: the id token key when tenant.yaml names no idTokenKeyRef. */
  idTokenKeyFile?: string;
  /** Where `env:` secret references are read. */
  variables: NodeJS.ProcessEnv;
  timeoutMs?: number;
  now?: () => Date;
}

export function minaOmbudEnvironmentFromEnv(env: NodeJS.ProcessEnv = process.env): MinaOmbudEnvironment {
  return {
    simulatorUrl: (env.DIGITAL_MAIL_SIMULATOR_URL ?? 'http://127.0.0.1:3004').replace(/\/+$/, ''),
    idTokenKeyFile: env.MINA_OMBUD_ID_TOKEN_KEY_FILE,
    variables: env,
  };
}

/** The simulator's registered client (apps/digital-mail-simulator mina-ombud/simulator.ts). */
const SIMULATOR_CLIENT = { id: 'kommuna', secret: 'kommuna-simulator-secret' };

export interface TenantConnection {
  client: MinaOmbudClient;
  settings: MinaOmbudSettings;
  /** The municipality's organisationsnummer as Mina ombud writes a third party: 10 digits. */
  tredjeman: string;
}

/**
 * One Mina ombud client per municipality: its tenant.yaml's endpoint and credentials, or the
 * simulator's. Secrets are read from their references when first needed; a missing one is
 * `not_configured` for that municipality only.
 */
export class MinaOmbudConnections {
  private readonly clients = new Map<string, TenantConnection>();

  constructor(private readonly environment: MinaOmbudEnvironment) {}

  of(tenant: Tenant): TenantConnection {
    let connection = this.clients.get(tenant.id);
    if (!connection) {
      const settings = MinasidorSettingsSchema.parse(tenant.config.services.minasidor?.settings ?? {}).representation.minaOmbud;
      const simulated = !settings.url;
      const base = `${this.environment.simulatorUrl}/mina-ombud`;
      const keyRef = settings.idTokenKeyRef ?? (this.environment.idTokenKeyFile ? `file:${this.environment.idTokenKeyFile}` : undefined);
      connection = {
        settings,
        tredjeman: tenant.config.organisationsnummer.replace(/\D/g, ''),
        client: new MinaOmbudClient(
          {
            ...DEFAULT_CONNECTION,
            url: (settings.url ?? `${base}/dfm/formedlare/v2`).replace(/\/+$/, ''),
            tokenUrl: settings.tokenUrl ?? `${base}/token`,
            clientId: settings.clientId ?? SIMULATOR_CLIENT.id,
            clientSecret: simulated ? SIMULATOR_CLIENT.secret : this.secret(settings.clientSecretRef),
            serviceName: settings.serviceName,
            idTokenKeyPem: this.secret(keyRef),
            ...(this.environment.timeoutMs ? { timeoutMs: this.environment.timeoutMs } : {}),
          },
          this.environment.now,
        ),
      };
      this.clients.set(tenant.id, connection);
    }
    return connection;
  }

  /** The secret a reference names, or '' (the client then answers not_configured when it needs it). */
  private secret(ref: string | undefined): string {
    if (!ref) return '';
    if (ref.startsWith('env:')) return this.environment.variables[ref.slice(4)] ?? '';
    // A missing file leaves this municipality's company mode not configured, not the process stopped.
    return fs.existsSync(ref.slice(5)) ? fs.readFileSync(ref.slice(5), 'utf8') : '';
  }
}
