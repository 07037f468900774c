import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * An error the api answered with: its code, message and client-safe details. A page that does not
 * handle the code answers 502: the api, behind the page, refused or failed.
 */
export class ApiError extends KommunaError {
  readonly status = 502;
  constructor(
    readonly code: string,
    message: string,
    override readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Who a call is made for: the municipality addressed and, when logged in, the user's token. */
export interface ApiCaller {
  tenant?: string;
  accessToken?: string;
}

/**
 * Calls the api's GraphQL endpoint (never the database): the municipality in X-Kommuna-Tenant,
 * the user's bearer token when logged in. Coded errors become ApiError; an api that cannot be
 * reached, or answers without a readable body or data, is API_UNAVAILABLE.
 */
export class ApiClient {
  constructor(private readonly apiUrl: string) {}

  /** T is the shape the query selects; the caller names it (the api's schema is not generated here). */
  async query<T>(caller: ApiCaller, query: string, variables?: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (caller.tenant) headers['x-kommuna-tenant'] = caller.tenant;
    if (caller.accessToken) headers.authorization = `Bearer ${caller.accessToken}`;
    let response: Response;
    try {
      response = await fetch(this.apiUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ApiError('API_UNAVAILABLE', `The api cannot be reached (${(error as Error).message})`);
    }
    const body = (await response.json().catch(() => undefined)) as
      { data?: T; errors?: Array<{ message: string; extensions?: { code?: string; details?: unknown } }> } | undefined;
    if (!body) throw new ApiError('API_UNAVAILABLE', `The api answered ${response.status} without a readable body`);
    const error = body.errors?.[0];
    if (error) throw new ApiError(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR', error.message, error.extensions?.details);
    if (body.data === undefined || body.data === null)
      throw new ApiError('API_UNAVAILABLE', `The api answered ${response.status} without data`);
    return body.data;
  }
}
