// Writes tenants/tenant.schema.json from the schema kept in code (a test fails when they drift).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tenantConfigJsonSchema } from '@kommuna/platform-tenancy';

const target = path.resolve(__dirname, '../../tenants/tenant.schema.json');
fs.writeFileSync(target, JSON.stringify(tenantConfigJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}`);
