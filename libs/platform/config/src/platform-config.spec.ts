import * as path from 'node:path';
import { loadPlatformConfig, PlatformConfigError } from './platform-config';

describe('loadPlatformConfig', () => {
  it('defaults to embedded PGlite under .data when no DATABASE_URL is set', () => {
    const config = loadPlatformConfig({}, '/srv/kommuna');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('/srv/kommuna/.data/pglite'), initdbCacheDir: path.resolve('/srv/kommuna/node_modules/.cache/kommuna') });
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
});
