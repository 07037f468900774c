// npm run catalogue:publiccode — writes docs/publiccode/<service>.publiccode.yml for every shared
// service, from its service.yaml (status as declared there), its package.json version and the day
// that version was set (the last commit changing package.json's "version", from git).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { loadServiceCatalogue } from '../descriptor/service-descriptor.loader';
import { publiccodeYaml } from '../publiccode';

const root = path.resolve(__dirname, '../../../..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/publiccode'));

/** YYYY-MM-DD of the last commit that changed the "version" line of libs/<id>/package.json. */
function releaseDate(id: string): string | undefined {
  const date = execFileSync('git', ['log', '-1', '--format=%cs', '-G', '"version"', '--', `libs/${id}/package.json`], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  return date || undefined;
}

const entries = loadServiceCatalogue(path.join(root, 'libs'), loadTenantConfigs(path.join(root, 'tenants')));
fs.mkdirSync(out, { recursive: true });
for (const entry of entries) {
  const file = path.join(out, `${entry.id}.publiccode.yml`);
  fs.writeFileSync(file, publiccodeYaml(entry, { releaseDate: releaseDate(entry.id) }));
  console.log(`wrote ${path.relative(root, file)}`);
}
