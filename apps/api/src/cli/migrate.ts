// Runs pending migrations as the owner role and exits: the step a deployment runs once, before
// new api and worker pods start (DATABASE_URL for the app role, DATABASE_MIGRATION_URL for the owner).
import { loadPlatformConfig } from '@kommuna/platform-config';
import { Database } from '@kommuna/platform-persistence';
import { APP_DATABASE_SCHEMA } from '../database-schema';
import { databaseTarget } from '../platform-runtime';

async function main(): Promise<void> {
  const config = loadPlatformConfig(process.env, process.cwd(), { purpose: 'tool' });
  if (config.database.kind === 'postgres' && !config.database.migrationUrl) {
    throw new Error('Set DATABASE_MIGRATION_URL (the owner role) to run migrations');
  }
  const database = await Database.open(databaseTarget(config), APP_DATABASE_SCHEMA);
  const applied = await database.dataSource.query(`SELECT count(*)::int AS n FROM migrations`);
  await database.close();
  console.log(`Database is up to date (${applied[0].n} migrations applied).`);
}

main().catch((error: Error) => {
  console.error(`Migration failed: ${error.message}`);
  process.exitCode = 1;
});
