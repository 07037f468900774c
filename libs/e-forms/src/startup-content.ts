import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { formatVersion, parseVersion } from './context';
import { FormDefinition, validateFormDefinition } from './definition';
import { EFormsError, FormDefinitionInvalidError } from './errors';
import { repository } from './repository';
import { FormAdminService } from './services/form-admin.service';
import { canonicalJson } from './services/shared';
import { eFormsSettings } from './settings';

/** A form as tenant content: tenants/<slug>/forms/<form>.yaml, one published version per file. */
const FormFileSchema = z
  .object({
    slug: z.string().regex(/^[a-z][a-z0-9-]{1,59}$/, 'must be a slug (a-z, 0-9, dashes)'),
    unit: z.string().regex(/^[a-z][a-z0-9-]{1,59}$/, 'must be a unit name (a-z, 0-9, dashes)'),
    version: z.string().regex(/^[1-9]\d{0,3}\.\d{1,4}$/, 'must be major.minor, e.g. "1.0" (quoted)'),
    changelog: z.string().min(1).max(2000),
    /** Publish this version as a template other municipalities may adopt. */
    shareAsTemplate: z.boolean().default(false),
    definition: z.unknown(),
  })
  .strict();

type TenantLike = Pick<Tenant, 'slug' | 'enabledServices' | 'config'>;

export interface FormFile<T extends TenantLike = Tenant> {
  tenant: T;
  file: string;
  slug: string;
  unit: string;
  version: { major: number; minor: number };
  changelog: string;
  shareAsTemplate: boolean;
  definition: FormDefinition;
}

const contentError = (file: string, message: string) => new EFormsError('E_FORMS_CONTENT_INVALID', `${file}: ${message}`);

/**
 * Reads and checks every tenant's form files (and e-forms settings) without touching the
 * database: a broken file stops start-up naming the file and the field.
 */
export function readFormFiles<T extends TenantLike>(tenantsDir: string, tenants: T[]): Array<FormFile<T>> {
  const files: Array<FormFile<T>> = [];
  for (const tenant of tenants) {
    eFormsSettings(tenant);
    const dir = path.join(tenantsDir, tenant.slug, 'forms');
    if (!fs.existsSync(dir)) continue;
    const slugs = new Set<string>();
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()) {
      const file = path.join('tenants', tenant.slug, 'forms', name);
      let raw: unknown;
      try {
        raw = parseYaml(fs.readFileSync(path.join(dir, name), 'utf8'));
      } catch (error) {
        throw contentError(file, `not valid YAML: ${(error as Error).message}`);
      }
      const parsed = FormFileSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw contentError(file, `${issue.path.join('.') || '(file)'}: ${issue.message}`);
      }
      if (!tenant.enabledServices.includes('e-forms'))
        throw contentError(file, `${tenant.slug} does not use e-forms (services.e-forms in its tenant.yaml)`);
      if (slugs.has(parsed.data.slug)) throw contentError(file, `slug: another file already defines "${parsed.data.slug}"`);
      slugs.add(parsed.data.slug);
      let definition: FormDefinition;
      try {
        definition = validateFormDefinition(parsed.data.definition);
      } catch (error) {
        if (error instanceof FormDefinitionInvalidError) {
          throw contentError(file, error.details.map((d) => `definition${d.path.replace(/\//g, '.')}: ${d.message}`).join('; '));
        }
        throw error;
      }
      files.push({ ...parsed.data, tenant, file, version: parseVersion(parsed.data.version), definition });
    }
  }
  return files;
}

export interface EFormsContentResult {
  formsCreated: number;
  versionsPublished: number;
  templatesPublished: number;
  adopted: number;
}

/**
 * Loads the shipped forms at start-up, idempotently: creates missing forms, publishes each file's
 * version if it is not there yet (a published version whose file changed without a new version
 * number stops start-up: published versions are immutable), publishes the shared templates and
 * performs the adoptions named in the tenants' settings (adoptTemplates).
 */
export async function loadEFormsContent(options: {
  database: Database;
  tenants: TenantDirectory;
  tenantsDir: string;
}): Promise<EFormsContentResult> {
  const { database, tenants } = options;
  const files = readFormFiles(options.tenantsDir, tenants.all());
  const admin = new FormAdminService(database, tenants);
  const result: EFormsContentResult = { formsCreated: 0, versionsPublished: 0, templatesPublished: 0, adopted: 0 };
  const inTenant = <T>(tenant: Tenant, work: Parameters<Database['transaction']>[0]) =>
    requestContext.run({ requestId: `startup-e-forms-${tenant.slug}`, tenantId: tenant.id, tenantSlug: tenant.slug }, () =>
      database.transaction(work),
    ) as Promise<T>;

  for (const f of files) {
    await inTenant(f.tenant, async (em) => {
      let form = await repository.findForm(em, f.tenant.id, f.slug);
      if (!form) {
        form = await repository.insertForm(em, f.tenant.id, { slug: f.slug, unit: f.unit });
        result.formsCreated++;
      } else if (form.unit !== f.unit) {
        await repository.setFormUnit(em, f.tenant.id, form.id, f.unit);
      }
      const existing = await repository.findVersion(em, f.tenant.id, form.id, f.version);
      if (!existing) {
        await repository.insertVersion(em, f.tenant.id, {
          formId: form.id,
          ...f.version,
          changelog: f.changelog,
          status: 'published',
          definition: f.definition,
        });
        result.versionsPublished++;
      } else if (existing.status !== 'draft' && canonicalJson(existing.definition) !== canonicalJson(f.definition)) {
        throw contentError(
          f.file,
          `version ${formatVersion(f.version)} of "${f.slug}" is already published with other content: published versions never change, raise the version`,
        );
      }
      if (f.shareAsTemplate) {
        await admin.publishTemplateIn(em, f.tenant, f.slug);
        result.templatesPublished++;
      }
    });
  }

  for (const tenant of tenants.all()) {
    const settings = eFormsSettings(tenant);
    for (const [i, adoption] of settings.adoptTemplates.entries()) {
      await inTenant(tenant, async (em) => {
        if (await repository.findForm(em, tenant.id, adoption.template)) return;
        try {
          await admin.adoptIn(em, tenant, { publisher: adoption.from, templateSlug: adoption.template, unit: adoption.unit }, 'published');
          result.adopted++;
        } catch (error) {
          throw new EFormsError(
            'E_FORMS_CONTENT_INVALID',
            `tenants/${tenant.slug}/tenant.yaml: services.e-forms.settings.adoptTemplates.${i}: ${(error as Error).message}`,
          );
        }
      });
    }
  }
  return result;
}
