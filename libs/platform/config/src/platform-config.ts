import * as path from 'node:path';
import { z } from 'zod';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** Where the platform keeps its data: embedded PGlite in a folder, or a PostgreSQL server. */
export type DatabaseConfig =
  { kind: 'pglite'; dataDir: string; initdbCacheDir: string } | { kind: 'postgres'; url: string; migrationUrl?: string; poolSize: number };

export interface PlatformConfig {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  logLevel: LogLevel;
  tenantsDir: string;
  database: DatabaseConfig;
  auth: {
    /** Base URL of the Keycloak (or dev-idp) that hosts the realms: realms live at /realms/<realm>. */
    keycloakUrl: string;
    /** The audience tokens must name to reach the api. */
    audience: string;
  };
  /**
   * Requests per minute per client (token subject or IP) and per municipality; 429 beyond. Counted
   * in Redis when `redisUrl` is set, so every replica shares them; else in the process.
   */
  rateLimits: { perClientPerMinute: number; perTenantPerMinute: number; redisUrl?: string };
  /** When set (production must set it), /metrics answers only a scraper presenting it as a bearer token. */
  metricsToken?: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  KOMMUNA_TENANTS_DIR: z.string().min(1).default('tenants'),
  KOMMUNA_DATA_DIR: z.string().min(1).default('.data/pglite'),
  // A new embedded data folder starts from a cached empty cluster kept here (npm run build makes it).
  KOMMUNA_PGLITE_CACHE_DIR: z.string().min(1).default('node_modules/.cache/kommuna'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_MIGRATION_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  KEYCLOAK_URL: z.url().default('http://127.0.0.1:3001'),
  KOMMUNA_AUTH_AUDIENCE: z.string().min(1).default('kommuna-api'),
  KOMMUNA_RATE_LIMIT_PER_CLIENT: z.coerce.number().int().min(1).default(1200),
  KOMMUNA_RATE_LIMIT_PER_TENANT: z.coerce.number().int().min(1).default(30000),
  KOMMUNA_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  KOMMUNA_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export class PlatformConfigError extends KommunaError {
  readonly code = 'PLATFORM_CONFIG_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
}

/**
 * Settings production must be given rather than defaulted: the defaults suit a developer's
 * machine (tokens from the local dev-idp, /metrics open to anyone).
 */
export const PRODUCTION_REQUIRED_SETTINGS: Readonly<Record<string, string>> = {
  KEYCLOAK_URL: 'the Keycloak whose realms issue the tokens the api accepts (the default is the local dev-idp)',
  KOMMUNA_METRICS_TOKEN: 'the bearer token a scraper presents for /metrics (without it /metrics answers anyone)',
};

/**
 * Reads and validates the platform's environment once at start-up; a bad value stops the
 * process with the variable's name rather than surfacing later as an odd failure. A server (the
 * default) in production also needs PRODUCTION_REQUIRED_SETTINGS; a command-line tool (migrations,
 * tenant export) serves no tokens or metrics and runs without them.
 */
export function loadPlatformConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  options: { purpose?: 'server' | 'tool' } = {},
): PlatformConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Every missing production setting at once, so one failed start says all that is needed.
  if (env.NODE_ENV === 'production' && options.purpose !== 'tool') {
    for (const [name, what] of Object.entries(PRODUCTION_REQUIRED_SETTINGS)) {
      if (!env[name]) problems.push(`${name}: required when NODE_ENV=production: ${what}`);
    }
  }
  if (!parsed.success || problems.length) {
    throw new PlatformConfigError(`Invalid environment configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_MIGRATION_URL && !e.DATABASE_URL) {
    throw new PlatformConfigError(
      'Invalid environment configuration:\n  DATABASE_MIGRATION_URL: set DATABASE_URL too (the application role connects with it)',
    );
  }
  const database: DatabaseConfig = e.DATABASE_URL
    ? {
        kind: 'postgres',
        url: e.DATABASE_URL,
        migrationUrl: e.DATABASE_MIGRATION_URL,
        poolSize: e.DATABASE_POOL_SIZE,
      }
    : { kind: 'pglite', dataDir: path.resolve(cwd, e.KOMMUNA_DATA_DIR), initdbCacheDir: path.resolve(cwd, e.KOMMUNA_PGLITE_CACHE_DIR) };
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    tenantsDir: path.resolve(cwd, e.KOMMUNA_TENANTS_DIR),
    database,
    auth: { keycloakUrl: e.KEYCLOAK_URL, audience: e.KOMMUNA_AUTH_AUDIENCE },
    rateLimits: {
      perClientPerMinute: e.KOMMUNA_RATE_LIMIT_PER_CLIENT,
      perTenantPerMinute: e.KOMMUNA_RATE_LIMIT_PER_TENANT,
      redisUrl: e.KOMMUNA_REDIS_URL,
    },
    metricsToken: e.KOMMUNA_METRICS_TOKEN,
  };
}
