import { z } from 'zod';

/** publiccode.yml's development statuses, in the order a service matures (obsolete ends it). */
export const DEVELOPMENT_STATUSES = ['concept', 'development', 'beta', 'stable', 'obsolete'] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];

export const ALLOCATION_KEYS = ['equal', 'per_capita', 'per_use'] as const;
export type AllocationKey = (typeof ALLOCATION_KEYS)[number];

export const BENEFIT_UNITS = ['minutes', 'hours', 'SEK'] as const;
export type BenefitUnit = (typeof BENEFIT_UNITS)[number];

export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;

/**
 * What a benefit figure rests on: `measured` (a time study or invoices), `members_estimate` (the
 * members' own figure, not yet followed up) or `assumption` (no underlying figure: to be replaced).
 */
export const BENEFIT_BASES = ['measured', 'members_estimate', 'assumption'] as const;

/** How many municipalities must run a service in production before it may be called stable. */
export const DEFAULT_STABLE_MIN_PRODUCTION = 3;

const localized = z.object({ sv: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const identifier = z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/, 'must be lower-case a-z, 0-9, _ and -');

const BenefitHypothesisSchema = z
  .object({
    id: identifier.describe('Stable id, referred to by follow-ups'),
    metric: identifier.describe('The metered metric the benefit is per unit of, e.g. submissions'),
    name: localized,
    perUnit: z
      .object({
        low: z.number().nonnegative(),
        high: z.number().nonnegative(),
        unit: z.enum(BENEFIT_UNITS),
      })
      .strict()
      .refine((range) => range.high >= range.low, { error: 'high must not be below low', path: ['high'] }),
    sekPerHour: z.number().positive().optional().describe('What an hour saved is worth (time-based units only)'),
    source: z.string().trim().min(1).describe('Where the figure comes from'),
    basis: z.enum(BENEFIT_BASES).default('assumption').describe('measured, members_estimate or assumption'),
    confidence: z.enum(CONFIDENCE_LEVELS),
  })
  .strict()
  .superRefine((hypothesis, ctx) => {
    const timeBased = hypothesis.perUnit.unit !== 'SEK';
    if (timeBased && hypothesis.sekPerHour === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sekPerHour'],
        message: `is required when the unit is ${hypothesis.perUnit.unit} (time is valued in SEK per hour)`,
      });
    }
    if (!timeBased && hypothesis.sekPerHour !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sekPerHour'], message: 'applies to time-based units only; this benefit is already in SEK' });
    }
  });

const CostModelSchema = z
  .object({
    budgetsSek: z
      .record(z.string().regex(/^20\d\d$/, 'must be a year, e.g. 2026'), z.number().int('must be whole kronor').nonnegative())
      .default({})
      .describe('The budget decided for each year, whole kronor: { 2026: 800000, ... }; a year not listed has no budget'),
    allocationKey: z.enum(ALLOCATION_KEYS),
    usageMetric: identifier.optional().describe('The metered metric whose yearly use divides a per_use budget'),
  })
  .strict()
  .superRefine((cost, ctx) => {
    if (cost.allocationKey === 'per_use' && !cost.usageMetric) {
      ctx.addIssue({ code: 'custom', path: ['usageMetric'], message: 'is required for the per_use allocation key' });
    }
    if (cost.allocationKey !== 'per_use' && cost.usageMetric) {
      ctx.addIssue({ code: 'custom', path: ['usageMetric'], message: `applies to per_use only, not ${cost.allocationKey}` });
    }
  });

/**
 * A shared service's descriptor, libs/<service>/service.yaml, modelled on publiccode.yml
 * (https://yml.publiccode.tools): what the service is, who keeps it, how mature it is, what it is
 * believed to save and how its cost is shared. Version and changelog are read from the library's
 * package.json and CHANGELOG.md, never kept here.
 */
export const ServiceDescriptorSchema = z
  .object({
    id: identifier.describe('The service id, as in tenant.yaml services'),
    name: localized,
    shortDescription: localized,
    longDescription: localized,
    features: z
      .object({ sv: z.array(z.string().trim().min(1)).min(1), en: z.array(z.string().trim().min(1)).min(1) })
      .strict()
      .describe('What the service does, a few short lines per language (publiccode.yml features)'),
    domain: z.object({ id: identifier, name: localized }).strict().describe('Verksamhetsområde'),
    owner: z.object({ team: z.string().trim().min(1), email: z.email() }).strict(),
    url: z.url().describe('Where the source code lives (publiccode.yml url)'),
    categories: z
      .array(z.string().regex(/^[a-z0-9-]+$/, 'must be a publiccode.yml category (a-z, 0-9, dashes)'))
      .min(1)
      .describe('publiccode.yml categories'),
    license: z.string().trim().min(1).default('EUPL-1.2'),
    developmentStatus: z.enum(DEVELOPMENT_STATUSES),
    promotion: z
      .object({ stableMinProduction: z.number().int().min(1).default(DEFAULT_STABLE_MIN_PRODUCTION) })
      .strict()
      .default({ stableMinProduction: DEFAULT_STABLE_MIN_PRODUCTION }),
    maintenance: z
      .object({
        type: z.enum(['internal', 'contract', 'community', 'none']),
        contractor: z.string().trim().min(1).optional(),
        until: isoDate.optional(),
        contacts: z.array(z.object({ name: z.string().min(1), email: z.email().optional() }).strict()).default([]),
      })
      .strict()
      .superRefine((m, ctx) => {
        if (m.type === 'contract' && (!m.contractor || !m.until)) {
          ctx.addIssue({
            code: 'custom',
            path: [m.contractor ? 'until' : 'contractor'],
            message: 'is required when maintenance type is contract',
          });
        }
      }),
    dependencies: z
      .array(
        z
          .object({
            name: z.string().trim().min(1),
            kind: z.enum(['service', 'platform', 'external']),
            optional: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    benefits: z.array(BenefitHypothesisSchema).default([]),
    cost: CostModelSchema,
  })
  .strict()
  .superRefine((descriptor, ctx) => {
    const seen = new Set<string>();
    descriptor.benefits.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: ['benefits', i, 'id'], message: `"${b.id}" is used twice` });
      seen.add(b.id);
    });
  });

export type ServiceDescriptor = z.output<typeof ServiceDescriptorSchema>;
export type BenefitHypothesis = ServiceDescriptor['benefits'][number];
export type CostModel = ServiceDescriptor['cost'];

/** A service's budget for a year as service.yaml gives it; null when none was decided for that year. */
export function budgetFor(cost: Pick<CostModel, 'budgetsSek'>, year: number): number | null {
  return cost.budgetsSek[String(year)] ?? null;
}
