import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { postInboundEvents, startTestApiWithDevIdp, useTestApi } from '../testing/test-api';

// Events in with a token as `npm start` issues it: dev-idp's client credentials for a
// municipality's system carry the events-in scope (as the Keycloak realm export gives it), and the
// api verifies it through keycloak-connect.
describe('events in with a dev-idp service account token', () => {
  const api = useTestApi(startTestApiWithDevIdp, 60_000);

  const deliver = async (tenant: string, token: string) => {
    const event = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/sensors/pollen/S-1',
      type: 'se.kommuna.sensor.pollen.level-measured.v1',
      data: { station: 'S-1', area: 'Centrum', pollen: 'gräs', level: 2, measuredAt: '2026-06-01T06:00:00Z' },
    });
    return postInboundEvents(api, tenant, `Bearer ${token}`, HTTP.binary(event));
  };

  it("takes a municipality's system's events for that municipality, and not for another", async () => {
    const token = await api.idp.serviceAccountToken('ange');
    expect(String(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).scope).split(' ')).toContain('events-in');
    expect(await deliver('ange', token)).toMatchObject({ status: 202, body: { accepted: [{ duplicate: false }] } });
    expect(await deliver('timra', token)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });
});
