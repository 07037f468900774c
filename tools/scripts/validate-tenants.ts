// npm run tenants:validate [tenants-dir] — checks every tenants/<slug>/tenant.yaml and every service's
// settings in it with the same function the api and the worker run at start-up (@kommuna/services).
// Files only: no database. KOMMUNA_SERVICES_DIR overrides where the service libraries are.
import * as path from 'node:path';
import { ServiceSettingsError } from '@kommuna/platform-services';
import { TenantConfigError } from '@kommuna/platform-tenancy';
import { loadValidatedTenants, SERVICES } from '@kommuna/services';

const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '../../tenants'));
try {
  const tenants = loadValidatedTenants(dir);
  console.log(
    `${tenants.length} tenant files are valid: ${tenants.map((t) => t.config.slug).join(', ')} ` +
      `(settings checked by ${SERVICES.map((s) => s.id).join(', ')})`,
  );
} catch (error) {
  if (!(error instanceof TenantConfigError) && !(error instanceof ServiceSettingsError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
