import { z } from 'zod';
import type { Tenant } from '@kommuna/platform-persistence';
import { EFormsError } from './errors';

const Slug = z.string().regex(/^[a-z][a-z0-9-]{1,59}$/, 'must be a slug (a-z, 0-9, dashes)');

/** services.e-forms.settings in a tenant.yaml. */
export const EFormsSettingsSchema = z
  .object({
    /** The municipality's errand number prefix: every form it adopts numbers its errands with it (its own forms name their own). */
    errandNumberPrefix: z
      .string()
      .regex(/^[A-Z]{2,6}$/, 'must be 2-6 capital letters A-Z')
      .optional(),
    /** Days a draft is kept after its last save, when the form does not say. */
    draftRetentionDays: z.number().int().min(1).max(365).default(30),
    /** Slugs of the forms whose decision rules may decide at once (automated decisions, opt-in per form). */
    automatedDecisions: z.array(Slug).default([]),
    /** Shared templates this municipality adopts (and publishes) at start-up. */
    adoptTemplates: z
      .array(
        z
          .object({
            from: Slug,
            template: Slug,
            unit: z
              .string()
              .regex(/^[a-z][a-z0-9-]{1,59}$/)
              .optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((settings, context) => {
    if (settings.adoptTemplates.length > 0 && !settings.errandNumberPrefix) {
      context.addIssue({
        code: 'custom',
        path: ['errandNumberPrefix'],
        message:
          "is needed to adopt templates: an adopted form numbers its errands with the municipality's own prefix, not the publisher's",
      });
    }
  });

export type EFormsSettings = z.output<typeof EFormsSettingsSchema>;

/** A tenant's e-forms settings, validated; a broken setting names the file and the field. */
export function eFormsSettings(tenant: Pick<Tenant, 'slug' | 'config'>): EFormsSettings {
  const parsed = EFormsSettingsSchema.safeParse(tenant.config.services['e-forms']?.settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EFormsError(
      'E_FORMS_SETTINGS_INVALID',
      `tenants/${tenant.slug}/tenant.yaml: ${['services.e-forms.settings', ...issue.path].join('.')}: ${issue.message}`,
    );
  }
  return parsed.data;
}
