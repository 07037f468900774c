import * as oidc from 'openid-client';
import { IdentityProviderUnavailableError, LoginFailedError } from './errors';

export interface OidcClientOptions {
  /** The realm's URL, which is its issuer (e.g. http://127.0.0.1:3001/realms/kommuna); its metadata is discovered there. */
  issuer: string;
  /** The public client the apps log in as (PKCE, no secret). */
  clientId: string;
  /** The clock token lifetimes are counted on (ms since epoch). */
  now?: () => number;
  /**
   * Seconds to add to this process's clock when judging the realm's tokens (their exp, iat, nbf):
   * for a host whose clock is known to be off. 0 by default; 30 s of tolerance either way regardless.
   */
  clockSkewSeconds?: number;
}

/** What a login started here must find again at its callback: kept by the app, never sent anywhere but the realm. */
export interface LoginChecks {
  state: string;
  /** The PKCE code verifier (RFC 7636); its S256 challenge goes to the realm. */
  verifier: string;
  /** Must come back inside the id_token: binds the id_token to this login. */
  nonce: string;
}

export interface AuthorizationRequest {
  /** The app's callback, registered at the realm; the callback URL given to finishLogin must start with it. */
  redirectUri: string;
  checks: LoginChecks;
  /** The language the realm's pages should be in (ui_locales). */
  language?: string;
  /** Ask the person to log in again even when the realm has a session (prompt=login). */
  fresh?: boolean;
}

/** The realm's tokens, kept server-side by the app. */
export interface OidcTokens {
  accessToken: string;
  /** When the access token expires (ms since epoch). */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  /** When the realm says the refresh token expires (Keycloak's refresh_expires_in), if it says. */
  refreshTokenExpiresAt?: number;
  /** The checked id_token, sent back to the realm as hint at logout. */
  idToken?: string;
}

/** Who logged in, for display and for the app's own first check of roles; the api verifies the token on every call. */
export interface OidcUser {
  subject: string;
  name: string;
  /** Keycloak's realm roles. */
  roles: string[];
}

export interface OidcLogin {
  tokens: OidcTokens;
  user: OidcUser;
}

export interface LogoutRequest {
  /** The session's id_token: with it the realm logs out at once, without asking. */
  idToken?: string;
  /** Where the realm sends the browser afterwards: a URI registered for the client. */
  postLogoutRedirectUri: string;
  /** Comes back on that redirect, so the app knows the logout was its own. */
  state: string;
}

/** Fresh secrets for one login: state, PKCE verifier and nonce. */
export const newLoginChecks = (): LoginChecks => ({
  state: oidc.randomState(),
  verifier: oidc.randomPKCECodeVerifier(),
  nonce: oidc.randomNonce(),
});

type TokenAnswer = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What openid-client throws when the realm could not be asked, rather than answered and was refused. */
const UNAVAILABLE_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);
const unavailable = (error: unknown): boolean =>
  error instanceof TypeError || (error instanceof oidc.ClientError && UNAVAILABLE_CODES.has(error.code ?? ''));
/** openid-client's message with what caused it (its own is generic: "invalid response encountered"), for the log. */
const reasonOf = (error: unknown): string => {
  // The realm's own answer: an OAuth error code and its description.
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError)
    return [error.error, error.error_description].filter(Boolean).join(': ');
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== message ? `${message}: ${cause}` : message;
};

/**
 * One realm as an OpenID Connect provider, for the web and the portal, through openid-client:
 * metadata by discovery (once, again after a failure); authorization code with PKCE, state and
 * nonce; the id_token checked (signature against the realm's JWKS, issuer, audience, expiry, nonce),
 * also when it comes over the back channel; renewal by refresh token, the same person required; and
 * RP-initiated logout at the realm's end_session_endpoint with the id_token as hint.
 */
export class OidcClient {
  private configuration?: Promise<oidc.Configuration>;
  private readonly now: () => number;

  constructor(private readonly options: OidcClientOptions) {
    this.now = options.now ?? Date.now;
  }

  private discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.options.issuer);
    // The id_token comes over the back channel, but its signature is checked too (non-repudiation):
    // a token endpoint answering for another realm, or a forger in between, cannot pass.
    const execute = [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])];
    this.configuration ??= oidc
      .discovery(issuer, this.options.clientId, { [oidc.clockSkew]: this.options.clockSkewSeconds ?? 0 }, oidc.None(), {
        execute,
        timeout: 10,
      })
      .catch((error: Error) => {
        this.configuration = undefined;
        throw new IdentityProviderUnavailableError(`The identity provider cannot be reached (${error.message})`);
      });
    return this.configuration;
  }

  /** Where the browser goes to log in. */
  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const configuration = await this.discover();
    return oidc
      .buildAuthorizationUrl(configuration, {
        redirect_uri: request.redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(request.checks.verifier),
        code_challenge_method: 'S256',
        state: request.checks.state,
        nonce: request.checks.nonce,
        ...(request.language ? { ui_locales: request.language } : {}),
        ...(request.fresh ? { prompt: 'login' } : {}),
      })
      .toString();
  }

  /**
   * The callback: `callbackUrl` is the URL the realm sent the browser back to (the registered
   * redirect URI with its query), `checks` the ones this login started with. The state must match
   * before the code is exchanged (with the PKCE verifier); the id_token must carry the nonce.
   */
  async finishLogin(callbackUrl: URL, checks: LoginChecks): Promise<OidcLogin> {
    const configuration = await this.discover();
    let answer: TokenAnswer;
    try {
      answer = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
      });
    } catch (error) {
      if (unavailable(error)) throw new IdentityProviderUnavailableError(`The identity provider did not answer (${reasonOf(error)})`);
      throw new LoginFailedError(`The identity provider's answer was refused (${reasonOf(error)})`);
    }
    const idClaims = answer.claims();
    if (!idClaims) throw new LoginFailedError('The identity provider answered without an id_token');
    return { tokens: this.tokensOf(answer), user: this.userOf(answer.access_token, idClaims) };
  }

  /**
   * New tokens from the refresh token, for the same person (`subject`); undefined when the realm
   * says no (the refresh token expired, the realm's session ended) or its answer does not hold: the
   * app's session ends then. A realm that cannot be asked throws IdentityProviderUnavailableError.
   */
  async refresh(tokens: Pick<OidcTokens, 'refreshToken' | 'idToken'>, subject: string): Promise<OidcLogin | undefined> {
    if (!tokens.refreshToken) return undefined;
    const configuration = await this.discover();
    let answer: TokenAnswer;
    try {
      answer = await oidc.refreshTokenGrant(configuration, tokens.refreshToken);
    } catch (error) {
      if (unavailable(error)) throw new IdentityProviderUnavailableError(`The identity provider did not answer (${reasonOf(error)})`);
      return undefined;
    }
    // A renewed id_token, when sent, has been checked like the first; it and the access token must name the same person.
    const idClaims = answer.claims();
    if (idClaims && idClaims.sub !== subject) return undefined;
    let user: OidcUser;
    try {
      user = this.userOf(answer.access_token, idClaims ?? { sub: subject });
    } catch {
      return undefined;
    }
    if (user.subject !== subject) return undefined;
    const next = this.tokensOf(answer);
    return {
      tokens: { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken, idToken: next.idToken ?? tokens.idToken },
      user,
    };
  }

  /**
   * Where the browser goes to end its session at the realm too (RP-initiated logout): with the
   * id_token as hint, back to `postLogoutRedirectUri` with `state`. Undefined when the realm
   * advertises no end_session_endpoint (the app's own session alone ends then).
   */
  async logoutUrl(request: LogoutRequest): Promise<string | undefined> {
    const configuration = await this.discover();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc
      .buildEndSessionUrl(configuration, {
        ...(request.idToken ? { id_token_hint: request.idToken } : {}),
        post_logout_redirect_uri: request.postLogoutRedirectUri,
        state: request.state,
      })
      .toString();
  }

  private tokensOf(answer: oidc.TokenEndpointResponse): OidcTokens {
    const exp = claimsOf(answer.access_token).exp;
    // Keycloak says how long the refresh token lasts (0: an offline token, no end of its own).
    const refreshExpiresIn = answer.refresh_expires_in;
    return {
      accessToken: answer.access_token,
      accessTokenExpiresAt: typeof exp === 'number' ? exp * 1000 : this.now() + (answer.expires_in ?? 300) * 1000,
      refreshToken: answer.refresh_token,
      refreshTokenExpiresAt:
        typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0 ? this.now() + refreshExpiresIn * 1000 : undefined,
      idToken: answer.id_token,
    };
  }

  /**
   * Who logged in: the subject the checked id_token names. Name and realm roles are read from the
   * access token (Keycloak puts realm_access there), which came from the realm over the back
   * channel and must name the same subject.
   */
  private userOf(accessToken: string, idClaims: { sub: string; [claim: string]: unknown }): OidcUser {
    const claims = claimsOf(accessToken);
    if (claims.sub !== idClaims.sub) throw new LoginFailedError('The access token and the id_token name different subjects');
    const realmRoles = isRecord(claims.realm_access) ? claims.realm_access.roles : undefined;
    const roles = Array.isArray(realmRoles) ? realmRoles.filter((r: unknown): r is string => typeof r === 'string') : [];
    const name = idClaims.name ?? claims.name ?? idClaims.preferred_username ?? claims.preferred_username ?? idClaims.sub;
    return { subject: idClaims.sub, name: String(name), roles };
  }
}

/** The claims of a JWT the realm sent over the back channel (read, not verified: the api verifies access tokens). */
function claimsOf(jwt: string): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new LoginFailedError('The identity provider answered with an unreadable access token');
  }
  if (!isRecord(claims)) throw new LoginFailedError('The identity provider answered with an access token without claims');
  return claims;
}
