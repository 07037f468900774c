import { AssuranceLevel, assuranceOfAcr } from './assurance';

/** The roles Kommuna knows (docs/architecture.md#identity-and-access), as Keycloak realm roles. */
export const ROLES = [
  'citizen',
  'company_representative',
  'case_worker',
  'tenant_admin',
  'steering_group',
  'platform_admin',
  'service_account',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified token. Identity numbers stay here, never in logs or URLs. */
export interface Principal {
  /** The token's `sub`: stable per realm. */
  subject: string;
  /** The realm URL (issuer) that vouched for this principal. */
  issuer: string;
  roles: Role[];
  /**
   * Citizens (and company representatives acting as themselves): their Swedish identity number from
   * the eID broker, a personnummer or (for those without one) a samordningsnummer; `identityNumberKind`
   * says which claim it came in.
   */
  personnummer?: string;
  identityNumberKind?: IdentityNumberKind;
  /** Staff: the Keycloak Organizations (municipalities) they are members of. */
  organizations: string[];
  /** Staff: the unit they work in, for secrecy boundaries (e.g. socialtjanst, skola). */
  unit?: string;
  /** Service accounts (client credentials) and the client a user logged in through (`azp`). */
  clientId?: string;
  /** Citizens and company representatives: their party id, the subject context of their own data. */
  partyId?: string;
  /**
   * The OAuth scopes the token was granted (its space-separated `scope` claim). A municipal
   * system's role says who it is; a scope says which interface it was given (e.g. CASE_SYSTEM_SCOPE).
   */
  scopes?: string[];
  /**
   * The e-legitimation level of the login (from `acr`, a Swedish LoA URI): what citizen operations
   * check against their municipality's required level. None for a login that proves no eID level.
   */
  assurance?: AssuranceLevel;
}

/**
 * OIDC Sweden's claims for a person's Swedish identity number (swedish-oidc-claims-specification
 * 1.0): the eID broker issues them, the realm imports them into user attributes and writes them into
 * Kommuna's tokens under the same names. Twelve digits each.
 */
export const OIDC_SWEDEN_CLAIMS = {
  personalIdentityNumber: 'https://id.oidc.se/claim/personalIdentityNumber',
  coordinationNumber: 'https://id.oidc.se/claim/coordinationNumber',
} as const;

/** Which of OIDC Sweden's two claims a person's identity number came in. */
export type IdentityNumberKind = 'personnummer' | 'samordningsnummer';

/** Raw claims of a Keycloak access token, as far as Kommuna reads them. */
export interface KeycloakClaims {
  sub?: string;
  iss?: string;
  azp?: string;
  client_id?: string;
  realm_access?: { roles?: unknown };
  organization?: unknown;
  'https://id.oidc.se/claim/personalIdentityNumber'?: unknown;
  'https://id.oidc.se/claim/coordinationNumber'?: unknown;
  unit?: unknown;
  scope?: unknown;
  acr?: unknown;
}

/**
 * The scope a municipal system's service account needs to take e-forms submissions into its case
 * system (list, fetch, acknowledge with its diarienummer): the realm export gives it to every
 * `<slug>-system` client, dev-idp too.
 */
export const CASE_SYSTEM_SCOPE = 'eforms-submissions';

/** Whether the token was granted `scope`. */
export const hasScope = (principal: Pick<Principal, 'scopes'>, scope: string): boolean => principal.scopes?.includes(scope) ?? false;

const scopesOf = (claim: unknown): string[] => (typeof claim === 'string' ? [...new Set(claim.split(' ').filter(Boolean))] : []);

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * Keycloak writes `organization` as a list of aliases, or (with attributes mapped) as an object
 * keyed by alias; both mean membership.
 */
function organizationsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((o): o is string => typeof o === 'string');
  if (claim && typeof claim === 'object') return Object.keys(claim);
  if (typeof claim === 'string') return [claim];
  return [];
}

/**
 * A person's identity number and which claim it came in: the personnummer, else (a person without
 * one) the samordningsnummer. The Authenticator checks that the number is of the kind its claim says.
 */
function identityNumberOf(claims: KeycloakClaims): Pick<Principal, 'personnummer' | 'identityNumberKind'> {
  const personnummer = claims[OIDC_SWEDEN_CLAIMS.personalIdentityNumber];
  if (typeof personnummer === 'string') return { personnummer, identityNumberKind: 'personnummer' };
  const samordningsnummer = claims[OIDC_SWEDEN_CLAIMS.coordinationNumber];
  if (typeof samordningsnummer === 'string') return { personnummer: samordningsnummer, identityNumberKind: 'samordningsnummer' };
  return { personnummer: undefined };
}

export function principalFromClaims(claims: KeycloakClaims): Principal {
  const roles = Array.isArray(claims.realm_access?.roles) ? claims.realm_access.roles.filter(isRole) : [];
  return {
    subject: String(claims.sub ?? ''),
    issuer: String(claims.iss ?? ''),
    roles: [...new Set(roles)],
    ...identityNumberOf(claims),
    organizations: organizationsOf(claims.organization),
    unit: typeof claims.unit === 'string' ? claims.unit : undefined,
    clientId: typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : undefined,
    scopes: scopesOf(claims.scope),
    assurance: assuranceOfAcr(claims.acr),
  };
}
