import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { requestContext } from '@kommuna/platform-tenancy';
import { startTestApi, TestApi } from '../testing/test-api';

describe('outbox dead letters through GraphQL', () => {
  let api: TestApi;
  let deadId: string;
  beforeAll(async () => {
    api = await startTestApi();
    // An event whose one handler fails until the cause is fixed; one attempt makes it a dead letter.
    const sundsvall = api.runtime.tenants.findBySlug('sundsvall')!;
    deadId = await requestContext.run({ requestId: 't', tenantId: sundsvall.id }, () =>
      api.runtime.database.transaction((em) => recordEvent(em, { type: 'test.outbox.fragile', source: '/test', data: { n: 1 } })),
    );
    await new OutboxDispatcher(
      api.runtime.database,
      [
        {
          name: 'fragile',
          types: ['test.outbox.fragile'],
          handle: async () => {
            throw new Error('the case system is down');
          },
        },
      ],
      { maxAttempts: 1 },
    ).drain();
  });
  afterAll(() => api?.close());

  const as = (organization: string, roles = ['tenant_admin']) => ({
    authorization: `Bearer ${api.realm.token({ sub: `admin-${organization}`, realm_access: { roles }, organization: [organization] })}`,
    'x-kommuna-tenant': organization,
  });
  const list = `{ outboxDeadLetters(first: 10) { items { id type attempts lastError deadLetteredAt } nextCursor } }`;
  const retry = `mutation($id: ID!) { retryOutboxEvent(id: $id) { id attempts lastError } }`;

  it("shows a municipality's admin its own dead letters with their errors, and only to them", async () => {
    const own = await api.graphql(list, as('sundsvall'));
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.outboxDeadLetters).toEqual({
      items: [
        {
          id: deadId,
          type: 'test.outbox.fragile',
          attempts: 1,
          lastError: 'fragile: the case system is down',
          deadLetteredAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    expect((await api.graphql(list, as('timra'))).body.data.outboxDeadLetters.items).toEqual([]);
    // Not by addressing Sundsvall from Timrå, not as a case worker, not without a login.
    expect((await api.graphql(list, { ...as('timra'), 'x-kommuna-tenant': 'sundsvall' })).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await api.graphql(list, as('sundsvall', ['case_worker']))).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await api.graphql(list, { 'x-kommuna-tenant': 'sundsvall' })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await api.graphql(retry, as('sundsvall', ['case_worker']), { id: deadId })).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(
      (await api.graphql(`{ outboxDeadLetters(after: "bm9wZQ") { nextCursor } }`, as('sundsvall'))).body.errors[0].extensions.code,
    ).toBe('VALIDATION_FAILED');
  });

  it('lets the admin queue it again, audited; another municipality cannot', async () => {
    expect((await api.graphql(retry, as('timra'), { id: deadId })).body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await api.graphql(retry, as('sundsvall'), { id: 'not-an-id' })).body.errors[0].extensions.code).toBe('NOT_FOUND');
    const retried = await api.graphql(retry, as('sundsvall'), { id: deadId });
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data.retryOutboxEvent).toEqual({ id: deadId, attempts: 0, lastError: 'fragile: the case system is down' });
    expect((await api.graphql(list, as('sundsvall'))).body.data.outboxDeadLetters.items).toEqual([]);
    // Queued again: the services' dispatcher (no handler of this type now) publishes it.
    expect(await api.dispatchEvents()).toBeGreaterThanOrEqual(1);
    const audit = await api.graphql(
      `{ auditLog(first: 5, action: "outbox.event.retried") { actor targetType targetId details } }`,
      as('sundsvall'),
    );
    expect(audit.body.data.auditLog).toEqual([
      {
        actor: 'staff:admin-sundsvall',
        targetType: 'outbox_event',
        targetId: deadId,
        details: { type: 'test.outbox.fragile', attempts: 0, lastError: 'fragile: the case system is down' },
      },
    ]);
    // Published now, so no longer a dead letter to retry.
    expect((await api.graphql(retry, as('sundsvall'), { id: deadId })).body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
