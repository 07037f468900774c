/** An identity provider a test started (dev-idp or a real Keycloak), with helpers to get its tokens. */
export interface TestIdentityProvider {
  /** Base URL to use as KEYCLOAK_URL. */
  url: string;
  /** Realm `kommuna`'s URL: what its tokens carry as `iss`. */
  realmUrl: string;
  /** POSTs a form to the realm's token endpoint (with HTTP Basic client credentials if given). */
  requestToken(form: Record<string, string>, basic?: string): Promise<{ status: number; body: Record<string, string> }>;
  /** An access token from the direct password grant (the dev-only client kommuna-dev) for a demo user. */
  passwordToken(username: string): Promise<string>;
  /** An access token from the client-credentials grant for a municipality's service account. */
  serviceAccountToken(slug: string): Promise<string>;
  stop(): Promise<void>;
}

/** POSTs a form to an OpenID Connect token endpoint, with HTTP Basic client credentials (`id:secret`) if given. */
export async function requestTokenAt(
  tokenUrl: string,
  form: Record<string, string>,
  basic?: string,
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** The access token the endpoint grants; an error naming `provider` and its answer when it refuses. */
export async function accessTokenAt(provider: string, tokenUrl: string, form: Record<string, string>, basic?: string): Promise<string> {
  const { body } = await requestTokenAt(tokenUrl, form, basic);
  if (!body.access_token) throw new Error(`${provider} refused the token request: ${body.error} ${body.error_description ?? ''}`.trim());
  return body.access_token;
}

/** A municipality's service account's client credentials in the realms Kommuna ships (`<slug>-system`). */
export const serviceAccountCredentials = (slug: string): string => `${slug}-system:${slug}-system-secret`;
