// Builds the Keycloak realm export for a real Keycloak (26) from the tenant files: realm roles,
// the web and api clients, one service-account client and one Organization per municipality, and the
// protocol mappers that put personnummer, unit, organization and the api audience into tokens.
//
// How Keycloak's import reads this (RealmManager.importRealm, checked against Keycloak 26.5 in
// apps/api/src/identity/conformance.e2e.spec.ts):
// - `keycloakVersion` says which import migrations the file has already had; without it Keycloak
//   treats the file as ancient.
// - A `clientScopes` list replaces Keycloak's built-in scopes (basic with `sub`, roles with
//   `realm_access`, profile, acr, organization...): so the list holds them all, exactly as Keycloak
//   exports a fresh realm of this release (infra/keycloak/builtin-client-scopes-<version>.json), and
//   Kommuna's one scope of its own, `eforms-submissions`, which its municipal systems get by default.
//   Kommuna's other mappers sit on its clients, beside the built-in default scopes.
// - The user profile declares `unit`, `personnummer`, `samordningsnummer` and `assurance`, editable
//   by administrators (and the eID broker) only: an unmanaged attribute a user could set on themselves
//   would undo unit secrecy. E-mail is optional: residents from the eID broker have none.
// - Organization membership reaches a token only through Keycloak's `organization` scope, so the
//   web client has it among its default scopes.
// - Service accounts are no Organization members: their client carries its municipality as a fixed
//   `organization` claim, in the shape the membership mapper gives users (a list of aliases).
// - Residents log in through an eID broker (identity provider `eid`, OpenID Connect as OIDC Sweden
//   specifies it): its mappers import the personnummer or samordningsnummer (OIDC Sweden's claims)
//   and the login's assurance level (`acr`, a Swedish LoA URI) into the user attributes
//   `personnummer`, `samordningsnummer` and `assurance` on every login, and give the `citizen` role;
//   the web client writes them into its tokens under OIDC Sweden's claim names again, and passes
//   `assurance` on as the token's `acr`, in place of Keycloak's own acr scope (its "0"/"1" say
//   nothing about e-legitimation).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OIDC_SWEDEN_CLAIMS } from '@kommuna/platform-auth';
import type { TenantConfig } from '@kommuna/platform-tenancy';

/** The Keycloak release the export is written for and the tests run (tools/scripts/keycloak-start.ts). */
export const KEYCLOAK_VERSION = '26.5.6';

/** Keycloak's built-in client scopes, as it exports a fresh realm of KEYCLOAK_VERSION. */
function builtinClientScopes(): {
  clientScopes: Array<{ name: string }>;
  defaultDefaultClientScopes: string[];
  defaultOptionalClientScopes: string[];
} {
  return JSON.parse(
    fs.readFileSync(path.resolve(__dirname, `../../infra/keycloak/builtin-client-scopes-${KEYCLOAK_VERSION}.json`), 'utf8'),
  );
}

/** The scope a municipal system needs for the case-system interface (CASE_SYSTEM_SCOPE in platform-auth). */
export const CASE_SYSTEM_SCOPE = 'eforms-submissions';
/** The scope a municipal system needs to deliver events in (INBOUND_EVENTS_SCOPE in platform-events; docs/rules.md). */
export const INBOUND_EVENTS_SCOPE = 'events-in';

const ROLES = ['citizen', 'company_representative', 'case_worker', 'tenant_admin', 'steering_group', 'platform_admin', 'service_account'];

/**
 * Where the web client may send a browser back to: the api's and the portal's callbacks on the
 * default ports (README "Configuration"), as dev-idp registers them. Keycloak matches a wildcard
 * only at the end of a URI, so each municipality's host gets its own entry.
 */
export const LOCAL_WEB_REDIRECT_URIS = [
  'http://127.0.0.1:3000/callback',
  'http://localhost:3000/callback',
  'http://127.0.0.1:3003/auth/callback',
  'http://localhost:3003/auth/callback',
];

/** The residents' web (apps/web) on its default port: one host per municipality, `<slug>.localhost`. */
export const LOCAL_RESIDENT_WEB = { port: 3005, domain: 'localhost' };

/**
 * The eID broker residents log in through (OpenID Connect). The export names dev-idp's test eID
 * provider (its default port, realm `eid`: Skatteverket's test personnummer and samordningsnummer at a
 * level the tester picks); the dev Keycloak of the tests points it at their dev-idp. Production
 * replaces the endpoints with its broker's and keeps the client secret in Keycloak's vault
 * (`eid-client-secret`).
 */
export const TEST_EID_PROVIDER = { issuer: 'http://127.0.0.1:3001/realms/eid', clientId: 'kommuna-broker' };

/**
 * OIDC Sweden's claims and scope for a person's identity number (swedish-oidc-claims-specification
 * 1.0): the personnummer, or the samordningsnummer of a person without one. The broker's tokens carry
 * them, and so do Kommuna's (OIDC_SWEDEN_CLAIMS in platform-auth reads them).
 */
export const OIDC_SWEDEN = {
  ...OIDC_SWEDEN_CLAIMS,
  naturalPersonNumberScope: 'https://id.oidc.se/scope/naturalPersonNumber',
};

/** Keycloak reads a dot in a claim name as a step into a nested object unless it is escaped. */
const escapeClaimName = (claim: string) => claim.replace(/\./g, '\\.');

const tokenClaim = {
  'access.token.claim': 'true',
  'id.token.claim': 'false',
  'userinfo.token.claim': 'true',
  'introspection.token.claim': 'true',
};

const userAttributeMapper = (name: string, claim = name) => ({
  name,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-usermodel-attribute-mapper',
  config: { 'user.attribute': name, 'claim.name': escapeClaimName(claim), 'jsonType.label': 'String', ...tokenClaim },
});

const audienceMapper = (audience: string) => ({
  name: `audience ${audience}`,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-audience-mapper',
  config: {
    'included.client.audience': audience,
    'access.token.claim': 'true',
    'id.token.claim': 'false',
    'introspection.token.claim': 'true',
  },
});

/**
 * The claims the api reads of a person: the identity number (citizens, in OIDC Sweden's claims) and
 * unit (staff). Organization membership comes from Keycloak's own `organization` scope, a default
 * scope of the web client.
 */
const personMappers = (audience: string) => [
  userAttributeMapper('personnummer', OIDC_SWEDEN.personalIdentityNumber),
  userAttributeMapper('samordningsnummer', OIDC_SWEDEN.coordinationNumber),
  userAttributeMapper('unit'),
  audienceMapper(audience),
  // The eID login's assurance level, as the broker stated it, in the token's acr.
  {
    ...userAttributeMapper('assurance'),
    name: 'acr (e-legitimation)',
    config: { ...userAttributeMapper('assurance').config, 'claim.name': 'acr', 'id.token.claim': 'true' },
  },
];

/**
 * The built-in scopes a person's login gets (`basic`: sub; `roles`: realm_access; `organization`).
 * Not `acr`: the eID's level comes through the client's own acr mapper instead.
 */
export const PERSON_CLIENT_SCOPES = ['basic', 'roles', 'profile', 'email', 'web-origins', 'organization'];

/** Kommuna's own client scope: granted, it appears in the token's `scope` claim. */
const caseSystemScope = {
  name: CASE_SYSTEM_SCOPE,
  description: 'A municipal system takes e-forms submissions into its case system',
  protocol: 'openid-connect',
  attributes: { 'include.in.token.scope': 'true', 'display.on.consent.screen': 'false' },
};

/** Granted, a municipality's system may deliver CloudEvents to POST /events/inbound. */
const inboundEventsScope = {
  name: INBOUND_EVENTS_SCOPE,
  description: 'A municipal system or sensor delivers events to its municipality (CloudEvents in)',
  protocol: 'openid-connect',
  attributes: { 'include.in.token.scope': 'true', 'display.on.consent.screen': 'false' },
};

/** The residents' eID broker and what its logins bring: personnummer, assurance level, the citizen role. */
function eidIdentityProvider() {
  const { issuer, clientId } = TEST_EID_PROVIDER;
  const endpoint = (suffix: string) => `${issuer}/protocol/openid-connect${suffix}`;
  const importer = (name: string, claim: string, attribute: string) => ({
    name,
    identityProviderAlias: 'eid',
    identityProviderMapper: 'oidc-user-attribute-idp-mapper',
    // FORCE: every login writes them again, so acr is the level of the latest eID login.
    config: { syncMode: 'FORCE', claim, 'user.attribute': attribute },
  });
  return {
    identityProviders: [
      {
        alias: 'eid',
        displayName: 'E-legitimation (BankID, Freja eID)',
        providerId: 'oidc',
        enabled: true,
        trustEmail: false,
        storeToken: false,
        firstBrokerLoginFlowAlias: 'first broker login',
        config: {
          issuer,
          authorizationUrl: endpoint('/auth'),
          tokenUrl: endpoint('/token'),
          jwksUrl: endpoint('/certs'),
          logoutUrl: endpoint('/logout'),
          validateSignature: 'true',
          useJwksUrl: 'true',
          clientId,
          clientAuthMethod: 'client_secret_post',
          clientSecret: '${vault.eid-client-secret}',
          defaultScope: `openid profile ${OIDC_SWEDEN.naturalPersonNumberScope}`,
          pkceEnabled: 'true',
          pkceMethod: 'S256',
          syncMode: 'FORCE',
        },
      },
    ],
    identityProviderMappers: [
      importer('personnummer', escapeClaimName(OIDC_SWEDEN.personalIdentityNumber), 'personnummer'),
      importer('samordningsnummer', escapeClaimName(OIDC_SWEDEN.coordinationNumber), 'samordningsnummer'),
      importer('assurance level (acr)', 'acr', 'assurance'),
      {
        name: 'citizen',
        identityProviderAlias: 'eid',
        identityProviderMapper: 'oidc-hardcoded-role-idp-mapper',
        config: { syncMode: 'FORCE', role: 'citizen' },
      },
    ],
  };
}

/** A municipality's system acts for its municipality: the same claim shape a staff member gets. */
const serviceAccountMappers = (organization: string, audience: string) => [
  {
    name: 'organization',
    protocol: 'openid-connect',
    protocolMapper: 'oidc-hardcoded-claim-mapper',
    config: { 'claim.name': 'organization', 'claim.value': JSON.stringify([organization]), 'jsonType.label': 'JSON', ...tokenClaim },
  },
  audienceMapper(audience),
];

/** Keycloak's default user profile plus the two attributes Kommuna reads, which users cannot edit. */
function userProfile(): string {
  const everyone = { view: ['admin', 'user'], edit: ['admin', 'user'] };
  const adminOnly = { view: ['admin'], edit: ['admin'] };
  return JSON.stringify({
    attributes: [
      {
        name: 'username',
        displayName: '${username}',
        permissions: everyone,
        validations: { length: { min: 3, max: 255 }, 'username-prohibited-characters': {}, 'up-username-not-idn-homograph': {} },
      },
      {
        name: 'email',
        displayName: '${email}',
        // Not required: a resident who logs in with e-legitimation brings no e-mail address.
        permissions: everyone,
        validations: { email: {}, length: { max: 255 } },
      },
      {
        name: 'firstName',
        displayName: '${firstName}',
        required: { roles: ['user'] },
        permissions: everyone,
        validations: { length: { max: 255 }, 'person-name-prohibited-characters': {} },
      },
      {
        name: 'lastName',
        displayName: '${lastName}',
        required: { roles: ['user'] },
        permissions: everyone,
        validations: { length: { max: 255 }, 'person-name-prohibited-characters': {} },
      },
      {
        name: 'personnummer',
        displayName: 'Personnummer',
        permissions: adminOnly,
        validations: { pattern: { pattern: '^\\d{12}$', 'error-message': 'twelve digits' } },
      },
      {
        name: 'samordningsnummer',
        displayName: 'Samordningsnummer',
        permissions: adminOnly,
        validations: { pattern: { pattern: '^\\d{12}$', 'error-message': 'twelve digits' } },
      },
      {
        name: 'unit',
        displayName: 'Enhet',
        permissions: adminOnly,
        validations: { pattern: { pattern: '^[a-z0-9-]+$', 'error-message': 'a unit id' } },
      },
      {
        name: 'assurance',
        displayName: 'Tillitsnivå (e-legitimation)',
        permissions: adminOnly,
        validations: { pattern: { pattern: '^http://id\\.elegnamnden\\.se/loa/1\\.0/[a-z0-9-]+$', 'error-message': 'a Swedish LoA URI' } },
      },
    ],
    groups: [{ name: 'user-metadata', displayHeader: 'User metadata', displayDescription: 'Attributes, which refer to user metadata' }],
  });
}

export interface RealmExportOptions {
  realm?: string;
  audience?: string;
  /** Extra callbacks for the web client (the committed export names the local ones on default ports). */
  localRedirectUris?: string[];
}

export function keycloakRealmExport(tenants: TenantConfig[], options: RealmExportOptions = {}): Record<string, unknown> {
  const { realm = 'kommuna', audience = 'kommuna-api', localRedirectUris = LOCAL_WEB_REDIRECT_URIS } = options;
  // A municipality with its own Keycloak (auth.issuer) keeps its staff, Organization and service
  // account there; the shared realm holds only the members that log in through it.
  const members = tenants.filter((t) => t.auth.realm === realm && !t.auth.issuer);
  const hosts = [...new Set(members.flatMap((t) => t.hosts ?? []))].sort();
  // The residents' web serves every member on <slug>.localhost outside production (apps/web).
  const residentWeb = members.map((t) => `http://${t.slug}.${LOCAL_RESIDENT_WEB.domain}:${LOCAL_RESIDENT_WEB.port}`);
  const builtin = builtinClientScopes();
  const defaultRole = `default-roles-${realm}`;
  return {
    realm,
    keycloakVersion: KEYCLOAK_VERSION,
    enabled: true,
    displayName: 'Kommuna',
    organizationsEnabled: true,
    accessTokenLifespan: 300,
    roles: {
      realm: [
        ...ROLES.map((name) => ({ name, description: `Kommuna role: ${name.replace(/_/g, ' ')}` })),
        // Keycloak's own: offline tokens (scope offline_access) need the role, which everyone gets
        // through the realm's default role, as in a realm Keycloak creates itself.
        { name: 'offline_access', description: '${role_offline-access}' },
        { name: defaultRole, description: '${role_default-roles}', composite: true, composites: { realm: ['offline_access'] } },
      ],
    },
    defaultRole: { name: defaultRole, description: '${role_default-roles}', composite: true, clientRole: false },
    clientScopes: [...builtin.clientScopes, caseSystemScope, inboundEventsScope],
    defaultDefaultClientScopes: builtin.defaultDefaultClientScopes,
    defaultOptionalClientScopes: builtin.defaultOptionalClientScopes,
    ...eidIdentityProvider(),
    components: {
      'org.keycloak.userprofile.UserProfileProvider': [
        { providerId: 'declarative-user-profile', subComponents: {}, config: { 'kc.user.profile.config': [userProfile()] } },
      ],
    },
    clients: [
      {
        clientId: audience,
        name: 'Kommuna api (audience only)',
        enabled: true,
        bearerOnly: true,
        publicClient: false,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
      },
      {
        clientId: 'kommuna-web',
        name: 'Kommuna web',
        enabled: true,
        publicClient: true,
        standardFlowEnabled: true,
        // Production logs in through the browser only (authorization code with PKCE).
        directAccessGrantsEnabled: false,
        redirectUris: [
          ...hosts.map((host) => `https://${host}/*`),
          ...localRedirectUris,
          ...residentWeb.map((origin) => `${origin}/auth/callback`),
        ],
        webOrigins: ['+'],
        // "+": back to any login callback; the residents' web says goodbye on its /logged-out page.
        attributes: {
          'pkce.code.challenge.method': 'S256',
          'post.logout.redirect.uris': ['+', ...residentWeb.map((origin) => `${origin}/logged-out`)].join('##'),
        },
        defaultClientScopes: PERSON_CLIENT_SCOPES,
        optionalClientScopes: ['offline_access'],
        protocolMappers: personMappers(audience),
      },
      ...members.map((t) => ({
        clientId: `${t.slug}-system`,
        name: `${t.names.sv}: verksamhetssystem`,
        enabled: true,
        publicClient: false,
        clientAuthenticatorType: 'client-secret',
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: true,
        // The secret is set in Keycloak, never in this file or in tenant.yaml.
        attributes: { 'kommuna.organization': t.auth.organization },
        defaultClientScopes: ['basic', 'roles', 'acr', CASE_SYSTEM_SCOPE, INBOUND_EVENTS_SCOPE],
        protocolMappers: serviceAccountMappers(t.auth.organization, audience),
      })),
    ],
    users: members.map((t) => ({
      username: `service-account-${t.slug}-system`,
      enabled: true,
      serviceAccountClientId: `${t.slug}-system`,
      realmRoles: ['service_account'],
    })),
    organizations: members.map((t) => ({
      name: t.names.sv,
      alias: t.auth.organization,
      enabled: true,
      description: `${t.names.en} (kommunkod ${t.kommunkod})`,
      domains: [{ name: new URL(t.contact.url ?? `https://${t.slug}.se`).hostname.replace(/^www\./, ''), verified: false }],
      attributes: { kommunkod: [t.kommunkod] },
    })),
  };
}
