import { z } from 'zod';
import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';

/**
 * The service's part of tenant.yaml (services.rules.settings). Strict, so a misspelt key
 * is refused at start-up and in CI rather than silently ignored. Add the service's settings here.
 */
export const RulesSettingsSchema = z.object({}).strict();
export type RulesSettings = z.output<typeof RulesSettingsSchema>;

/** Every municipality's settings, checked; the error names each file and field at fault. */
export function validateRulesSettings(tenants: readonly LoadedTenantConfig[]): void {
  const problems: string[] = [];
  for (const tenant of tenants) {
    const entry = tenant.config.services['rules'];
    if (!entry) continue;
    const parsed = RulesSettingsSchema.safeParse(entry.settings);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      problems.push(`${tenant.file}: services.rules.settings${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid rules settings:\n${problems.join('\n')}`);
}
