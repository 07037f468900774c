import { z } from 'zod';
import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';

/**
 * The service's part of tenant.yaml (services.home-care.settings). Strict, so a misspelt key
 * is refused at start-up and in CI rather than silently ignored. Add the service's settings here.
 */
export const HomeCareSettingsSchema = z.object({}).strict();
export type HomeCareSettings = z.output<typeof HomeCareSettingsSchema>;

/** Every municipality's settings, checked; the error names each file and field at fault. */
export function validateHomeCareSettings(tenants: readonly LoadedTenantConfig[]): void {
  const problems: string[] = [];
  for (const tenant of tenants) {
    const entry = tenant.config.services['home-care'];
    if (!entry) continue;
    const parsed = HomeCareSettingsSchema.safeParse(entry.settings);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      problems.push(`${tenant.file}: services.home-care.settings${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid home-care settings:\n${problems.join('\n')}`);
}
