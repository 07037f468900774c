/**
 * The home-care service types a decision grants and a visit performs (insatstyper). A fixed list,
 * so a municipality's decisions, its providers' rates and their visits meet on the same words.
 */
export const SERVICE_TYPES = ['personal_care', 'service', 'escort', 'relief'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const SERVICE_TYPE_LABELS: Record<ServiceType, { sv: string; en: string }> = {
  personal_care: { sv: 'Personlig omvårdnad', en: 'Personal care' },
  service: { sv: 'Serviceinsatser', en: 'Service tasks' },
  escort: { sv: 'Ledsagning', en: 'Escort' },
  relief: { sv: 'Avlösning', en: 'Relief for carers' },
};

/** Own units (egen regi) are not paid per hour; private providers under LOV are, at a rate per service type. */
export const PROVIDER_KINDS = ['own_unit', 'lov'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** How a visit's times were registered: the phone at the door's tag, or typed in afterwards. */
export const VERIFICATION_METHODS = ['tag', 'manual'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];
