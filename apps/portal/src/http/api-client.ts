import type { PortalConfig } from '../config';

/** An error the api answered with: its code, message and client-safe details. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Calls the api's GraphQL endpoint with the user's bearer token; coded errors become ApiError. */
export class ApiClient {
  constructor(private readonly config: PortalConfig) {}

  /** T is the shape the query selects; the caller names it (the api's schema is not generated here). */
  async query<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.config.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
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
    return body.data as T;
  }
}
