import { GRAPHQL_RESPONSE_JSON, graphQLHttpStatus, graphQLMediaType, LEGACY_JSON } from './graphql-over-http';

describe('GraphQL over HTTP media types and statuses', () => {
  it('answers application/graphql-response+json only to a client that prefers it', () => {
    expect(graphQLMediaType(GRAPHQL_RESPONSE_JSON)).toBe(GRAPHQL_RESPONSE_JSON);
    expect(graphQLMediaType(`${GRAPHQL_RESPONSE_JSON}, application/json;q=0.9`)).toBe(GRAPHQL_RESPONSE_JSON);
    expect(graphQLMediaType([`application/json;q=0.1`, GRAPHQL_RESPONSE_JSON])).toBe(GRAPHQL_RESPONSE_JSON);
    expect(graphQLMediaType(`${GRAPHQL_RESPONSE_JSON};q=0.5, application/json`)).toBe(LEGACY_JSON);
    expect(graphQLMediaType('*/*')).toBe(LEGACY_JSON);
    expect(graphQLMediaType(undefined)).toBe(LEGACY_JSON);
    expect(graphQLMediaType('text/html')).toBe(LEGACY_JSON);
  });

  it('gives non-null data 200 with application/graphql-response+json, whatever the field errors', () => {
    const partial = { data: { me: null }, errors: [] };
    expect(graphQLHttpStatus(GRAPHQL_RESPONSE_JSON, partial, 401)).toBe(200);
    expect(graphQLHttpStatus(LEGACY_JSON, partial, 401)).toBe(401);
    // No data, or null data: the refusal's own status stands.
    expect(graphQLHttpStatus(GRAPHQL_RESPONSE_JSON, { errors: [] }, 400)).toBe(400);
    expect(graphQLHttpStatus(GRAPHQL_RESPONSE_JSON, { data: null, errors: [] }, 403)).toBe(403);
  });
});
