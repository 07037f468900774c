// npm run keycloak:realm — writes infra/keycloak/kommuna-realm.json from the tenant files. Rerun it
// whenever a tenant file changes by hand (names, contact.url, auth); the tenant generator does it itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { keycloakRealmExport } from './keycloak-realm';

const root = path.resolve(__dirname, '../..');
const tenants = loadTenantConfigs(path.join(root, 'tenants')).map((t) => t.config);
const target = path.join(root, 'infra/keycloak/kommuna-realm.json');
fs.writeFileSync(target, JSON.stringify(keycloakRealmExport(tenants), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}`);
// A municipality with its own Keycloak is trusted by its issuer and has nothing in the shared realm.
const ownKeycloak = tenants.filter((t) => t.auth.issuer);
if (ownKeycloak.length > 0) console.log(`left out (own Keycloak): ${ownKeycloak.map((t) => `${t.slug} (${t.auth.issuer})`).join(', ')}`);
