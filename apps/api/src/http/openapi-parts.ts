/**
 * What every hand-written REST document of the api says alike: the error answer (the body is the
 * document's own components/schemas/Error), the 401 with WWW-Authenticate, the 429 with
 * Retry-After and the 500, as the api answers them (rest-answers.ts, edge-protection.ts).
 */
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** An error answer: its description, the document's Error body, and headers when it has some. */
export const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: errorContent,
});

/** components/headers of a document that uses REST_COMMON_RESPONSES. */
export const REST_COMMON_HEADERS = {
  WWWAuthenticate: {
    description: 'The scheme to authenticate with (RFC 6750), e.g. `Bearer realm="kommuna", error="invalid_token"`',
    required: true,
    schema: { type: 'string', pattern: '^Bearer ' },
  },
  RetryAfter: {
    description: 'Seconds until this client or municipality may send again',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
};

/** components/responses every REST route may give: Unauthorized, TooManyRequests, InternalError. */
export const REST_COMMON_RESPONSES = {
  Unauthorized: problem('UNAUTHENTICATED: no token, or one that is not valid', {
    'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' },
  }),
  TooManyRequests: problem('RATE_LIMITED: too many requests from this client or for this municipality', {
    'Retry-After': { $ref: '#/components/headers/RetryAfter' },
  }),
  InternalError: problem('INTERNAL_SERVER_ERROR: a fault on our side, logged; the message says nothing more'),
};
