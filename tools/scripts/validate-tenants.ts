// npm run tenants:validate — checks every tenants/<slug>/tenant.yaml as start-up would.
import * as path from 'node:path';
import { loadTenantConfigs, TenantConfigError } from '@kommuna/platform-tenancy';

const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '../../tenants'));
try {
  const tenants = loadTenantConfigs(dir);
  console.log(`${tenants.length} tenant files are valid: ${tenants.map((t) => t.config.slug).join(', ')}`);
} catch (error) {
  if (!(error instanceof TenantConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
