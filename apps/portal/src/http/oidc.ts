import { createHash, randomBytes } from 'node:crypto';
import type { PortalConfig } from '../config';
import type { PortalUser } from './sessions';

export class LoginFailedError extends Error {
  readonly code = 'LOGIN_FAILED';
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const redirectUri = (config: PortalConfig) => `${config.publicUrl}/auth/callback`;

/** Where the browser goes to log in: the realm's authorization endpoint (code flow with PKCE). */
export function authorizationUrl(config: PortalConfig, state: string, challenge: string): string {
  const params = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri(config),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  return `${config.realmUrl}/protocol/openid-connect/auth?${params}`;
}

/**
 * Exchanges the authorization code for an access token over the back channel. The token comes
 * straight from the identity provider, so its claims are read for display only; the api verifies
 * it on every call.
 */
export async function exchangeCode(config: PortalConfig, code: string, verifier: string): Promise<{ accessToken: string; expiresAt: number; user: PortalUser }> {
  const response = await fetch(`${config.realmUrl}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: redirectUri(config), code_verifier: verifier }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
  if (!response.ok || !body.access_token) throw new LoginFailedError(`The identity provider refused the login (${body.error ?? response.status})`);
  const claims = decodeClaims(body.access_token);
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + (body.expires_in ?? 300) * 1000;
  const realmRoles = isRecord(claims.realm_access) ? claims.realm_access.roles : undefined;
  const roles = Array.isArray(realmRoles) ? realmRoles.filter((r: unknown): r is string => typeof r === 'string') : [];
  return {
    accessToken: body.access_token,
    expiresAt,
    user: { subject: String(claims.sub ?? ''), name: String(claims.name ?? claims.preferred_username ?? claims.sub ?? ''), roles },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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
