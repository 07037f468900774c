import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FormDefinition, validateFormDefinition } from '@kommuna/e-forms';

/** A form as the municipality publishes it (tenants/<slug>/forms/<form>.yaml), checked as the api checks it. */
export function tenantForm(slug: string, form: string): FormDefinition {
  const file = path.resolve(__dirname, '../../../../tenants', slug, 'forms', `${form}.yaml`);
  return validateFormDefinition((parse(fs.readFileSync(file, 'utf8')) as { definition: unknown }).definition);
}
