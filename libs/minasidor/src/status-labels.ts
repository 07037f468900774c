import { z } from 'zod';
import { KommunaError, type LocalizedText } from '@kommuna/shared-service-contracts';
import { RepresentationSettingsSchema } from './mina-ombud/settings';

/** The citizen-facing statuses every municipality shows (the members' shared vocabulary). */
export const CITIZEN_STATUSES = {
  saved: { sv: 'Sparat', en: 'Saved' },
  submitted: { sv: 'Inskickat', en: 'Submitted' },
  in_progress: { sv: 'Under behandling', en: 'In progress' },
  completion_needed: { sv: 'Komplettering behövs', en: 'Completion needed' },
  decision_made: { sv: 'Beslut finns', en: 'Decision made' },
  closed: { sv: 'Avslutat', en: 'Closed' },
} as const satisfies Record<string, LocalizedText>;

export type CitizenStatus = keyof typeof CITIZEN_STATUSES;
export const CITIZEN_STATUS_KEYS = Object.keys(CITIZEN_STATUSES) as CitizenStatus[];

/** The internal statuses Kommuna itself writes (e-forms, drafts); municipal systems may add their own. */
export const INTERNAL_STATUSES = ['draft', 'received', 'in_progress', 'completion_requested', 'decided', 'closed'] as const;

/** How an internal status reads to the citizen unless the municipality says otherwise. */
export const DEFAULT_STATUS_LABELS: Record<string, CitizenStatus> = {
  draft: 'saved',
  received: 'submitted',
  in_progress: 'in_progress',
  completion_requested: 'completion_needed',
  decided: 'decision_made',
  closed: 'closed',
};

/** An internal status nobody mapped is shown as "Under behandling": true of anything still open. */
export const FALLBACK_STATUS: CitizenStatus = 'in_progress';

/** Whose turn a status implies, when the source does not say. */
export const DEFAULT_WHOSE_TURN: Record<string, 'citizen' | 'municipality' | 'none'> = {
  draft: 'citizen',
  received: 'municipality',
  in_progress: 'municipality',
  completion_requested: 'citizen',
  decided: 'none',
  closed: 'none',
};

const bySwedishLabel = new Map<string, CitizenStatus>(CITIZEN_STATUS_KEYS.map((key) => [CITIZEN_STATUSES[key].sv, key]));

/** A label in tenant.yaml: the Swedish label ("Beslut finns") or its key ("decision_made"). */
const LabelSchema = z.string().transform((value, ctx): CitizenStatus => {
  const key = bySwedishLabel.get(value) ?? (CITIZEN_STATUS_KEYS.includes(value as CitizenStatus) ? (value as CitizenStatus) : undefined);
  if (!key) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a citizen-facing status; use one of ${CITIZEN_STATUS_KEYS.map((k) => `"${CITIZEN_STATUSES[k].sv}"`).join(', ')}`,
    });
    return z.NEVER;
  }
  return key;
});

/** services.minasidor.settings in tenant.yaml. */
export const MinasidorSettingsSchema = z
  .object({
    statusLabels: z
      .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'internal statuses are lower-case a-z, 0-9 and _'), LabelSchema)
      .default({})
      .describe(
        'Internal status → citizen-facing label (Sparat, Inskickat, Under behandling, Komplettering behövs, Beslut finns, Avslutat)',
      ),
    representation: RepresentationSettingsSchema.prefault({}).describe(
      'Who may act for a company or another person: Mina ombud (docs/minasidor.md#representation-mina-ombud)',
    ),
  })
  .strict();

export class MinasidorSettingsError extends KommunaError {
  readonly code = 'TENANT_CONFIG_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
}

/** A municipality's mapping from internal statuses to citizen-facing ones. */
export class StatusLabels {
  private readonly mapping: Record<string, CitizenStatus>;

  constructor(overrides: Record<string, CitizenStatus> = {}) {
    this.mapping = { ...DEFAULT_STATUS_LABELS, ...overrides };
  }

  /** Parses services.minasidor.settings; a bad value names the municipality and the status. */
  static fromSettings(slug: string, settings: unknown): StatusLabels {
    const parsed = MinasidorSettingsSchema.safeParse(settings ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${['services.minasidor.settings', ...issue.path].join('.')}: ${issue.message}`);
      throw new MinasidorSettingsError(`tenants/${slug}/tenant.yaml: ${problems.join('; ')}`);
    }
    return new StatusLabels(parsed.data.statusLabels);
  }

  statusOf(internalStatus: string): CitizenStatus {
    return this.mapping[internalStatus] ?? FALLBACK_STATUS;
  }

  labelOf(internalStatus: string): LocalizedText {
    return CITIZEN_STATUSES[this.statusOf(internalStatus)];
  }

  /**
   * Which internal statuses show as one of `wanted`: the mapped ones, and whether unmapped
   * statuses (shown as the fallback) count too. Used to filter in SQL across municipalities.
   */
  internalStatusesFor(wanted: ReadonlySet<CitizenStatus>): { statuses: string[]; known: string[]; includeUnmapped: boolean } {
    const known = Object.keys(this.mapping);
    return {
      statuses: known.filter((status) => wanted.has(this.mapping[status])),
      known,
      includeUnmapped: wanted.has(FALLBACK_STATUS),
    };
  }
}
