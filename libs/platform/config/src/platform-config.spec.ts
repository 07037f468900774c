import * as path from 'node:path';
import { loadPlatformConfig, PlatformConfigError } from './platform-config';

describe('loadPlatformConfig', () => {
  it('defaults to embedded PGlite under .data when no DATABASE_URL is set', () => {
    const config = loadPlatformConfig({}, '/srv/kommuna');
    expect(config.database).toEqual({
      kind: 'pglite',
      dataDir: path.resolve('/srv/kommuna/.data/pglite'),
      initdbCacheDir: path.resolve('/srv/kommuna/node_modules/.cache/kommuna'),
    });
    expect(config.port).toBe(3000);
    expect(config.tenantsDir).toBe(path.resolve('/srv/kommuna/tenants'));
  });

  it('selects a PostgreSQL server when DATABASE_URL is set', () => {
    const config = loadPlatformConfig(
      {
        DATABASE_URL: 'postgres://kommuna_app@127.0.0.1:5432/kommuna',
        DATABASE_MIGRATION_URL: 'postgres://kommuna_owner@127.0.0.1:5432/kommuna',
        DATABASE_POOL_SIZE: '20',
      },
      '/srv',
    );
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://kommuna_app@127.0.0.1:5432/kommuna',
      migrationUrl: 'postgres://kommuna_owner@127.0.0.1:5432/kommuna',
      poolSize: 20,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadPlatformConfig({ PORT: 'eighty' })).toThrow(PlatformConfigError);
    expect(() => loadPlatformConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadPlatformConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadPlatformConfig({ DATABASE_MIGRATION_URL: 'postgres://o@h/db' })).toThrow(/set DATABASE_URL too/);
  });

  it('refuses a production start without its identity and metrics settings, naming each', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://kommuna_app@db/kommuna' };
    const error = (() => {
      try {
        loadPlatformConfig(production);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(PlatformConfigError);
    expect(error?.message).toMatch(/KEYCLOAK_URL: required when NODE_ENV=production/);
    expect(error?.message).toMatch(/KOMMUNA_METRICS_TOKEN: required when NODE_ENV=production/);
    expect(() => loadPlatformConfig({ ...production, KEYCLOAK_URL: 'https://login.kommuna.example' })).toThrow(/KOMMUNA_METRICS_TOKEN/);
    const config = loadPlatformConfig({
      ...production,
      KEYCLOAK_URL: 'https://login.kommuna.example',
      KOMMUNA_METRICS_TOKEN: 'a-scrape-token-of-32-characters!',
    });
    expect(config).toMatchObject({
      env: 'production',
      auth: { keycloakUrl: 'https://login.kommuna.example' },
      metricsToken: 'a-scrape-token-of-32-characters!',
    });
    // A migration job or tenant export serves neither tokens nor metrics.
    expect(loadPlatformConfig(production, '/srv', { purpose: 'tool' })).toMatchObject({ env: 'production', metricsToken: undefined });
  });

  it('keeps an unset NODE_ENV a development start (npm start), with the local dev-idp', () => {
    expect(loadPlatformConfig({}, '/srv')).toMatchObject({
      env: 'development',
      auth: { keycloakUrl: 'http://127.0.0.1:3001' },
      metricsToken: undefined,
    });
  });
});
