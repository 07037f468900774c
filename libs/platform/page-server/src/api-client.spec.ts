import * as http from 'node:http';
import { ApiClient, ApiError } from './api-client';

// Against a small HTTP server on this machine that answers as the api's GraphQL endpoint may.
describe('ApiClient', () => {
  let server: http.Server;
  let url: string;
  let answer: { status: number; body: string };
  let received: { headers: http.IncomingHttpHeaders; body: string } | undefined;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received = { headers: request.headers, body };
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => {
        expect(error).toBeInstanceOf(ApiError);
        const { code, message, details, status } = error as ApiError;
        return { code, message, details, status };
      },
    );

  it('sends the query with the municipality and the bearer token, and returns the data', async () => {
    answer = { status: 200, body: JSON.stringify({ data: { me: { subject: 'anna' } } }) };
    const data = await new ApiClient(url).query<{ me: { subject: string } }>(
      { tenant: 'sundsvall', accessToken: 'a-token' },
      '{ me { subject } }',
      {
        first: 1,
      },
    );
    expect(data).toEqual({ me: { subject: 'anna' } });
    expect(received!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-kommuna-tenant': 'sundsvall',
      authorization: 'Bearer a-token',
    });
    expect(JSON.parse(received!.body)).toEqual({ query: '{ me { subject } }', variables: { first: 1 } });

    await new ApiClient(url).query({}, '{ tenants { slug } }');
    expect(received!.headers['x-kommuna-tenant']).toBeUndefined();
    expect(received!.headers.authorization).toBeUndefined();
  });

  it("turns the api's coded error into an ApiError with its code, message and details", async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        errors: [{ message: 'Fel i formuläret', extensions: { code: 'VALIDATION_FAILED', details: [{ field: 'x', message: 'saknas' }] } }],
      }),
    };
    expect(await refusal(new ApiClient(url).query({}, '{ x }'))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Fel i formuläret',
      details: [{ field: 'x', message: 'saknas' }],
      status: 502,
    });
    answer = { status: 200, body: JSON.stringify({ errors: [{ message: 'Something broke' }] }) };
    expect(await refusal(new ApiClient(url).query({}, '{ x }'))).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('calls an api that cannot be reached, or answers without a readable body or data, unavailable', async () => {
    answer = { status: 502, body: '<html>Bad gateway</html>' };
    expect(await refusal(new ApiClient(url).query({}, '{ x }'))).toMatchObject({
      code: 'API_UNAVAILABLE',
      message: 'The api answered 502 without a readable body',
    });
    answer = { status: 200, body: JSON.stringify({ data: null }) };
    expect(await refusal(new ApiClient(url).query({}, '{ x }'))).toMatchObject({
      code: 'API_UNAVAILABLE',
      message: 'The api answered 200 without data',
    });
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    expect(await refusal(new ApiClient(`http://127.0.0.1:${closed}/graphql`).query({}, '{ x }'))).toMatchObject({
      code: 'API_UNAVAILABLE',
    });
  });
});
