// Writes apps/api/schema.graphql from the code-first schema (a test fails when they drift).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { JsonLogger } from '@kommuna/platform-logging';
import { Database } from '@kommuna/platform-persistence';
import { createApi } from '../bootstrap';
import { startPlatformRuntime } from '../platform-runtime';
import { printApiSchema } from '../schema-printer';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../../..');
  const config = loadPlatformConfig({ NODE_ENV: 'test', KOMMUNA_TENANTS_DIR: path.join(root, 'tenants') });
  // An in-memory database: writing the schema must not touch anyone's data folder.
  const runtime = await startPlatformRuntime(config, (schema) => Database.open({ kind: 'pglite' }, schema));
  const app = await createApi(runtime, new JsonLogger('warn'));
  const target = path.resolve(__dirname, '../../schema.graphql');
  fs.writeFileSync(target, printApiSchema(app));
  await app.close();
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
