import * as oidc from 'openid-client';
import type { WebConfig } from '../config';
import type { WebUser } from './sessions';

export class LoginFailedError extends Error {
  readonly code = 'LOGIN_FAILED';
}

export interface TokenSet {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken?: string;
  user: WebUser;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The realm as an OpenID Connect provider (openid-client): authorization code with PKCE, the
 * token renewed with its refresh token. Its metadata is discovered once and again after a failure.
 */
export class RealmClient {
  private configuration?: Promise<oidc.Configuration>;

  constructor(
    private readonly config: Pick<WebConfig, 'realmUrl' | 'clientId'>,
    private readonly now: () => number = Date.now,
  ) {}

  private discover(): Promise<oidc.Configuration> {
    const insecure = new URL(this.config.realmUrl).protocol === 'http:';
    this.configuration ??= oidc
      .discovery(
        new URL(this.config.realmUrl),
        this.config.clientId,
        undefined,
        oidc.None(),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: Error) => {
        this.configuration = undefined;
        throw new LoginFailedError(`The identity provider cannot be reached (${error.message})`);
      });
    return this.configuration;
  }

  /** Where the browser goes to log in; `verifier` stays with the web until the callback. */
  async authorizationUrl(redirectUri: string, state: string, verifier: string, language: string, fresh = false): Promise<string> {
    const configuration = await this.discover();
    return oidc
      .buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ui_locales: language,
        // A login again (e.g. with a stronger e-legitimation): the realm asks, it does not reuse its single sign-on.
        ...(fresh ? { prompt: 'login' } : {}),
      })
      .toString();
  }

  /** Exchanges the callback's code (the URL the browser came back to) for tokens. */
  async finishLogin(callbackUrl: URL, verifier: string, state: string): Promise<TokenSet> {
    const configuration = await this.discover();
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state });
      return this.tokenSet(tokens);
    } catch (error) {
      if (error instanceof LoginFailedError) throw error;
      throw new LoginFailedError(`The identity provider refused the login (${(error as Error).message})`);
    }
  }

  /** A new access token from the refresh token; undefined when the realm says no (the session ends). */
  async refresh(refreshToken: string): Promise<TokenSet | undefined> {
    const configuration = await this.discover();
    try {
      return this.tokenSet(await oidc.refreshTokenGrant(configuration, refreshToken));
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) return undefined;
      throw error;
    }
  }

  /**
   * The token comes straight from the realm over the back channel, so its claims are read for
   * display only (name, roles); the api verifies the token on every call.
   */
  private tokenSet(tokens: oidc.TokenEndpointResponse): TokenSet {
    const claims = decodeClaims(tokens.access_token);
    const roles =
      isRecord(claims.realm_access) && Array.isArray(claims.realm_access.roles)
        ? claims.realm_access.roles.filter((r): r is string => typeof r === 'string')
        : [];
    return {
      accessToken: tokens.access_token,
      accessTokenExpiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : this.now() + (tokens.expires_in ?? 300) * 1000,
      refreshToken: tokens.refresh_token,
      user: { subject: String(claims.sub ?? ''), name: String(claims.name ?? claims.preferred_username ?? claims.sub ?? ''), roles },
    };
  }
}

function decodeClaims(jwt: string): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new LoginFailedError('The identity provider answered with an unreadable token');
  }
  if (!isRecord(claims)) throw new LoginFailedError('The identity provider answered with a token without claims');
  return claims;
}
