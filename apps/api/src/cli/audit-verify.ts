// Verifies every municipality's audit trail link by link and reports the first broken link.
//   npm run audit:verify            exit 0 when every chain is intact, 1 otherwise
// On the embedded database, stop `npm start` first: one process at a time may open the folder.
import { AuditLog } from '@kommuna/platform-audit';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { APP_DATABASE_SCHEMA } from '../database-schema';
import { databaseTarget } from '../platform-runtime';

async function main(): Promise<void> {
  const config = loadPlatformConfig(process.env, process.cwd(), { purpose: 'tool' });
  const database = await Database.open(databaseTarget(config), APP_DATABASE_SCHEMA);
  try {
    const tenants = await new TenantDirectory(database).sync(loadTenantConfigs(config.tenantsDir).map((t) => t.config));
    const audit = new AuditLog(database);
    let broken = 0;
    for (const tenant of tenants) {
      const result = await requestContext.run({ requestId: 'audit-verify', tenantId: tenant.id }, () => audit.verify());
      if (result.intact) {
        console.log(`${tenant.slug}: intact (${result.entries} entries)`);
      } else {
        broken++;
        console.log(`${tenant.slug}: BROKEN at entry ${result.firstBrokenSeq}: ${result.reason}`);
      }
    }
    if (broken > 0) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

main().catch((error: Error) => {
  console.error(`Audit verification failed to run: ${error.message}`);
  process.exitCode = 1;
});
