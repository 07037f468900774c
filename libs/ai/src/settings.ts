import { z } from 'zod';
import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';

/** The data classifications a municipality uses unless its tenant.yaml names its own, lowest first. */
export const DEFAULT_CLASSIFICATIONS = ['oppen', 'intern', 'konfidentiell', 'sekretess'] as const;

const classId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a classification id: lower-case letters, digits and dashes');

/**
 * A limit on one model (by its registry name) or one provider (by the processor the registry
 * names) per day or calendar month, Stockholm time: requests, tokens (prompt and completion) and
 * minutes of audio transcribed. A request that would go over is refused before anything is sent.
 */
const AiQuotaSchema = z
  .object({
    model: z.string().min(1).max(100).optional(),
    provider: z.string().min(1).max(200).optional(),
    period: z.enum(['day', 'month']),
    requests: z.number().int().positive().optional(),
    tokens: z.number().int().positive().optional(),
    audioMinutes: z.number().positive().optional(),
  })
  .strict()
  .refine((q) => (q.model === undefined) !== (q.provider === undefined), { message: 'names either a model or a provider' })
  .refine((q) => q.requests !== undefined || q.tokens !== undefined || q.audioMinutes !== undefined, {
    message: 'sets at least one of requests, tokens, audioMinutes',
  });
export type AiQuota = z.output<typeof AiQuotaSchema>;

/**
 * The service's part of tenant.yaml (services.ai.settings). Strict, so a misspelt key is refused at
 * start-up and in CI rather than silently ignored.
 */
export const AiSettingsSchema = z
  .object({
    // Ordered lowest to highest: a model cleared for a class may take every class below it.
    classifications: z
      .array(classId)
      .min(1)
      .default([...DEFAULT_CLASSIFICATIONS]),
    // A case's data class: by the unit that handles it, else the default. Secure by default: a unit
    // nobody classified counts as the highest class, so its cases go only to the most trusted models.
    caseClassByUnit: z.record(z.string().min(1), classId).default({}),
    defaultCaseClass: classId.optional(),
    // From this class up, only models hosted in the EU/EEA may be cleared (GDPR ch. V; the
    // reference's rule for social-services data). Default: the highest class.
    eeaOnlyFrom: classId.optional(),
    // Limits per model or provider (see AiQuotaSchema); none: no limit.
    quotas: z.array(AiQuotaSchema).max(100).default([]),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const known = new Set(settings.classifications);
    if (known.size !== settings.classifications.length)
      ctx.addIssue({ code: 'custom', path: ['classifications'], message: 'lists a classification twice' });
    for (const [unit, cls] of Object.entries(settings.caseClassByUnit)) {
      if (!known.has(cls))
        ctx.addIssue({ code: 'custom', path: ['caseClassByUnit', unit], message: `"${cls}" is not one of the classifications` });
    }
    for (const key of ['defaultCaseClass', 'eeaOnlyFrom'] as const) {
      const cls = settings[key];
      if (cls && !known.has(cls)) ctx.addIssue({ code: 'custom', path: [key], message: `"${cls}" is not one of the classifications` });
    }
  });
export type AiSettings = z.output<typeof AiSettingsSchema>;

/** A municipality's classifications with the rules that read them. */
export class DataClassifications {
  constructor(private readonly settings: AiSettings) {}

  static fromSettings(raw: unknown): DataClassifications {
    return new DataClassifications(AiSettingsSchema.parse(raw ?? {}));
  }

  /** The municipality's quotas per model and provider. */
  get quotas(): readonly AiQuota[] {
    return this.settings.quotas;
  }

  /** Lowest first. */
  get ordered(): readonly string[] {
    return this.settings.classifications;
  }

  has(cls: string): boolean {
    return this.settings.classifications.includes(cls);
  }

  /** Position in the order (higher is more sensitive); -1 when unknown. */
  rank(cls: string): number {
    return this.settings.classifications.indexOf(cls);
  }

  /** Whether a model cleared for `clearance` may receive data of class `dataClass`. */
  permits(clearance: string, dataClass: string): boolean {
    const cleared = this.rank(clearance);
    const needed = this.rank(dataClass);
    return cleared >= 0 && needed >= 0 && cleared >= needed;
  }

  /** The class of a case handled by `unit`. */
  classOfUnit(unit: string): string {
    return this.settings.caseClassByUnit[unit] ?? this.settings.defaultCaseClass ?? this.highest;
  }

  /** Whether data of this class may only go to models hosted in the EU/EEA. */
  needsEea(cls: string): boolean {
    return this.rank(cls) >= this.rank(this.settings.eeaOnlyFrom ?? this.highest);
  }

  private get highest(): string {
    return this.settings.classifications[this.settings.classifications.length - 1];
  }
}

/** Every municipality's settings, checked; the error names each file and field at fault. */
export function validateAiSettings(tenants: readonly LoadedTenantConfig[]): void {
  const problems: string[] = [];
  for (const tenant of tenants) {
    const entry = tenant.config.services['ai'];
    if (!entry) continue;
    const parsed = AiSettingsSchema.safeParse(entry.settings);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      problems.push(`${tenant.file}: services.ai.settings${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid ai settings:\n${problems.join('\n')}`);
}
