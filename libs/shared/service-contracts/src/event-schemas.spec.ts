import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_CONTRACTS, eventContractOf } from './event-schemas';
import { INBOUND_EVENT_CONTRACTS, VERSIONED_EVENT_TYPE } from './inbound-event-schemas';
import { EVENT_TYPES } from './events';

const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));

describe('event contracts', () => {
  it('has exactly one contract, with a schema, for every event type services publish', () => {
    expect(EVENT_CONTRACTS.map((c) => c.type).sort()).toEqual(Object.values(EVENT_TYPES).sort());
    for (const type of Object.values(EVENT_TYPES)) expect(eventContractOf(type)?.dataSchema).toBeDefined();
    expect(eventContractOf('se.kommuna.nobody.thing.happened')).toBeUndefined();
  });

  it('versions every CloudEvents type reverse-DNS with the version last, and names the emitting service as a URI reference', () => {
    for (const contract of EVENT_CONTRACTS) {
      expect(contract.cloudEventType).toBe(`${contract.type}.v${contract.version}`);
      expect(contract.cloudEventType).toMatch(/^se\.kommuna\.[a-z]+\.[a-z-]+\.[a-z-]+\.v[1-9][0-9]*$/);
      expect(contract.source).toMatch(/^\/[a-z-]+$/);
    }
  });

  it('compiles every data schema under JSON Schema 2020-12 (strict)', () => {
    for (const contract of EVENT_CONTRACTS) expect(() => ajv.compile(contract.dataSchema)).not.toThrow();
  });

  it('accepts data as the services write it and refuses a missing field, a wrong type and an unknown field', () => {
    const validate = ajv.compile(eventContractOf(EVENT_TYPES.formSubmissionReceived)!.dataSchema);
    const data = {
      submissionId: '2b7e1f0a-8a59-4f4e-9f59-0a3f1e2d3c4b',
      formSlug: 'bygglov',
      formVersion: '1.0',
      caseType: 'bygglov',
      errandNumber: 'SKM-2026-000001',
      title: { sv: 'Bygglov', en: 'Building permit' },
      unit: 'bygg',
      subjectPartyId: null,
      subjectKind: null,
      submittedAt: '2026-03-01T10:00:00.000Z',
    };
    expect(validate(data)).toBe(true);
    const withoutUnit: Partial<typeof data> = { ...data };
    delete withoutUnit.unit;
    expect(validate(withoutUnit)).toBe(false);
    expect(validate({ ...data, submittedAt: 'yesterday' })).toBe(false);
    expect(validate({ ...data, personnummer: '199001012384' })).toBe(false);
  });
});

describe('inbound event contracts', () => {
  it('names each shared inbound type once, versioned reverse-DNS, with a strict 2020-12 schema', () => {
    const types = INBOUND_EVENT_CONTRACTS.map((c) => c.cloudEventType);
    expect(new Set(types).size).toBe(types.length);
    for (const contract of INBOUND_EVENT_CONTRACTS) {
      expect(contract.cloudEventType).toMatch(VERSIONED_EVENT_TYPE);
      expect(() => ajv.compile(contract.dataSchema)).not.toThrow();
      // An identity field is one the schema has, and its party-id field is not.
      const properties = contract.dataSchema.properties as Record<string, unknown>;
      for (const [field, partyField] of Object.entries(contract.identityFields ?? {})) {
        expect(properties[field]).toBeDefined();
        expect(properties[partyField]).toBeUndefined();
      }
    }
    // An outgoing type is never an inbound one: what comes in cannot pose as Kommuna's own event.
    expect(types.filter((t) => EVENT_CONTRACTS.some((c) => c.cloudEventType === t))).toEqual([]);
  });

  it('refuses a pollen reading with a level out of range or an unknown field', () => {
    const pollen = INBOUND_EVENT_CONTRACTS.find((c) => c.cloudEventType === 'se.kommuna.sensor.pollen.level-measured.v1')!;
    const validate = ajv.compile(pollen.dataSchema);
    const reading = { station: 'S1', area: 'Haga', pollen: 'björk', level: 4, measuredAt: '2026-05-01T06:00:00Z' };
    expect(validate(reading)).toBe(true);
    expect(validate({ ...reading, level: 9 })).toBe(false);
    expect(validate({ ...reading, note: 'x' })).toBe(false);
  });
});
