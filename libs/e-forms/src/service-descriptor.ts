import type { ServiceDescriptor } from '@kommuna/platform-services';
import { EFormsArchiveContributor } from './archive-contribution';
import { EFormsError } from './errors';
import { eFormsBackgroundTasks } from './retention';
import { E_FORMS_DATABASE_SCHEMA } from './schema';
import { eFormsSettings } from './settings';
import { FormFile, loadEFormsContent, readFormFiles } from './startup-content';

type ConfiguredTenant = Parameters<typeof readFormFiles>[1][number];

/**
 * Each adoptTemplates entry names a member municipality and a template it shares from a form file
 * (tenants/<from>/forms/*.yaml with shareAsTemplate: true). Checked on the files, not the database:
 * tenants/ must be able to start an empty database, so a template shared only through the admin
 * api cannot be adopted from tenant.yaml.
 */
export function checkTemplateAdoptions<T extends ConfiguredTenant>(tenants: readonly T[], files: ReadonlyArray<FormFile<T>>): void {
  const slugs = new Set(tenants.map((t) => t.slug));
  for (const tenant of tenants) {
    for (const [i, adoption] of eFormsSettings(tenant).adoptTemplates.entries()) {
      const field = `tenants/${tenant.slug}/tenant.yaml: services.e-forms.settings.adoptTemplates.${i}`;
      if (!slugs.has(adoption.from))
        throw new EFormsError('E_FORMS_SETTINGS_INVALID', `${field}.from: "${adoption.from}" is not a member municipality`);
      if (adoption.from === tenant.slug) {
        throw new EFormsError(
          'E_FORMS_SETTINGS_INVALID',
          `${field}.from: a municipality does not adopt its own template: it already has the form`,
        );
      }
      const shared = files.some((f) => f.tenant.slug === adoption.from && f.slug === adoption.template && f.shareAsTemplate);
      if (!shared) {
        throw new EFormsError(
          'E_FORMS_SETTINGS_INVALID',
          `${field}.template: ${adoption.from} shares no template "${adoption.template}" (no form file in tenants/${adoption.from}/forms with that slug and shareAsTemplate: true)`,
        );
      }
    }
  }
}

/** E-forms as the platform composes it (@kommuna/services). */
export const E_FORMS_SERVICE: ServiceDescriptor = {
  id: 'e-forms',
  databaseSchema: E_FORMS_DATABASE_SCHEMA,
  // What loadEFormsContent reads before it writes: every tenant's e-forms settings, form files and adoptions.
  validateTenantSettings(loaded, context) {
    const tenants = loaded.map((t) => ({ slug: t.config.slug, config: t.config, enabledServices: Object.keys(t.config.services) }));
    checkTemplateAdoptions(tenants, readFormFiles(context.tenantsDir, tenants));
  },
  compose: ({ database, tenants, tenantsDir }) => ({
    // Its part of a closed case for the archive export: the application, its files, the decision.
    archive: new EFormsArchiveContributor(tenants),
    // Drafts and stored submissions past their retention.
    backgroundTasks: ({ settings = {}, onError }) =>
      eFormsBackgroundTasks(database, tenants, { intervalMs: settings.retentionIntervalMs, onError }),
    // Each municipality's forms (tenants/<slug>/forms/*.yaml), shared templates and adoptions.
    loadStartupContent: async () => {
      await loadEFormsContent({ database, tenants, tenantsDir });
    },
  }),
};
