import { randomUUID } from 'node:crypto';
import { MessageService, TransientAdapterError } from '@kommuna/digital-mail';
import { startTestApi, TestApi } from '../testing/test-api';

/**
 * A Node system error as a failed connect raises it (net's own come from Node's realm, which jest's
 * sandbox does not see as an Error, so one is built here with the same fields).
 */
const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '10.20.30.40',
    port: 5432,
  });

// The error contract (issue 15, item 4): GraphQL and REST answer by `instanceof KommunaError`
// alone, so an error that merely looks coded (a Node system error) is an internal error.
describe('the error contract, over GraphQL and REST', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());
  afterEach(() => jest.restoreAllMocks());

  const staff = () =>
    api.realm.token({
      sub: 'staff-sundsvall',
      realm_access: { roles: ['case_worker'] },
      organization: ['sundsvall'],
      unit: 'socialtjanst',
    });
  const serviceAccount = () =>
    api.realm.token({
      sub: 'service-account-sundsvall-system',
      realm_access: { roles: ['service_account'] },
      organization: ['sundsvall'],
      azp: 'sundsvall-system',
    });
  const graphql = (id: string) =>
    api.graphql(
      'query($id: ID!) { digitalMailMessage(id: $id) { id } }',
      { authorization: `Bearer ${staff()}`, 'x-kommuna-tenant': 'sundsvall' },
      { id },
    );
  const rest = async (id: string) => {
    const response = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'GET',
        url: `/digital-mail/messages/${id}`,
        headers: { authorization: `Bearer ${serviceAccount()}`, 'x-kommuna-tenant': 'sundsvall' },
      });
    return { status: response.statusCode, body: response.json(), text: response.body };
  };
  /** Every letter read, by either route, fails with `error` (a fault injected into the real service). */
  const failReadsWith = (error: Error) => jest.spyOn(api.app.get(MessageService), 'get').mockRejectedValue(error);

  it('answers a Node system error as INTERNAL_SERVER_ERROR without its message, and logs it with its stack', async () => {
    const internals = '10.20.30.40';
    failReadsWith(connectionRefused());
    api.logLines.length = 0;

    const viaGraphQL = await graphql(randomUUID());
    expect(viaGraphQL.status).toBe(200);
    expect(viaGraphQL.body.errors).toEqual([
      { message: 'Internal server error', path: ['digitalMailMessage'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);

    const viaRest = await rest(randomUUID());
    expect(viaRest).toMatchObject({ status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });

    for (const answer of [JSON.stringify(viaGraphQL.body), viaRest.text]) {
      expect(answer).not.toContain('ECONNREFUSED');
      expect(answer).not.toContain(internals);
    }
    const logged = api.logLines.map((line) => JSON.parse(line)).filter((line) => line.level === 'error');
    expect(logged.map((line) => line.context)).toEqual(['GraphQL', 'Http']);
    for (const line of logged) {
      expect(line.msg).toContain(internals);
      expect(line.stack).toContain('ECONNREFUSED');
    }
  });

  it('answers a domain error with its code in both, and its HTTP status over REST', async () => {
    const viaGraphQL = await graphql(randomUUID());
    expect(viaGraphQL.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/was not found$/), extensions: { code: 'NOT_FOUND' } }),
    ]);
    const viaRest = await rest(randomUUID());
    expect(viaRest).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: expect.stringMatching(/was not found$/) } });
  });

  it('keeps the code of a domain fault whose message names internals, but not the message', async () => {
    failReadsWith(new TransientAdapterError('Mailbox operator unreachable: connect ECONNREFUSED 10.20.30.40:443'));
    const viaGraphQL = await graphql(randomUUID());
    expect(viaGraphQL.body.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error', extensions: { code: 'ADAPTER_TRANSIENT' } }),
    ]);
    const viaRest = await rest(randomUUID());
    expect(viaRest).toMatchObject({ status: 503, body: { code: 'ADAPTER_TRANSIENT', message: 'Internal server error' } });
    expect(JSON.stringify(viaGraphQL.body) + viaRest.text).not.toContain('10.20.30.40');
  });
});
