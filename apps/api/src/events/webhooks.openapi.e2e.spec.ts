import { useTestApi } from '../testing/test-api';
import { DocumentedRoutes, documentedRoutes } from '../testing/openapi-answers';
import { WEBHOOKS_OPENAPI } from './webhooks.openapi';

const RECEIVED = 'se.kommuna.eforms.submission.received.v1';
const COMPLETION = 'se.kommuna.eforms.completion.requested.v1';

/**
 * Webhook subscriptions over REST against their OpenAPI document: every route a tenant admin uses
 * and every refusal, each live answer validated against the document the api serves (ajv, JSON
 * Schema 2020-12), and every change found in the municipality's audit trail, whether made over
 * REST or GraphQL.
 */
describe('webhook subscriptions over REST', () => {
  const api = useTestApi();
  let routes: DocumentedRoutes;
  beforeAll(async () => {
    routes = await documentedRoutes(api.app, '/events/webhooks/openapi.json');
  });
  const ask: DocumentedRoutes['ask'] = (...request) => routes.ask(...request);

  const tokenOf = (organization: string, roles = ['tenant_admin']) =>
    api.realm.token({ sub: `admin-${organization}`, realm_access: { roles }, organization: [organization], unit: 'skola' });
  const as = (organization: string, roles?: string[]) => ({ token: tokenOf(organization, roles), tenant: organization });

  const auditOf = async (organization: string) => {
    const answer = await api.graphql(`{ auditLog(first: 500) { actor action targetType targetId details } }`, {
      authorization: `Bearer ${tokenOf(organization)}`,
      'x-kommuna-tenant': organization,
    });
    expect(answer.body.errors).toBeUndefined();
    return (answer.body.data.auditLog as Array<{ actor: string; action: string; targetId: string; details: Record<string, unknown> }>)
      .filter((e) => e.action.startsWith('webhook.'))
      .reverse();
  };

  it('is the document the api serves', () => {
    expect(routes.document).toEqual(JSON.parse(JSON.stringify(WEBHOOKS_OPENAPI)));
  });

  it("lets a municipality's admin create, read, change, disable, enable, replay and delete a subscription, each change audited", async () => {
    const admin = as('sundsvall');
    const created = await ask('POST', '/events/webhooks/subscriptions', {
      ...admin,
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: [RECEIVED], description: 'Ärendesystem' },
    });
    expect(created.status).toBe(201);
    const { subscription, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    expect(subscription).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      eventTypes: [RECEIVED],
      status: 'ACTIVE',
      createdBy: 'staff:admin-sundsvall',
    });
    const path = `/events/webhooks/subscriptions/${subscription.id}`;

    const listed = await ask('GET', '/events/webhooks/subscriptions', admin);
    expect(listed.json().map((s: { id: string }) => s.id)).toContain(subscription.id);
    expect(listed.body).not.toContain(secret);
    expect((await ask('GET', path, admin)).json()).toEqual(subscription);

    const changed = await ask('PATCH', path, { ...admin, body: { eventTypes: [RECEIVED, COMPLETION], description: null } });
    expect(changed.json()).toMatchObject({ eventTypes: [RECEIVED, COMPLETION], description: null });
    const disabled = await ask('PATCH', path, { ...admin, body: { enabled: false } });
    expect(disabled.json()).toMatchObject({ status: 'DISABLED', disabledReason: 'Disabled by an administrator' });
    expect(
      (await ask('POST', `${path}/replay`, { ...admin, body: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } })).json(),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('Enable the subscription'),
    });
    expect((await ask('PATCH', path, { ...admin, body: { enabled: true } })).json()).toMatchObject({
      status: 'ACTIVE',
      disabledReason: null,
    });
    const replayed = await ask('POST', `${path}/replay`, { ...admin, body: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } });
    expect(replayed.status).toBe(200);
    expect(replayed.json()).toEqual({ queued: 0 });
    expect((await ask('GET', `${path}/deliveries?first=10&status=FAILED`, admin)).json()).toEqual([]);

    // A DELETE has no body, so it carries the CSRF header.
    expect((await ask('DELETE', path, admin)).json().code).toBe('CSRF_REJECTED');
    const deleted = await ask('DELETE', path, { ...admin, headers: { 'x-kommuna-csrf': '1' } });
    expect(deleted.status).toBe(204);
    expect((await ask('GET', path, admin)).status).toBe(404);

    const trail = (await auditOf('sundsvall')).filter((e) => e.targetId === subscription.id);
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['webhook.subscription.created', 'staff:admin-sundsvall'],
      ['webhook.subscription.updated', 'staff:admin-sundsvall'],
      ['webhook.subscription.disabled', 'staff:admin-sundsvall'],
      ['webhook.subscription.enabled', 'staff:admin-sundsvall'],
      ['webhook.deliveries.replayed', 'staff:admin-sundsvall'],
      ['webhook.subscription.deleted', 'staff:admin-sundsvall'],
    ]);
    expect(trail[1].details).toEqual({
      changed: ['eventTypes', 'description'],
      before: { eventTypes: [RECEIVED], description: 'Ärendesystem' },
      after: { eventTypes: [RECEIVED, COMPLETION], description: null },
    });
    expect(JSON.stringify(trail)).not.toContain(secret.slice(6));
  });

  it('audits the changes made through GraphQL alike', async () => {
    const headers = { authorization: `Bearer ${tokenOf('timra')}`, 'x-kommuna-tenant': 'timra' };
    const created = await api.graphql(
      `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }`,
      headers,
      { input: { url: 'http://127.0.0.1:9/hook', eventTypes: [RECEIVED] } },
    );
    const id = created.body.data.createWebhookSubscription.subscription.id;
    await api.graphql(`mutation($id: ID!) { updateWebhookSubscription(id: $id, change: { enabled: false }) { id } }`, headers, { id });
    await api.graphql(`mutation($id: ID!) { updateWebhookSubscription(id: $id, change: { enabled: true }) { id } }`, headers, { id });
    await api.graphql(
      `mutation($id: ID!) { replayWebhookDeliveries(subscriptionId: $id, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") }`,
      headers,
      { id },
    );
    await api.graphql(`mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, headers, { id });
    expect((await auditOf('timra')).filter((e) => e.targetId === id).map((e) => [e.action, e.actor])).toEqual([
      ['webhook.subscription.created', 'staff:admin-timra'],
      ['webhook.subscription.disabled', 'staff:admin-timra'],
      ['webhook.subscription.enabled', 'staff:admin-timra'],
      ['webhook.deliveries.replayed', 'staff:admin-timra'],
      ['webhook.subscription.deleted', 'staff:admin-timra'],
    ]);
  });

  it("keeps another municipality's admin, a case worker and strangers out, in the documented shapes", async () => {
    const created = await ask('POST', '/events/webhooks/subscriptions', {
      ...as('sundsvall'),
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: [RECEIVED] },
    });
    const path = `/events/webhooks/subscriptions/${created.json().subscription.id}`;
    const timra = as('timra');
    expect((await ask('GET', '/events/webhooks/subscriptions', timra)).json()).toEqual([]);
    for (const [method, url, body, headers] of [
      ['GET', path, undefined, undefined],
      ['PATCH', path, { enabled: false }, undefined],
      ['DELETE', path, undefined, { 'x-kommuna-csrf': '1' }],
      ['GET', `${path}/deliveries`, undefined, undefined],
      ['POST', `${path}/replay`, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, undefined],
    ] as const) {
      const refused = await ask(method, url, { ...timra, body, headers });
      expect([url, refused.status, refused.json().code]).toEqual([url, 404, 'NOT_FOUND']);
    }
    // Timrå's admin addressing Sundsvall, Sundsvall's case worker, no token, a forged one.
    expect((await ask('GET', path, { token: tokenOf('timra'), tenant: 'sundsvall' })).status).toBe(403);
    expect((await ask('GET', path, as('sundsvall', ['case_worker']))).status).toBe(403);
    const anonymous = await ask('GET', path, { tenant: 'sundsvall' });
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, 'Bearer realm="kommuna"']);
    expect((await ask('GET', path, { token: 'not-a-token', tenant: 'sundsvall' })).status).toBe(401);
    // Still there, unchanged.
    expect((await ask('GET', path, as('sundsvall'))).json().status).toBe('ACTIVE');
  });

  it('refuses bad input field by field, and changes nothing', async () => {
    const admin = as('sundsvall');
    const before = (await auditOf('sundsvall')).length;
    const post = (body: unknown) => ask('POST', '/events/webhooks/subscriptions', { ...admin, body });
    expect((await post({ eventTypes: 'x', description: 5 })).json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.any(String),
      details: [
        { field: 'url', message: 'required, a string' },
        { field: 'eventTypes', message: 'required, an array of CloudEvents types' },
        { field: 'description', message: 'a string or null' },
      ],
    });
    expect((await post([])).json().code).toBe('VALIDATION_FAILED');
    expect((await post({ url: 'http://127.0.0.1:9/hook', eventTypes: ['se.kommuna.nothing.v1'] })).json().message).toMatch(
      /Unknown event type se\.kommuna\.nothing\.v1/,
    );
    expect((await post({ url: 'file:///etc/passwd', eventTypes: [RECEIVED] })).json().code).toBe('WEBHOOK_TARGET_REFUSED');
    const broken = await ask('POST', '/events/webhooks/subscriptions', { ...admin, body: '{"url":' });
    expect([broken.status, broken.json().code]).toEqual([400, 'FST_ERR_CTP_INVALID_JSON_BODY']);
    const plain = await ask('POST', '/events/webhooks/subscriptions', { ...admin, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect([plain.status, plain.json().code]).toEqual([415, 'CSRF_REJECTED']);

    const { subscription } = (await post({ url: 'http://127.0.0.1:9/hook', eventTypes: [RECEIVED] })).json();
    const path = `/events/webhooks/subscriptions/${subscription.id}`;
    expect((await ask('PATCH', path, { ...admin, body: { enabled: 'no' } })).json().details).toEqual([
      { field: 'enabled', message: 'true or false' },
    ]);
    expect((await ask('PATCH', path, { ...admin, body: { url: 'ftp://example.se/' } })).json().code).toBe('WEBHOOK_TARGET_REFUSED');
    expect((await ask('GET', `${path}/deliveries?first=many`, admin)).json().details).toEqual([
      { field: 'first', message: 'a whole number from 1 to 200' },
    ]);
    expect((await ask('GET', `${path}/deliveries?status=LOST`, admin)).status).toBe(400);
    expect(
      (await ask('POST', `${path}/replay`, { ...admin, body: { from: 'yesterday', to: '2026-01-02T00:00:00Z' } })).json().details,
    ).toEqual([{ field: 'from', message: 'an RFC 3339 date-time' }]);
    expect(
      (await ask('POST', `${path}/replay`, { ...admin, body: { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' } })).json()
        .message,
    ).toMatch(/at most 31 days/);
    expect((await ask('GET', '/events/webhooks/subscriptions/not-a-uuid', admin)).status).toBe(404);
    // Only the one subscription made: its creation is the one new entry in the trail.
    expect((await auditOf('sundsvall')).slice(before).map((e) => e.action)).toEqual(['webhook.subscription.created']);
    expect((await ask('GET', path, admin)).json()).toEqual(subscription);
  });
});
