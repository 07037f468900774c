// A municipality's data out of and into an installation (docs/onboarding.md, offboarding):
//   npm run tenant:export -- <slug> <directory>    every table as JSON Lines + attachments + manifest
//   npm run tenant:import -- <directory|file.tar>  into an installation that does not have the municipality
// On the embedded database, stop `npm start` first: one process at a time may open the folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { exportTenant, importTenant, importTenantArchive } from '@kommuna/platform-data-portability';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { APP_DATABASE_SCHEMA } from '../database-schema';
import { databaseTarget } from '../platform-runtime';

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const config = loadPlatformConfig(process.env, process.cwd(), { purpose: 'tool' });
  const database = await Database.open(databaseTarget(config), APP_DATABASE_SCHEMA);
  try {
    if (command === 'export') {
      const [slug, directory] = args;
      if (!slug || !directory) throw new Error('usage: npm run tenant:export -- <slug> <directory>');
      const tenants = await new TenantDirectory(database).sync(loadTenantConfigs(config.tenantsDir).map((t) => t.config));
      const tenant = tenants.find((t) => t.slug === slug);
      if (!tenant) throw new Error(`No municipality "${slug}" in ${config.tenantsDir}`);
      const manifest = await exportTenant(database, tenant.id, path.resolve(directory));
      console.log(`Exported ${slug}: ${manifest.tables.length} tables, ${manifest.files.length} files, to ${path.resolve(directory)}`);
    } else if (command === 'import') {
      const [source] = args;
      if (!source) throw new Error('usage: npm run tenant:import -- <directory|file.tar>');
      const location = path.resolve(source);
      // An archive is unpacked into a temporary folder that is removed again, however the import ends.
      const manifest = fs.statSync(location).isFile()
        ? await importTenantArchive(database, location)
        : await importTenant(database, location);
      console.log(
        `Imported ${manifest.tenant.slug}: ${manifest.tables.reduce((n, t) => n + t.rows, 0)} rows. Add tenants/${manifest.tenant.slug}/tenant.yaml and restart to serve it.`,
      );
    } else {
      throw new Error('usage: tenant-data export <slug> <directory> | import <directory|file.tar>');
    }
  } finally {
    await database.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
