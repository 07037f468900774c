// A municipality's closed cases as E-ARK SIPs for its e-archive (docs/archive.md):
//   npm run archive:export -- --tenant <slug> --closed-before <date> [--closed-from <date>] [--out <dir>] [--validate]
//   npm run archive:export -- --tenant <slug> --case <errand number> [--out <dir>] [--validate]
// A period writes one <OBJID>.tar per case and delivery.json; --case writes the package folder.
// --validate checks every package with xmllint (Debian: libxml2-utils) against the published schemas.
// On the embedded database, stop `npm start` first: one process at a time may open the folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { CaseArchiveExport, parseArchiveDate, validateSipPackage } from '@kommuna/platform-archive-export';
import { extractTar } from '@kommuna/platform-data-portability';
import { Database, PartyRegister, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { ComposedServices, servicesDir } from '@kommuna/services';
import { APP_DATABASE_SCHEMA } from '../database-schema';
import { databaseTarget } from '../platform-runtime';

const USAGE =
  'usage: npm run archive:export -- --tenant <slug> (--closed-before <YYYY-MM-DD> [--closed-from <YYYY-MM-DD>] | --case <errand number>) [--out <dir>] [--validate]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      'closed-before': { type: 'string' },
      'closed-from': { type: 'string' },
      case: { type: 'string' },
      out: { type: 'string' },
      validate: { type: 'boolean', default: false },
    },
  });
  if (!values.tenant || (!values['closed-before'] && !values.case) || (values['closed-before'] && values.case)) throw new Error(USAGE);
  // Dates are read before the database is opened: a typo costs nothing.
  const before = values['closed-before'] ? parseArchiveDate(values['closed-before'], '--closed-before') : null;
  const from = values['closed-from'] ? parseArchiveDate(values['closed-from'], '--closed-from') : null;
  const out = path.resolve(values.out ?? `archive-${values.tenant}-${new Date().toISOString().slice(0, 10)}`);

  const config = loadPlatformConfig(process.env, process.cwd(), { purpose: 'tool' });
  const database = await Database.open(databaseTarget(config), APP_DATABASE_SCHEMA);
  try {
    const tenants = new TenantDirectory(database);
    const tenant = (await tenants.sync(loadTenantConfigs(config.tenantsDir).map((t) => t.config))).find((t) => t.slug === values.tenant);
    if (!tenant) throw new Error(`No municipality "${values.tenant}" in ${config.tenantsDir}`);
    const services = new ComposedServices({
      database,
      tenants,
      parties: new PartyRegister(database),
      env: config.env,
      tenantsDir: config.tenantsDir,
      servicesDir: servicesDir(),
    });
    const archive = new CaseArchiveExport(database, services.archiveContributors());
    await requestContext.run({ requestId: 'archive-export', tenantId: tenant.id }, async () => {
      if (values.case) {
        const written = await archive.exportCase(tenant, values.case, out);
        if (values.validate) await validateSipPackage(written.directory);
        console.log(`${written.errandNumber}: ${written.directory} (${written.files.length} files${values.validate ? ', valid' : ''})`);
        return;
      }
      if (!before) throw new Error(USAGE);
      const delivery = await archive.exportClosedCases(tenant, { from, before }, out);
      for (const entry of delivery.packages) {
        if (values.validate) await validateTar(path.join(out, entry.file), entry.objid);
        console.log(`${entry.errandNumber}: ${path.join(out, entry.file)}${values.validate ? ' (valid)' : ''}`);
      }
      for (const skipped of delivery.skipped) console.log(`${skipped.errandNumber}: left out, ${skipped.code}: ${skipped.reason}`);
      console.log(
        `${tenant.slug}: ${delivery.packages.length} cases exported, ${delivery.skipped.length} left out; ${path.join(out, 'delivery.json')}`,
      );
    });
  } finally {
    await database.close();
  }
}

/** Unpacks a package archive into a temporary folder, validates it, and removes the folder again. */
async function validateTar(file: string, objid: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-archive-check-'));
  try {
    await extractTar(fs.readFileSync(file), dir);
    await validateSipPackage(path.join(dir, objid));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
