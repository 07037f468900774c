import { z } from 'zod';
import type { LoadedTenantConfig, TenantConfig } from '@kommuna/platform-tenancy';

/**
 * The service's part of tenant.yaml (services.home-care.settings). Strict, so a misspelt key
 * is refused at start-up and in CI rather than silently ignored.
 */
export const HomeCareSettingsSchema = z
  .object({
    /**
     * The units (staff tokens' unit claim) responsible for home care: only their case workers see
     * residents' data (OSL 26 kap.). Another unit, even of the same municipality, gets nothing.
     */
    responsibleUnits: z
      .array(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a unit id such as socialtjanst'))
      .min(1)
      .default(['socialtjanst']),
    /** How far performed time may exceed granted time before it is a deviation (0.05 = 5 %). */
    tolerance: z.number().min(0).max(1).default(0.05),
    /** The share of manually registered visits above which a provider's month is a deviation. */
    manualShareThreshold: z.number().min(0).max(1).default(0.2),
    /**
     * How many whole months a performed-visits file is kept after the month it belongs to (its
     * import's month, else the month it was imported in); the retention task then drops its table.
     * Two years by default: the check and its reviews look back months, not years.
     */
    visitFileRetentionMonths: z.number().int().min(1).max(120).default(24),
  })
  .strict();
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

/** A municipality's settings (validated at start-up), or null when it does not take part. */
export function homeCareSettingsOf(config: TenantConfig): HomeCareSettings | null {
  const entry = config.services['home-care'];
  return entry ? HomeCareSettingsSchema.parse(entry.settings ?? {}) : null;
}
