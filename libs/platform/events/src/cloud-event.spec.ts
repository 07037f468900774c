import { CloudEvent, HTTP } from 'cloudevents';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import {
  binaryMessage,
  structuredMessage,
  structuredOutboxEvent,
  TENANT_EXTENSION,
  toCloudEvent,
  UnpublishedEventTypeError,
} from './cloud-event';
import type { OutboxEvent } from './outbox-dispatcher';

const row = (overrides: Partial<OutboxEvent> = {}): OutboxEvent => ({
  id: '6f1c1d7e-3b1a-4c55-9a57-0d1f4b0f8a01',
  tenantId: '9a3c3a57-5c55-4c1c-8d1e-7a2b1c0d9e8f',
  type: EVENT_TYPES.formCompletionRequested,
  source: '/e-forms',
  subject: '2b7e1f0a-8a59-4f4e-9f59-0a3f1e2d3c4b',
  data: {
    submissionId: '2b7e1f0a-8a59-4f4e-9f59-0a3f1e2d3c4b',
    errandNumber: 'SKM-2026-000001',
    message: { sv: 'Bifoga intyg', en: 'Attach a certificate' },
    requestedAt: '2026-03-01T10:00:00.000Z',
    subjectPartyId: null,
  },
  occurredAt: new Date('2026-03-01T10:00:00.123Z'),
  attempts: 0,
  ...overrides,
});

describe('toCloudEvent', () => {
  it('maps an outbox row to a CloudEvent 1.0 with a versioned type and the municipality as an extension', () => {
    const event = toCloudEvent(row(), 'sundsvall');
    expect(event.toJSON()).toEqual({
      specversion: '1.0',
      id: '6f1c1d7e-3b1a-4c55-9a57-0d1f4b0f8a01',
      source: '/e-forms',
      type: 'se.kommuna.eforms.completion.requested.v1',
      time: '2026-03-01T10:00:00.123Z',
      subject: '2b7e1f0a-8a59-4f4e-9f59-0a3f1e2d3c4b',
      datacontenttype: 'application/json',
      data: row().data,
      kommunatenant: 'sundsvall',
    });
    // The stored tenant id is not an attribute (the SDK refuses tenant_id as a name).
    expect(Object.keys(event.toJSON())).not.toContain('tenant_id');
  });

  it('leaves subject out when the row has none', () => {
    expect(toCloudEvent(row({ subject: null }), 'timra').subject).toBeUndefined();
  });

  it('round-trips through the SDK in binary and structured mode', () => {
    const event = toCloudEvent(row(), 'ange');
    for (const message of [binaryMessage(event), structuredMessage(event)]) {
      const parsed = HTTP.toEvent({ headers: message.headers, body: message.body }) as CloudEvent<unknown>;
      expect(parsed.validate()).toBe(true);
      expect(parsed.type).toBe('se.kommuna.eforms.completion.requested.v1');
      expect(parsed[TENANT_EXTENSION]).toBe('ange');
      expect(parsed.data).toEqual(row().data);
    }
    expect(binaryMessage(event).headers).toMatchObject({
      'ce-id': event.id,
      'ce-kommunatenant': 'ange',
      'content-type': 'application/json',
    });
    expect(structuredMessage(event).headers['content-type']).toMatch(/^application\/cloudevents\+json/);
  });

  it('refuses a type without a published contract rather than sending it unversioned', () => {
    expect(() => toCloudEvent(row({ type: 'se.kommuna.eforms.internal.thing' }), 'sundsvall')).toThrow(UnpublishedEventTypeError);
  });

  it('writes the structured message of an outbox event byte for byte as the SDK does', () => {
    const events = [
      row(),
      row({ subject: null }),
      row({ id: '0c7d8e1f-2a3b-4c5d-8e9f-a0b1c2d3e4f5', data: { text: 'citat "så" och \\ å\u00e4\u00f6 \u2028', n: [1, 2.5, null] } }),
    ];
    for (const event of events) {
      const written = structuredOutboxEvent(event, 'timra');
      expect(written.body).toBe(structuredMessage(toCloudEvent(event, 'timra')).body);
      expect(written.headers).toEqual(structuredMessage(toCloudEvent(event, 'timra')).headers);
      expect(written.cloudEventType).toBe('se.kommuna.eforms.completion.requested.v1');
    }
  });

  it('has the SDK check the first event of a source, and refuses what it refuses', () => {
    expect(() => structuredOutboxEvent(row({ type: 'se.kommuna.eforms.internal.thing' }), 'sundsvall')).toThrow(UnpublishedEventTypeError);
    // Not a URI reference: the SDK's strict check refuses it, so the fast path does too.
    expect(() => structuredOutboxEvent(row({ source: '' }), 'sundsvall')).toThrow();
  });
});
