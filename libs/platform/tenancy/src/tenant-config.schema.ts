import { AA_TEXT_CONTRAST, contrastRatio, HEX_COLOUR } from './colour-contrast';
import { z } from 'zod';
import { allKommuner, parseOrganisationsnummer } from '@kommuna/shared-identifiers';

/** The shared services a municipality can take part in (docs/architecture.md#layout-and-boundaries). */
export const SERVICE_IDS = ['digital-mail', 'e-forms', 'minasidor', 'catalogue', 'home-care', 'ai', 'rules'] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

/**
 * How far a municipality has come with a service: read by the steering group's adoption matrix.
 * `planned`: configured and available for setting up and trying out, but not in use until the
 * steering group decides; it pays no share of the service's costs and counts for no promotion.
 */
export const ADOPTION_STAGES = ['planned', 'piloting', 'production', 'leaving'] as const;

/**
 * The e-legitimation assurance levels a municipality may require of residents (the Swedish
 * framework's LoA, http://id.elegnamnden.se/loa/1.0/<level>); platform-auth reads them from `acr`.
 */
export const CITIZEN_ASSURANCE_LEVELS = ['loa2', 'loa3', 'loa4'] as const;
export type CitizenAssuranceLevel = (typeof CITIZEN_ASSURANCE_LEVELS)[number];

const kommunkoder = allKommuner()
  .map((kommun) => kommun.kod)
  .sort() as [string, ...string[]];

const isoDate = z.iso.date('must be a date YYYY-MM-DD');

const ServiceEntrySchema = z
  .object({
    stage: z.enum(ADOPTION_STAGES).describe('planned (not yet in use, pays nothing), piloting, production or leaving'),
    // The adoption's history, for the steering group's pro-rata cost shares: a member pays for the
    // months it used the service (from pilotingFrom, else productionFrom, until leftOn), so joining
    // or leaving never changes a past year's shares.
    pilotingFrom: isoDate.optional().describe('The day the municipality started piloting the service'),
    productionFrom: isoDate.optional().describe('The day the municipality put the service in production'),
    leftOn: isoDate.optional().describe('The first day the municipality no longer used the service'),
    // Each service library validates its own settings; the tenant file only gives them room.
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.pilotingFrom && entry.productionFrom && entry.productionFrom < entry.pilotingFrom) {
      ctx.addIssue({ code: 'custom', path: ['productionFrom'], message: 'is before pilotingFrom' });
    }
    const start = entry.pilotingFrom ?? entry.productionFrom;
    if (entry.leftOn && start && entry.leftOn <= start) {
      ctx.addIssue({ code: 'custom', path: ['leftOn'], message: `must be after the service was taken into use (${start})` });
    }
    if (entry.stage === 'planned' && (entry.productionFrom || entry.leftOn)) {
      ctx.addIssue({
        code: 'custom',
        path: [entry.productionFrom ? 'productionFrom' : 'leftOn'],
        message: 'a planned service is not in use yet: give pilotingFrom at most',
      });
    }
    if (entry.stage === 'piloting' && entry.productionFrom) {
      ctx.addIssue({
        code: 'custom',
        path: ['productionFrom'],
        message: 'a service still piloting has no production date: set the stage to production',
      });
    }
  });

type ServiceEntries = Record<ServiceId, z.ZodOptional<typeof ServiceEntrySchema>>;

export const TenantConfigSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,40}$/, 'must be lower-case a-z, 0-9 and dashes, starting with a letter')
      .describe('Stable identifier, the folder name under tenants/'),
    kommunkod: z.enum(kommunkoder, { error: "must be one of Sweden's 290 municipality codes (SCB kommunkod)" }),
    organisationsnummer: z.string().refine((value) => parseOrganisationsnummer(value).ok, {
      error: 'must be a valid organisationsnummer (NNNNNN-NNNN with a correct check digit)',
    }),
    names: z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict(),
    population: z.number().int().positive().optional().describe('Inhabitants, for per-capita cost sharing'),
    memberSince: isoDate
      .optional()
      .describe("The day the municipality joined the cooperation: a service's start when its entry gives no date of its own"),
    lifecycle: z
      .enum(['active', 'suspended', 'closed'])
      .default('active')
      .describe('active; suspended = read-only (offboarding: export still works); closed = no service, data kept until removed'),
    contact: z
      .object({
        name: z.string().min(1).optional(),
        email: z.email(),
        phone: z
          .string()
          .regex(/^\+?[0-9 -]{6,20}$/, 'must be a phone number')
          .optional(),
        url: z.url().optional(),
      })
      .strict(),
    web: z
      .object({
        primaryColor: z
          .string()
          .regex(HEX_COLOUR, 'must be a colour written #rrggbb')
          .superRefine((colour, ctx) => {
            const ratio = contrastRatio(colour, '#ffffff');
            if (ratio < AA_TEXT_CONTRAST)
              ctx.addIssue({
                code: 'custom',
                message: `has a contrast of ${ratio.toFixed(2)}:1 against white; WCAG 2.1 AA needs at least ${AA_TEXT_CONTRAST}:1 (white text on it, it as text on white): choose a darker colour`,
              });
          })
          .optional()
          .describe("The municipality's colour: the web's header and links (white text on it); at least 4.5:1 against white"),
        logo: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]*\.(svg|png)$/, "must be the file name of an .svg or .png in the municipality's folder")
          .optional()
          .describe("The municipality's logo, a file beside tenant.yaml, shown in the web's header"),
      })
      .strict()
      .optional()
      .describe("The residents' web's look for this municipality (apps/web)"),
    hosts: z
      .array(z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?$/, 'must be a host name'))
      .default([])
      .describe('Host names that address this municipality'),
    auth: z
      .object({
        realm: z.string().min(1).default('kommuna').describe('Keycloak realm the municipality logs in through'),
        organization: z
          .string()
          .regex(/^[a-z0-9-]+$/, 'must be a Keycloak organization alias (a-z, 0-9, dashes)')
          .describe("Keycloak Organization whose members are this municipality's staff"),
        issuer: z.url().optional().describe('Only when the municipality runs its own Keycloak'),
        citizenAssurance: z
          .enum(CITIZEN_ASSURANCE_LEVELS)
          .default('loa3')
          .describe(
            "The e-legitimation assurance level (Swedish LoA, the token's acr) a resident needs to submit forms, read their cases and mail here: loa3 (BankID, Freja eID+) unless a lower level is decided",
          ),
      })
      .strict(),
    services: z
      .object(Object.fromEntries(SERVICE_IDS.map((id) => [id, ServiceEntrySchema.optional()])) as ServiceEntries)
      .strict()
      .default({})
      .describe('The shared services this municipality uses, each with its stage and settings'),
  })
  .strict();

export type TenantConfig = z.output<typeof TenantConfigSchema>;
/** A tenant.yaml as written: fields with defaults may be left out. */
export type TenantConfigInput = z.input<typeof TenantConfigSchema>;

/** The schema as JSON Schema, for editors (written to tenants/tenant.schema.json). */
export function tenantConfigJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kommuna.se/schemas/tenant.schema.json',
    title: 'Kommuna tenant (municipality) configuration',
    ...z.toJSONSchema(TenantConfigSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
