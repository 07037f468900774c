import type { TenantDirectory } from '@kommuna/platform-persistence';
import { CITIZEN_ASSURANCE_LEVELS, CitizenAssuranceLevel } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * Assurance levels of Swedish e-legitimation (Tillitsramverket för Svensk e-legitimation), lowest
 * first. A resident's token carries the level of their eID login in `acr`, as the eID broker
 * asserted it (OIDC Sweden / Sweden Connect).
 */
export const ASSURANCE_LEVELS = ['loa1', 'loa2', 'loa3', 'loa4'] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

/** The default a municipality requires of residents when its tenant.yaml names none. */
export const DEFAULT_CITIZEN_ASSURANCE: CitizenAssuranceLevel = 'loa3';

const LOA_PREFIX = 'http://id.elegnamnden.se/loa/1.0/';

/** The `acr` URI of a level, e.g. http://id.elegnamnden.se/loa/1.0/loa3. */
export const acrOf = (level: AssuranceLevel): string => `${LOA_PREFIX}${level}`;

/**
 * What an `acr` proves. Only the certified Swedish levels and their eIDAS notified counterparts
 * count; anything else (Keycloak's "0"/"1", `uncertified-loa3`, a level Kommuna does not know) proves
 * no e-legitimation at all.
 */
const LEVEL_OF_ACR: Record<string, AssuranceLevel> = {
  ...Object.fromEntries(ASSURANCE_LEVELS.map((level) => [acrOf(level), level])),
  // eIDAS notified eIDs (a resident of another EU country): low, substantial, high.
  [`${LOA_PREFIX}eidas-low`]: 'loa2',
  [`${LOA_PREFIX}eidas-nf-low`]: 'loa2',
  [`${LOA_PREFIX}eidas-sub`]: 'loa3',
  [`${LOA_PREFIX}eidas-nf-sub`]: 'loa3',
  [`${LOA_PREFIX}eidas-high`]: 'loa4',
  [`${LOA_PREFIX}eidas-nf-high`]: 'loa4',
};

export function assuranceOfAcr(acr: unknown): AssuranceLevel | undefined {
  return typeof acr === 'string' ? LEVEL_OF_ACR[acr] : undefined;
}

/** Whether `actual` is at least `required`. */
export function meetsAssurance(actual: AssuranceLevel | undefined, required: AssuranceLevel): boolean {
  return actual !== undefined && ASSURANCE_LEVELS.indexOf(actual) >= ASSURANCE_LEVELS.indexOf(required);
}

/** The strictest of some required levels (a request that names no municipality meets them all). */
export function strictestAssurance(levels: CitizenAssuranceLevel[]): CitizenAssuranceLevel {
  if (levels.length === 0) return DEFAULT_CITIZEN_ASSURANCE;
  return levels.reduce((a, b) => (CITIZEN_ASSURANCE_LEVELS.indexOf(b) > CITIZEN_ASSURANCE_LEVELS.indexOf(a) ? b : a));
}

/**
 * 403: the resident logged in with an e-legitimation below the level this municipality requires.
 * The client can send them to log in again at `required` (e.g. BankID instead of a lower eID).
 */
export class InsufficientAssuranceError extends KommunaError {
  readonly code = 'INSUFFICIENT_ASSURANCE';
  readonly status = 403;
  override readonly details: { required: AssuranceLevel; requiredAcr: string; actual: AssuranceLevel | null };
  constructor(required: AssuranceLevel, actual: AssuranceLevel | undefined) {
    const needed = `This needs e-legitimation at assurance level ${required.slice(3)} (${required})`;
    const how = `log in again with an eID of level ${required.slice(3)} or higher${required === 'loa3' ? ', such as BankID or Freja eID+' : ''}`;
    super(actual ? `${needed}; you logged in at ${actual}: ${how}` : `${needed}; your login states no e-legitimation level: ${how}`);
    this.details = { required, requiredAcr: acrOf(required), actual: actual ?? null };
  }
}

/**
 * The level residents need in a request: the addressed municipality's, or, when a request names
 * none (Mina sidor across municipalities), the strictest any member requires.
 */
export function requiredResidentAssurance(
  tenants: Pick<TenantDirectory, 'findBySlug' | 'all'>,
  tenantSlug: string | undefined,
): CitizenAssuranceLevel {
  const levelOf = (config: { auth: { citizenAssurance?: CitizenAssuranceLevel } }) =>
    config.auth.citizenAssurance ?? DEFAULT_CITIZEN_ASSURANCE;
  const tenant = tenantSlug ? tenants.findBySlug(tenantSlug) : undefined;
  if (tenant) return levelOf(tenant.config);
  return strictestAssurance(tenants.all().map((t) => levelOf(t.config)));
}

/** Why a resident may not act in their own name in this request (their eID level is too low), if so. */
export function residentAssuranceProblem(
  principal: { assurance?: AssuranceLevel },
  tenants: Pick<TenantDirectory, 'findBySlug' | 'all'>,
  tenantSlug: string | undefined,
): InsufficientAssuranceError | undefined {
  const required = requiredResidentAssurance(tenants, tenantSlug);
  return meetsAssurance(principal.assurance, required) ? undefined : new InsufficientAssuranceError(required, principal.assurance);
}
