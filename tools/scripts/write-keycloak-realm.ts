// npm run keycloak:realm — writes infra/keycloak/kommuna-realm.json from the tenant files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { keycloakRealmExport } from './keycloak-realm';

const root = path.resolve(__dirname, '../..');
const tenants = loadTenantConfigs(path.join(root, 'tenants')).map((t) => t.config);
const target = path.join(root, 'infra/keycloak/kommuna-realm.json');
fs.writeFileSync(target, JSON.stringify(keycloakRealmExport(tenants), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}`);
