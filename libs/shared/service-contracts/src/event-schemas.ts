import type { EventType } from './events';

/**
 * The published events as other systems see them: each type's version, the CloudEvents `type` it
 * carries on the wire (reverse-DNS with the version last) and a JSON Schema (2020-12) of its
 * `data`. Inside Kommuna events keep their unversioned type (outbox rows, handlers); the version
 * is added where an event leaves (libs/platform/events cloud-event.ts). A change to `data` that an
 * existing consumer could not read is a new version here, with its own schema.
 */
export interface EventContract {
  type: EventType;
  version: number;
  /** The CloudEvents `type` on the wire, e.g. se.kommuna.eforms.submission.received.v1 */
  cloudEventType: string;
  /** The CloudEvents `source` of every event of this type (the emitting service). */
  source: string;
  summary: string;
  /** JSON Schema (draft 2020-12) of the event's `data`. */
  dataSchema: Record<string, unknown>;
}

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const localizedText = {
  type: 'object',
  required: ['sv', 'en'],
  properties: { sv: { type: 'string' }, en: { type: 'string' } },
  additionalProperties: false,
};
const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { type: ['string', 'null'], format: 'uuid' };
const dateTime = { type: 'string', format: 'date-time' };
const legalBasis = {
  type: 'object',
  required: ['sfs'],
  properties: { sfs: { type: 'string' }, chapter: { type: 'string' }, section: { type: 'string' }, title: localizedText },
  additionalProperties: false,
};
const decisionReason = {
  type: 'object',
  required: ['ruleId', 'text'],
  properties: { ruleId: { type: 'string' }, text: localizedText, legalBasis },
  additionalProperties: false,
};
const caseNotification = {
  type: 'object',
  required: ['caseId', 'errandNumber', 'subjectPartyId', 'title', 'occurredAt'],
  properties: {
    caseId: uuid,
    errandNumber: { type: 'string' },
    subjectPartyId: uuid,
    title: localizedText,
    unit: { type: 'string', description: 'The unit handling the case (unit secrecy)' },
    statusLabel: localizedText,
    occurredAt: dateTime,
  },
  additionalProperties: false,
};

/** What every rules action event carries: which rule version fired on which inbound event. */
const ruleFiringRequired = ['firingId', 'ruleKey', 'ruleVersion', 'inboundEventId'];
const ruleFiringProperties = {
  firingId: uuid,
  ruleKey: { type: 'string' },
  ruleVersion: { type: 'integer', minimum: 1 },
  inboundEventId: uuid,
};

/**
 * Keyed by the (unversioned) type as EVENT_TYPES names it. Additional properties are refused: a
 * field added to `data` is a change this file must record (event-schemas.spec.ts checks that every
 * type in EVENT_TYPES has its schema here).
 */
const DATA_SCHEMAS: Record<string, { source: string; summary: string; schema: Record<string, unknown> }> = {
  'se.kommuna.eforms.submission.received': {
    source: '/e-forms',
    summary: 'A resident or company submitted an e-form; it is stored with its errand number.',
    schema: {
      type: 'object',
      required: [
        'submissionId',
        'formSlug',
        'formVersion',
        'caseType',
        'errandNumber',
        'title',
        'unit',
        'subjectPartyId',
        'subjectKind',
        'submittedAt',
      ],
      properties: {
        submissionId: uuid,
        formSlug: { type: 'string' },
        formVersion: { type: 'string' },
        caseType: { type: 'string' },
        errandNumber: { type: 'string' },
        title: localizedText,
        unit: { type: 'string' },
        subjectPartyId: { ...nullableUuid, description: 'Party id, never an identity number; null for an anonymous submission' },
        subjectKind: { enum: ['person', 'organisation', null] },
        submittedAt: dateTime,
        notices: {
          type: 'array',
          description: "The form's notification rules for receipt: each consumer sends the ones on its own channel",
          items: {
            type: 'object',
            required: ['channel', 'recipient'],
            properties: { channel: { enum: ['digital-mail', 'email'] }, recipient: { enum: ['applicant', 'unit'] } },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.eforms.decision.made': {
    source: '/e-forms',
    summary: 'A submission was decided, automatically (by rules) or by a case worker.',
    schema: {
      type: 'object',
      required: [
        'submissionId',
        'errandNumber',
        'decisionId',
        'decisionType',
        'outcome',
        'automated',
        'reasons',
        'decidedAt',
        'subjectPartyId',
      ],
      properties: {
        submissionId: uuid,
        errandNumber: { type: 'string' },
        decisionId: uuid,
        decisionType: { type: 'string' },
        outcome: { enum: ['approval', 'rejection', 'dismissal', 'cancellation'] },
        automated: { type: 'boolean' },
        reasons: { type: 'array', items: decisionReason },
        legalBasis,
        decidedAt: dateTime,
        subjectPartyId: nullableUuid,
        appealInstructions: localizedText,
        validFrom: { type: 'string', format: 'date' },
        validTo: { type: 'string', format: 'date' },
        documents: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'url'],
            properties: { name: { type: 'string' }, url: { type: 'string' }, ref: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.eforms.completion.requested': {
    source: '/e-forms',
    summary: 'A case worker asked the resident to complete a submission (komplettering).',
    schema: {
      type: 'object',
      required: ['submissionId', 'errandNumber', 'message', 'requestedAt', 'subjectPartyId'],
      properties: {
        submissionId: uuid,
        errandNumber: { type: 'string' },
        message: localizedText,
        requestedAt: dateTime,
        subjectPartyId: nullableUuid,
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.eforms.completion.provided': {
    source: '/e-forms',
    summary: "The resident answered a completion request: the errand is the municipality's turn again.",
    schema: {
      type: 'object',
      required: ['submissionId', 'errandNumber', 'providedAt', 'subjectPartyId'],
      properties: { submissionId: uuid, errandNumber: { type: 'string' }, providedAt: dateTime, subjectPartyId: nullableUuid },
      additionalProperties: false,
    },
  },
  'se.kommuna.eforms.submission.registered': {
    source: '/e-forms',
    summary:
      "The municipality's case system registered a submission under its own reference (diarienummer), which the resident sees in Mina sidor.",
    schema: {
      type: 'object',
      required: ['submissionId', 'errandNumber', 'caseSystemReference', 'registeredAt', 'subjectPartyId'],
      properties: {
        submissionId: uuid,
        errandNumber: { type: 'string' },
        caseSystemReference: {
          type: 'string',
          minLength: 1,
          maxLength: 100,
          description: "The case system's own reference (diarienummer)",
        },
        registeredAt: dateTime,
        subjectPartyId: nullableUuid,
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.minasidor.case.status-changed': {
    source: '/minasidor',
    summary: 'A Mina sidor case changed its resident-facing status.',
    schema: caseNotification,
  },
  'se.kommuna.minasidor.message.posted': {
    source: '/minasidor',
    summary: 'The municipality posted a message to the resident on a case.',
    schema: caseNotification,
  },
  'se.kommuna.minasidor.decision.recorded': {
    source: '/minasidor',
    summary: 'A decision was recorded on a Mina sidor case.',
    schema: caseNotification,
  },
  'se.kommuna.digitalmail.delivery.status-changed': {
    source: '/digital-mail',
    summary: 'A digital-mail delivery changed status.',
    schema: {
      type: 'object',
      required: ['messageId', 'recipientPartyId', 'status', 'channel', 'statusDetail', 'externalReferences'],
      properties: {
        messageId: uuid,
        recipientPartyId: uuid,
        status: { enum: ['PENDING', 'SENT', 'NOT_SENT', 'FAILED', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND'] },
        channel: { enum: ['digital', 'paper', null] },
        statusDetail: { type: ['string', 'null'] },
        externalReferences: { type: 'object', additionalProperties: { type: 'string' } },
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.ai.draft.approved': {
    source: '/ai',
    summary: 'A case worker approved a call note or case summary the AI platform drafted (no text, case or person in the event).',
    schema: {
      type: 'object',
      required: ['draftId', 'kind', 'unit', 'edited', 'approvedAt'],
      properties: {
        draftId: uuid,
        kind: { enum: ['call_note', 'case_summary'] },
        unit: { type: 'string' },
        edited: { type: 'boolean', description: 'Whether the reviewer changed the AI text before approving it' },
        approvedAt: dateTime,
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.homecare.deviation.confirmed': {
    source: '/home-care',
    summary:
      'The unit responsible for home care confirmed a deviation of the monthly check: the month, rule and kronor withheld or reclaimed per provider (no resident, case or reason in the event).',
    schema: {
      type: 'object',
      required: ['reviewId', 'month', 'rule', 'amountSek', 'providers', 'confirmedAt'],
      properties: {
        reviewId: uuid,
        month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
        rule: { type: 'string', pattern: '^HC\\d+$' },
        amountSek: { type: 'number', minimum: 0, description: 'Kronor confirmed in all, two decimals' },
        providers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['provider', 'amountSek'],
            properties: { provider: { type: 'string' }, amountSek: { type: 'number', minimum: 0 } },
            additionalProperties: false,
          },
        },
        confirmedAt: dateTime,
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.events.inbound.accepted': {
    source: '/events',
    summary:
      'A municipal system or sensor delivered an event (HTTP or NATS); it was checked against its type and stored once. Identity numbers in it are replaced by party ids.',
    schema: {
      type: 'object',
      required: ['inboundEventId', 'id', 'source', 'type', 'subject', 'time', 'data'],
      properties: {
        inboundEventId: uuid,
        id: { type: 'string', description: "The sender's CloudEvents id (unique per source)" },
        source: { type: 'string' },
        type: { type: 'string', description: 'The inbound CloudEvents type (versioned)' },
        subject: { type: ['string', 'null'] },
        time: { type: ['string', 'null'], format: 'date-time' },
        data: { type: 'object', description: "The event's data as its type's schema accepted it" },
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.rules.case.opened': {
    source: '/rules',
    summary: "A municipality's rule opened a Mina sidor case for a resident, caused by an inbound event.",
    schema: {
      type: 'object',
      required: [...ruleFiringRequired, 'errandNumber', 'caseType', 'title', 'unit', 'subjectPartyId', 'subjectKind', 'openedAt'],
      properties: {
        ...ruleFiringProperties,
        errandNumber: { type: 'string' },
        caseType: { type: 'string' },
        title: localizedText,
        unit: { type: 'string' },
        subjectPartyId: uuid,
        subjectKind: { enum: ['person', 'organisation'] },
        message: localizedText,
        openedAt: dateTime,
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.rules.decision.made': {
    source: '/rules',
    summary: "A municipality's rule made a proactive automated decision for a resident, with its reasons and legal basis.",
    schema: {
      type: 'object',
      required: [
        ...ruleFiringRequired,
        'decisionId',
        'errandNumber',
        'caseType',
        'decisionType',
        'title',
        'unit',
        'subjectPartyId',
        'subjectKind',
        'outcome',
        'automated',
        'reasons',
        'legalBasis',
        'decidedAt',
      ],
      properties: {
        ...ruleFiringProperties,
        decisionId: uuid,
        errandNumber: { type: 'string' },
        caseType: { type: 'string' },
        decisionType: { type: 'string' },
        title: localizedText,
        unit: { type: 'string' },
        subjectPartyId: uuid,
        subjectKind: { enum: ['person', 'organisation'] },
        outcome: { enum: ['approval', 'rejection', 'dismissal', 'cancellation'] },
        automated: { const: true },
        reasons: { type: 'array', minItems: 1, items: decisionReason },
        legalBasis,
        decidedAt: dateTime,
        appealInstructions: localizedText,
        validFrom: { type: 'string', format: 'date' },
        validTo: { type: 'string', format: 'date' },
      },
      additionalProperties: false,
    },
  },
  'se.kommuna.rules.letter.requested': {
    source: '/rules',
    summary: "A municipality's rule asked for a letter from one of its templates to a resident.",
    schema: {
      type: 'object',
      required: [...ruleFiringRequired, 'letterId', 'templateName', 'recipientPartyId', 'unit', 'values', 'requestedAt'],
      properties: {
        ...ruleFiringProperties,
        letterId: uuid,
        templateName: { type: 'string' },
        recipientPartyId: uuid,
        unit: { type: ['string', 'null'] },
        values: { type: 'object', additionalProperties: { type: 'string' } },
        requestedAt: dateTime,
      },
      additionalProperties: false,
    },
  },
};

/** Every published event type with its version and data schema; version 1 for all today. */
export const EVENT_CONTRACTS: readonly EventContract[] = Object.entries(DATA_SCHEMAS).map(([type, { source, summary, schema }]) => {
  const version = 1;
  const cloudEventType = `${type}.v${version}`;
  return {
    type: type as EventType,
    version,
    cloudEventType,
    source,
    summary,
    dataSchema: { $schema: JSON_SCHEMA_DIALECT, $id: `urn:kommuna:event:${cloudEventType}`, title: `data of ${cloudEventType}`, ...schema },
  };
});

const byType = new Map<string, EventContract>(EVENT_CONTRACTS.map((contract) => [contract.type, contract]));

/** The contract of an (unversioned) event type, or undefined for a type Kommuna does not publish. */
export function eventContractOf(type: string): EventContract | undefined {
  return byType.get(type);
}
