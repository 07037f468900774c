import { startTestApi, TestApi } from '../testing/test-api';

const TYPE = 'se.kommuna.eforms.submission.received.v1';

describe('webhook subscriptions through GraphQL', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const as = (organization: string, roles = ['tenant_admin']) => ({
    authorization: `Bearer ${api.realm.token({ sub: `admin-${organization}`, realm_access: { roles }, organization: [organization], unit: 'skola' })}`,
    'x-kommuna-tenant': organization,
  });
  const create = `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { secret subscription { id url eventTypes status createdBy } } }`;

  it("lets a municipality's admin manage its own subscriptions only", async () => {
    const created = await api.graphql(create, as('sundsvall'), {
      input: { url: 'http://127.0.0.1:9/hook', eventTypes: [TYPE], description: 'Ärendesystem' },
    });
    expect(created.body.errors).toBeUndefined();
    const { secret, subscription } = created.body.data.createWebhookSubscription;
    expect(secret).toMatch(/^whsec_/);
    expect(subscription).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      eventTypes: [TYPE],
      status: 'ACTIVE',
      createdBy: 'staff:admin-sundsvall',
    });

    const own = await api.graphql(`{ webhookSubscriptions { id } }`, as('sundsvall'));
    expect(own.body.data.webhookSubscriptions).toEqual([{ id: subscription.id }]);
    expect(JSON.stringify(own.body)).not.toContain(secret);

    // Timrå's admin sees none of it and can change none of it.
    expect((await api.graphql(`{ webhookSubscriptions { id } }`, as('timra'))).body.data.webhookSubscriptions).toEqual([]);
    for (const [query, variables] of [
      [`mutation($id: ID!) { updateWebhookSubscription(id: $id, change: { enabled: false }) { id } }`, { id: subscription.id }],
      [`mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, { id: subscription.id }],
      [`query($id: ID!) { webhookDeliveries(subscriptionId: $id) { id } }`, { id: subscription.id }],
      [
        `mutation($id: ID!) { replayWebhookDeliveries(subscriptionId: $id, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") }`,
        { id: subscription.id },
      ],
    ] as const) {
      const refused = await api.graphql(query, as('timra'), variables);
      expect(refused.body.errors[0].extensions.code).toBe('NOT_FOUND');
    }
    // Nor by addressing Sundsvall, nor as a case worker.
    expect(
      (await api.graphql(`{ webhookSubscriptions { id } }`, { ...as('timra'), 'x-kommuna-tenant': 'sundsvall' })).body.errors[0].extensions
        .code,
    ).toBe('FORBIDDEN');
    expect((await api.graphql(`{ webhookSubscriptions { id } }`, as('sundsvall', ['case_worker']))).body.errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );

    const disabled = await api.graphql(
      `mutation($id: ID!) { updateWebhookSubscription(id: $id, change: { enabled: false }) { status disabledReason } }`,
      as('sundsvall'),
      { id: subscription.id },
    );
    expect(disabled.body.data.updateWebhookSubscription).toEqual({ status: 'DISABLED', disabledReason: 'Disabled by an administrator' });
    expect(
      (await api.graphql(`mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, as('sundsvall'), { id: subscription.id })).body.data
        .deleteWebhookSubscription,
    ).toBe(true);
  });

  it('refuses an unknown event type and a malformed target with their codes', async () => {
    const unknown = await api.graphql(create, as('sundsvall'), {
      input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['se.kommuna.nothing.v1'] },
    });
    expect(unknown.body.errors[0]).toMatchObject({
      extensions: { code: 'VALIDATION_FAILED' },
      message: expect.stringContaining('Unknown event type se.kommuna.nothing.v1'),
    });
    const target = await api.graphql(create, as('sundsvall'), { input: { url: 'file:///etc/passwd', eventTypes: [TYPE] } });
    expect(target.body.errors[0].extensions.code).toBe('WEBHOOK_TARGET_REFUSED');
  });
});
