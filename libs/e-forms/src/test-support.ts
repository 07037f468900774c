// Shared by this library's tests (not exported from index.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { E_FORMS_DATABASE_SCHEMA } from './schema';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The definition of a shipped example form (tenants/<tenant>/forms/<slug>.yaml). */
export function exampleDefinition(slug: string, tenant = 'sundsvall'): any {
  return structuredClone(parse(fs.readFileSync(path.join(REPO_ROOT, 'tenants', tenant, 'forms', `${slug}.yaml`), 'utf8')).definition);
}

/** Real file headers (plus filler): what a scanner or phone would produce at the start. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake jpeg body')]);
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

export { pdfText } from '@kommuna/platform-testing';

/** The tables e-forms' database tests need: the platform's, the audit log's and its own. */
export const E_FORMS_TEST_SCHEMA: DatabaseSchema = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(E_FORMS_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...E_FORMS_DATABASE_SCHEMA.migrations],
};
