// Prints the SQL that would bring the schema in line with the entities after all migrations have
// run (on a fresh embedded database). Nothing printed means migrations and entities agree.
//   npm run migration:generate            prints the statements
//   npm run migration:generate -- --check exits 1 when there are any (CI's drift check)
import { Database } from '@kommuna/platform-persistence';
import { APP_DATABASE_SCHEMA } from '../database-schema';

async function main(): Promise<void> {
  const database = await Database.open({ kind: 'pglite' }, APP_DATABASE_SCHEMA);
  try {
    const sql = await database.dataSource.driver.createSchemaBuilder().log();
    const statements = sql.upQueries.map((q) => q.query);
    for (const statement of statements) console.log(`${statement};`);
    if (process.argv.includes('--check') && statements.length > 0) {
      console.error(`Entities and migrations disagree: ${statements.length} statement(s) above. Write a migration.`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
