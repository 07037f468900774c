// npm run services:validate — checks every libs/<service>/service.yaml as the api's start-up would,
// against the tenant files (per-capita keys need every adopting municipality's population).
import * as path from 'node:path';
import { loadTenantConfigs, TenantConfigError } from '@kommuna/platform-tenancy';
import { loadServiceCatalogue, ServiceDescriptorError } from '../descriptor/service-descriptor.loader';

const root = path.resolve(__dirname, '../../../..');
const librariesDir = path.relative(process.cwd(), path.resolve(process.argv[2] ?? path.join(root, 'libs'))) || '.';
const tenantsDir = path.relative(process.cwd(), path.resolve(process.argv[3] ?? path.join(root, 'tenants'))) || '.';
try {
  const entries = loadServiceCatalogue(librariesDir, loadTenantConfigs(tenantsDir));
  console.log(`${entries.length} service descriptors are valid: ${entries.map((e) => `${e.id} ${e.version}`).join(', ')}`);
} catch (error) {
  if (!(error instanceof ServiceDescriptorError) && !(error instanceof TenantConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
