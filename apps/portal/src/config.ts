import { z } from 'zod';

export interface PortalConfig {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** Where browsers reach the portal (the OIDC redirect URI is built on it). */
  publicUrl: string;
  /** Whether publicUrl was made from host and port (no PORTAL_PUBLIC_URL), so it names the port. */
  publicUrlFromPort: boolean;
  /** The realm's base URL, e.g. http://127.0.0.1:3001/realms/kommuna. */
  realmUrl: string;
  clientId: string;
  /** The api's GraphQL endpoint. */
  apiUrl: string;
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORTAL_HOST: z.string().min(1).default('127.0.0.1'),
  PORTAL_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  PORTAL_PUBLIC_URL: z.url().optional(),
  KEYCLOAK_URL: z.url().default('http://127.0.0.1:3001'),
  KEYCLOAK_REALM: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('kommuna'),
  PORTAL_CLIENT_ID: z.string().min(1).default('kommuna-web'),
  API_URL: z.url().default('http://127.0.0.1:3000/graphql'),
});

/** How a browser reaches an address the portal listens on (a wildcard address is reached on loopback). */
const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

export class PortalConfigError extends Error {
  readonly code = 'PORTAL_CONFIG_INVALID';
}

/** The portal's environment, validated once at start-up (a bad value names its variable). */
export function loadPortalConfig(env: NodeJS.ProcessEnv = process.env): PortalConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new PortalConfigError(
      `Invalid environment configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.PORTAL_HOST,
    port: e.PORTAL_PORT,
    publicUrl: (e.PORTAL_PUBLIC_URL ?? `http://${urlHost(e.PORTAL_HOST)}:${e.PORTAL_PORT}`).replace(/\/+$/, ''),
    publicUrlFromPort: e.PORTAL_PUBLIC_URL === undefined,
    realmUrl: `${e.KEYCLOAK_URL.replace(/\/+$/, '')}/realms/${e.KEYCLOAK_REALM}`,
    clientId: e.PORTAL_CLIENT_ID,
    apiUrl: e.API_URL,
  };
}
