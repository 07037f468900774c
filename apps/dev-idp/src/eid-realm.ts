// Realm `eid`: a simulator of a Swedish e-legitimation provider (the role BankID or Freja eID play
// behind an eID broker), speaking OpenID Connect as OIDC Sweden specifies it. A broker (Keycloak's
// identity provider `eid`, or dev-idp's own realms) sends the browser here; the tester picks one of
// Skatteverket's test personnummer or samordningsnummer and a level; the ID token carries the number
// in OIDC Sweden's claim and the level as `acr` (a Sweden Connect LoA URI).
import type * as http from 'node:http';
import type { KeyObject } from 'node:crypto';
import Provider from 'oidc-provider';
import {
  EID_BROKER_CLIENT,
  EID_REALM,
  escapeHtml,
  identityNumberClaims,
  isSamordningsnummer,
  KEYCLOAK_ROUTES,
  loaUri,
  OIDC_SWEDEN,
  page,
  readForm,
  sendHtml,
  serveProvider,
  type ServedRealm,
  signingKey,
  demoSubject,
  TEST_EID_LEVELS,
  TEST_EID_PERSONS,
  type TestEidPerson,
} from './realm-kit.ts';

export interface EidRealm extends ServedRealm {
  /** Its signing key: a broker in the same process checks the ID tokens with it. */
  publicKey: KeyObject;
}

/** The person's day of birth (a samordningsnummer's day less 60), as OIDC's `birthdate`. */
const birthdateOf = (number: string) => {
  const day = Number(number.slice(6, 8)) - (isSamordningsnummer(number) ? 60 : 0);
  return `${number.slice(0, 4)}-${number.slice(4, 6)}-${String(day).padStart(2, '0')}`;
};

/** The subject the eID provider gives a person: the same at every level and for every broker. */
export const eidSubject = (number: string) => demoSubject(`eid:${number}`);

function loginPage(action: string, error?: string): string {
  const label = (p: TestEidPerson) =>
    `${p.givenName} ${p.familyName}, ${p.number.slice(0, 8)}-${p.number.slice(8)} (${isSamordningsnummer(p.number) ? 'samordningsnummer' : 'personnummer'})`;
  const people = TEST_EID_PERSONS.map((p) => `<option value="${p.number}">${escapeHtml(label(p))}</option>`).join('');
  const levels = TEST_EID_LEVELS.map((level) => `<option value="${level}">${level}</option>`).join('');
  return page(
    'Test-e-legitimation (simulator)',
    `<h1>Test-e-legitimation</h1>
<p>En simulator av en e-legitimation (dev-idp). Välj en av Skatteverkets testpersoner och tillitsnivå: loa3 som BankID eller Freja eID+, loa2 för att se att en lägre nivå nekas.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Personnummer eller samordningsnummer <select name="personnummer">${people}</select></label>
<label>Tillitsnivå <select name="level">${levels}</select></label>
<button type="submit">Logga in med test-e-legitimation</button></form>`,
  );
}

/**
 * The eID realm. `brokerRedirectUris`: where brokers may send the browser back to (Keycloak's
 * `<realm URL>/broker/eid/endpoint`, dev-idp's own realms' likewise).
 */
export function createEidRealm(baseUrl: string, brokerRedirectUris: string[]): EidRealm {
  const issuer = `${baseUrl}/realms/${EID_REALM}`;
  const { jwk, publicKey } = signingKey(EID_REALM);
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    routes: KEYCLOAK_ROUTES,
    clients: [
      {
        client_id: EID_BROKER_CLIENT.clientId,
        client_secret: EID_BROKER_CLIENT.secret,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: brokerRedirectUris,
      },
    ],
    scopes: ['openid', 'profile', OIDC_SWEDEN.naturalPersonNumberScope],
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      // The level of every login, as OIDC Sweden's providers state it, whether or not acr_values asked.
      openid: ['sub', 'acr'],
      profile: ['name', 'given_name', 'family_name', 'birthdate'],
      [OIDC_SWEDEN.naturalPersonNumberScope]: [OIDC_SWEDEN.personalIdentityNumber, OIDC_SWEDEN.coordinationNumber],
    },
    // OIDC Sweden delivers the identity in the ID token (the broker reads it there), not only at userinfo.
    conformIdTokenClaims: false,
    acrValues: ['loa1', 'loa2', 'loa3', 'loa4'].map(loaUri),
    // The broker always uses PKCE (the realm export's pkceEnabled); so this provider requires it.
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/realms/${EID_REALM}/interaction/${interaction.uid}` },
    // Keycloak's cookie path: each realm's session cookie stays its own on a host that serves several.
    cookies: { long: { httpOnly: true, sameSite: 'lax', path: `/realms/${EID_REALM}/` } },
    // A broker is the relying party here and the resident consents by logging in: every scope asked is granted.
    loadExistingGrant: async (ctx) => {
      const { client, session, provider: oidc, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new oidc.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    // The account id is the person's subject (oidc-provider's `sub`), one per identity number.
    findAccount: async (_ctx, id) => {
      const person = TEST_EID_PERSONS.find((p) => eidSubject(p.number) === id);
      if (!person) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          name: `${person.givenName} ${person.familyName}`,
          given_name: person.givenName,
          family_name: person.familyName,
          birthdate: birthdateOf(person.number),
          ...identityNumberClaims(person.number),
        }),
      };
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    ttl: { AccessToken: 300, IdToken: 300, Session: 600, Grant: 600, Interaction: 600 },
  });
  provider.proxy = false;

  /** The tester picks a person and a level; the login's acr is that level's LoA URI. */
  async function login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    await provider.interactionDetails(req, res);
    const action = req.url ?? '/';
    if (req.method !== 'POST') return sendHtml(res, 200, loginPage(action));
    const form = await readForm(req);
    const number = form.get('personnummer') ?? '';
    const level = form.get('level') ?? '';
    if (!TEST_EID_PERSONS.some((p) => p.number === number) || !TEST_EID_LEVELS.includes(level)) {
      return sendHtml(res, 400, loginPage(action, 'Välj en testperson och en tillitsnivå i listorna.'));
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: eidSubject(number), acr: loaUri(level) } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    publicKey,
    handle(req, res, pathInRealm) {
      if (pathInRealm.startsWith('/interaction/')) {
        login(req, res).catch((error: Error) => sendHtml(res, 400, page('Inloggningen misslyckades', escapeHtml(error.message))));
        return;
      }
      serveProvider(provider, req, res, pathInRealm);
    },
  };
}
