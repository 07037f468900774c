// npm run catalogue:publiccode — writes docs/publiccode/<service>.publiccode.yml for every shared
// service, from its service.yaml (status as declared there) and its package.json version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { loadServiceCatalogue } from '../descriptor/service-descriptor.loader';
import { publiccodeYaml } from '../publiccode';

const root = path.resolve(__dirname, '../../../..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/publiccode'));
const entries = loadServiceCatalogue(path.join(root, 'libs'), loadTenantConfigs(path.join(root, 'tenants')));
fs.mkdirSync(out, { recursive: true });
for (const entry of entries) {
  const file = path.join(out, `${entry.id}.publiccode.yml`);
  fs.writeFileSync(file, publiccodeYaml(entry));
  console.log(`wrote ${path.relative(root, file)}`);
}
