/**
 * Events that come INTO Kommuna from municipal systems and sensors (issue 18 item 5), registered by
 * the platform's services for every municipality. A municipality may register types of its own as
 * well (libs/platform/events inbound registry, by its tenant admin); these are the shared ones.
 * Each is a CloudEvents type (reverse-DNS, version last) with a JSON Schema (2020-12) of `data`.
 */
export interface InboundEventContract {
  /** The CloudEvents `type` senders use, e.g. se.kommuna.sensor.pollen.level-measured.v1 */
  cloudEventType: string;
  summary: string;
  /** JSON Schema (draft 2020-12) of the event's `data` as the sender sends it. */
  dataSchema: Record<string, unknown>;
  /**
   * Fields of `data` that carry a personnummer or samordningsnummer: at the edge each is replaced
   * by the person's party id under the named field, so no identity number is stored or passed on.
   */
  identityFields?: Readonly<Record<string, string>>;
}

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A reverse-DNS CloudEvents type with its version last (…v1): what inbound types must look like. */
export const VERSIONED_EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2,}\.v[1-9][0-9]*$/;

const SHARED: ReadonlyArray<Omit<InboundEventContract, 'dataSchema'> & { schema: Record<string, unknown> }> = [
  {
    cloudEventType: 'se.kommuna.sensor.pollen.level-measured.v1',
    summary:
      'A pollen sensor (or the regional pollen service) measured a pollen level in an area of the municipality. Level 0 none, 1 low, 2 moderate, 3 high, 4 very high.',
    schema: {
      type: 'object',
      required: ['station', 'area', 'pollen', 'level', 'measuredAt'],
      properties: {
        station: { type: 'string', minLength: 1, maxLength: 100, description: "The sensor's or station's id" },
        area: { type: 'string', minLength: 1, maxLength: 100, description: 'The area (district) it measures, e.g. Haga' },
        pollen: { enum: ['björk', 'al', 'hassel', 'sälg', 'gräs', 'gråbo', 'ek', 'bok'], description: 'Which pollen' },
        level: { type: 'integer', minimum: 0, maximum: 4 },
        grainsPerCubicMetre: { type: 'number', minimum: 0 },
        measuredAt: { type: 'string', format: 'date-time' },
      },
      additionalProperties: false,
    },
  },
  {
    cloudEventType: 'se.kommuna.population.resident.age-reached.v1',
    summary:
      "The municipality's population register says a resident reached an age (e.g. 75 for the seniors' travel card). The personnummer is replaced by the resident's party id (residentPartyId) on arrival.",
    identityFields: { personnummer: 'residentPartyId' },
    schema: {
      type: 'object',
      required: ['personnummer', 'age', 'reachedOn'],
      properties: {
        personnummer: { type: 'string', pattern: '^[0-9]{12}$', description: 'Twelve digits; replaced by residentPartyId on arrival' },
        age: { type: 'integer', minimum: 0, maximum: 130 },
        reachedOn: { type: 'string', format: 'date' },
      },
      additionalProperties: false,
    },
  },
];

/** The inbound types every municipality accepts. */
export const INBOUND_EVENT_CONTRACTS: readonly InboundEventContract[] = SHARED.map(({ schema, ...contract }) => ({
  ...contract,
  dataSchema: {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:kommuna:inbound-event:${contract.cloudEventType}`,
    title: `data of ${contract.cloudEventType}`,
    ...schema,
  },
}));
