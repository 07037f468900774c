// A municipality's closed cases as E-ARK SIPs for its e-archive (docs/archive.md):
//   npm run archive:export -- --tenant <slug> --closed-before <date> [--closed-from <date>] [--out <dir>] [--validate]
//   npm run archive:export -- --tenant <slug> --case <errand number> [--out <dir>] [--validate]
// A period writes one <OBJID>.tar per case and delivery.json; --case writes the package folder.
// --validate checks every package with xmllint (Debian: libxml2-utils) against the published schemas.
// On the embedded database, stop `npm start` first: one process at a time may open the folder.
import { loadPlatformConfig } from '@kommuna/platform-config';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { composeServices } from '@kommuna/services';
import { parseArchiveExportArguments, runArchiveExport } from '../archive/archive-export.command';
import { APP_DATABASE_SCHEMA } from '../database-schema';
import { databaseTarget } from '../platform-runtime';

async function main(): Promise<void> {
  const options = parseArchiveExportArguments(process.argv.slice(2));
  const config = loadPlatformConfig(process.env, process.cwd(), { purpose: 'tool' });
  const database = await Database.open(databaseTarget(config), APP_DATABASE_SCHEMA);
  try {
    const tenants = new TenantDirectory(database);
    await tenants.sync(loadTenantConfigs(config.tenantsDir).map((t) => t.config));
    const services = composeServices(database, tenants, config);
    for (const line of await runArchiveExport(options, { database, tenants, services })) console.log(line);
  } finally {
    await database.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
