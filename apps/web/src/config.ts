import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';

export interface WebConfig {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** The scheme browsers use to reach the web (https in production): login redirects are built on it. */
  scheme: 'http' | 'https';
  /**
   * Outside production, `<slug>.<localDomain>` also addresses a municipality (browsers send
   * *.localhost to this machine), so every member can be tried on one computer.
   */
  localDomain?: string;
  /** The realm's base URL, e.g. http://127.0.0.1:3001/realms/kommuna. */
  realmUrl: string;
  clientId: string;
  /** The api's GraphQL endpoint. */
  apiUrl: string;
  tenantsDir: string;
  /** Sessions live here when set (shared by replicas, survive restarts); else in an encrypted cookie. */
  redisUrl?: string;
  /** The key sessions and logins in progress are encrypted with (32+ characters). */
  sessionSecret: string;
  /** Whether sessionSecret was made up at start (development): sessions then end with the process. */
  sessionSecretGenerated: boolean;
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  WEB_PUBLIC_SCHEME: z.enum(['http', 'https']).optional(),
  WEB_LOCAL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a domain name')
    .default('localhost'),
  WEB_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  KEYCLOAK_URL: z.url().default('http://127.0.0.1:3001'),
  KEYCLOAK_REALM: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('kommuna'),
  WEB_CLIENT_ID: z.string().min(1).default('kommuna-web'),
  API_URL: z.url().default('http://127.0.0.1:3000/graphql'),
  KOMMUNA_TENANTS_DIR: z.string().min(1).default('tenants'),
  KOMMUNA_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
});

export class WebConfigError extends Error {
  readonly code = 'WEB_CONFIG_INVALID';
}

/** The web's environment, validated once at start-up (a bad value names its variable). */
export function loadWebConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  randomSecret = () => randomBytes(32).toString('base64url'),
): WebConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new WebConfigError(
      `Invalid environment configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // A secret made up at start would log everyone out on every restart and differ between
  // replicas: production must name one.
  if (production && !e.WEB_SESSION_SECRET)
    throw new WebConfigError('Invalid environment configuration:\n  WEB_SESSION_SECRET: required in production (32+ characters)');
  return {
    env: e.NODE_ENV,
    host: e.WEB_HOST,
    port: e.WEB_PORT,
    scheme: e.WEB_PUBLIC_SCHEME ?? (production ? 'https' : 'http'),
    localDomain: production ? undefined : e.WEB_LOCAL_DOMAIN,
    realmUrl: `${e.KEYCLOAK_URL.replace(/\/+$/, '')}/realms/${e.KEYCLOAK_REALM}`,
    clientId: e.WEB_CLIENT_ID,
    apiUrl: e.API_URL,
    tenantsDir: path.resolve(cwd, e.KOMMUNA_TENANTS_DIR),
    redisUrl: e.KOMMUNA_REDIS_URL,
    sessionSecret: e.WEB_SESSION_SECRET ?? randomSecret(),
    sessionSecretGenerated: e.WEB_SESSION_SECRET === undefined,
  };
}
