import * as oidc from 'openid-client';
import type { PortalConfig } from '../config';
import type { PortalUser, SessionTokens } from './sessions';

export class LoginFailedError extends Error {
  readonly code = 'LOGIN_FAILED';
}

/** What a login started here carries to its callback (kept server-side, found by `state`). */
export interface LoginChecks {
  state: string;
  verifier: string;
  nonce: string;
}

export interface LoginResult {
  tokens: SessionTokens;
  user: PortalUser;
}

export const redirectUri = (config: Pick<PortalConfig, 'publicUrl'>) => `${config.publicUrl}/auth/callback`;

/** Fresh secrets for one login: state, PKCE verifier (RFC 7636) and nonce. */
export const newLoginChecks = (): LoginChecks => ({
  state: oidc.randomState(),
  verifier: oidc.randomPKCECodeVerifier(),
  nonce: oidc.randomNonce(),
});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The realm as an OpenID Connect provider, through openid-client: metadata by discovery (once, and
 * again after a failure), authorization code with PKCE, state and nonce, the id_token checked
 * (signature against the realm's keys, issuer, audience, expiry, nonce), renewal by refresh token,
 * and RP-initiated logout at the realm.
 */
export class RealmClient {
  private configuration?: Promise<oidc.Configuration>;

  constructor(
    private readonly config: Pick<PortalConfig, 'realmUrl' | 'clientId' | 'publicUrl'>,
    private readonly now: () => number = Date.now,
  ) {}

  private discover(): Promise<oidc.Configuration> {
    const insecure = new URL(this.config.realmUrl).protocol === 'http:';
    // The id_token comes over the back channel, but its signature is checked too (non-repudiation):
    // a token endpoint answering for another realm or a forger cannot pass.
    const execute = [oidc.enableNonRepudiationChecks, ...(insecure ? [oidc.allowInsecureRequests] : [])];
    this.configuration ??= oidc
      .discovery(new URL(this.config.realmUrl), this.config.clientId, undefined, oidc.None(), { execute })
      .catch((error: Error) => {
        this.configuration = undefined;
        throw new LoginFailedError(`The identity provider cannot be reached (${error.message})`);
      });
    return this.configuration;
  }

  /** Where the browser goes to log in; the checks stay with the portal until the callback. */
  async authorizationUrl(checks: LoginChecks): Promise<string> {
    const configuration = await this.discover();
    return oidc
      .buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri(this.config),
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      })
      .toString();
  }

  /** Exchanges the callback's code (the URL the browser came back to) for tokens and checks the id_token. */
  async finishLogin(callbackUrl: URL, checks: LoginChecks): Promise<LoginResult> {
    const configuration = await this.discover();
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
      });
    } catch (error) {
      throw new LoginFailedError(`The identity provider's answer was refused (${(error as Error).message})`);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new LoginFailedError('The identity provider answered without an id_token');
    const user = this.userOf(tokens.access_token, idClaims);
    return { tokens: this.tokensOf(tokens), user };
  }

  /**
   * New tokens from the refresh token; undefined when the realm says no (the refresh token expired
   * or the realm's session ended): the portal session ends then. An unreachable realm throws.
   */
  async refresh(tokens: SessionTokens, subject: string): Promise<SessionTokens | undefined> {
    if (!tokens.refreshToken) return undefined;
    const configuration = await this.discover();
    let renewed: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      renewed = await oidc.refreshTokenGrant(configuration, tokens.refreshToken);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) return undefined;
      throw error;
    }
    // Still the same person (a renewed id_token, when sent, has been checked like the first).
    const idSubject = renewed.claims()?.sub;
    if ((idSubject !== undefined && idSubject !== subject) || this.claimsOf(renewed.access_token).sub !== subject) return undefined;
    const next = this.tokensOf(renewed);
    return { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken, idToken: next.idToken ?? tokens.idToken };
  }

  /**
   * Where the browser goes to end its session at the realm too (RP-initiated logout): with the
   * id_token as hint, back to `postLogoutRedirectUri` with `state`. Undefined when the realm
   * advertises no end_session_endpoint.
   */
  async logoutUrl(idToken: string | undefined, postLogoutRedirectUri: string, state: string): Promise<string | undefined> {
    const configuration = await this.discover();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc
      .buildEndSessionUrl(configuration, {
        ...(idToken ? { id_token_hint: idToken } : {}),
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
      })
      .toString();
  }

  private tokensOf(tokens: oidc.TokenEndpointResponse): SessionTokens {
    const exp = this.claimsOf(tokens.access_token).exp;
    // Keycloak says how long the refresh token lasts (0: an offline token, no end of its own).
    const refreshExpiresIn = tokens.refresh_expires_in;
    return {
      accessToken: tokens.access_token,
      accessTokenExpiresAt: typeof exp === 'number' ? exp * 1000 : this.now() + (tokens.expires_in ?? 300) * 1000,
      refreshToken: tokens.refresh_token,
      refreshTokenExpiresAt:
        typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0 ? this.now() + refreshExpiresIn * 1000 : undefined,
      idToken: tokens.id_token,
    };
  }

  /**
   * Who logged in: the subject the checked id_token names. Name and realm roles are read from the
   * access token (Keycloak puts realm_access there), which came from the realm over the back
   * channel and must name the same subject; the api verifies it on every call.
   */
  private userOf(accessToken: string, idClaims: oidc.IDToken): PortalUser {
    const claims = this.claimsOf(accessToken);
    if (claims.sub !== idClaims.sub) throw new LoginFailedError('The access token and the id_token name different subjects');
    const realmRoles = isRecord(claims.realm_access) ? claims.realm_access.roles : undefined;
    const roles = Array.isArray(realmRoles) ? realmRoles.filter((r: unknown): r is string => typeof r === 'string') : [];
    const name = idClaims.name ?? claims.name ?? idClaims.preferred_username ?? claims.preferred_username ?? idClaims.sub;
    return { subject: idClaims.sub, name: String(name), roles };
  }

  private claimsOf(jwt: string): Record<string, unknown> {
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    } catch {
      throw new LoginFailedError('The identity provider answered with an unreadable access token');
    }
    if (!isRecord(claims)) throw new LoginFailedError('The identity provider answered with an access token without claims');
    return claims;
  }
}
