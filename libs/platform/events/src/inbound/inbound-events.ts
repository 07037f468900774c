import type { CloudEvent } from 'cloudevents';
import type { EntityManager } from 'typeorm';
import { Database, PartyRegister, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { parsePersonnummer } from '@kommuna/shared-identifiers';
import { EVENT_TYPES, InboundEventAcceptedData } from '@kommuna/shared-service-contracts';
import { TENANT_EXTENSION } from '../cloud-event';
import { recordEvents } from '../record-event';
import { InboundEventEntity } from './entities';
import { InboundEventRefusedError, InboundProblem } from './errors';
import { MAX_INBOUND_BATCH } from './messages';
import { dataValidator, InboundEventType, InboundEventTypes } from './registry';

/** How an event came in: over HTTP from a service account, or from a NATS subject. */
export interface InboundDelivery {
  via: 'http' | 'nats';
  /** The service account's client id, or the NATS subject. */
  from: string;
}

/** What became of one event of a delivery. */
export interface AcceptedInboundEvent {
  /** Kommuna's id of the stored event. */
  inboundEventId: string;
  id: string;
  source: string;
  type: string;
  /** true: this source and id were stored before with the same content; nothing changed. */
  duplicate: boolean;
}

/** A stored inbound event, as the municipality's admin reads it. */
export interface StoredInboundEvent extends Pick<
  InboundEventEntity,
  'source' | 'type' | 'subject' | 'time' | 'data' | 'receivedVia' | 'receivedFrom' | 'receivedAt'
> {
  /** Kommuna's id of the stored event. */
  inboundEventId: string;
  /** The sender's CloudEvents id. */
  id: string;
}

/** The largest `data` one event may carry (serialised JSON). */
export const MAX_INBOUND_DATA_BYTES = 64 * 1024;

/** An event ready to store: its attributes, its data checked and its identity numbers mapped (what the outbox announces, less Kommuna's id). */
type Prepared = Omit<InboundEventAcceptedData, 'inboundEventId'>;

const JSON_CONTENT = /^application\/(?:[\w.+-]+\+)?json$/;

/** The inbound_event columns a stored event is read with (all but its tenant). */
const STORED_COLUMNS = ['id', 'source', 'eventId', 'type', 'subject', 'time', 'data', 'receivedVia', 'receivedFrom', 'receivedAt'] as const;

/**
 * Events in (issue 18 item 5): CloudEvents from the addressed municipality's systems and sensors,
 * checked against their registered type, stored once per source and id, and announced in the
 * outbox (se.kommuna.events.inbound.accepted) for the services that act on them (rules). A
 * delivery is taken whole or not at all: one bad event refuses the batch, with every problem named.
 */
export class InboundEvents {
  constructor(
    private readonly database: Database,
    private readonly parties: PartyRegister,
    readonly types: InboundEventTypes,
    /** The tenant slug of a tenant id: what `kommunatenant` must say when an event carries it. */
    private readonly slugOf: (tenantId: string) => string | undefined,
  ) {}

  /** Takes a delivery for the municipality of the request context (its service account's, or its NATS subject's). */
  async accept(events: readonly CloudEvent<unknown>[], delivery: InboundDelivery): Promise<AcceptedInboundEvent[]> {
    if (events.length === 0) throw InboundEventRefusedError.of('INBOUND_EVENT_MALFORMED', 'The delivery holds no event');
    if (events.length > MAX_INBOUND_BATCH)
      throw InboundEventRefusedError.of(
        'INBOUND_BATCH_TOO_LARGE',
        `A delivery carries at most ${MAX_INBOUND_BATCH} events; this one has ${events.length}`,
      );
    const tenantId = requestContext.tenantId();
    const slug = this.slugOf(tenantId);
    const types = await this.database.transaction((em) =>
      this.types.resolve(
        em,
        events.map((e) => e.type),
      ),
    );

    const problems: InboundProblem[] = [];
    const prepared: Prepared[] = [];
    for (const [index, event] of events.entries()) {
      const problem = (code: InboundProblem['code'], message: string) => problems.push({ index, id: event.id, code, message });
      const addressed = event[TENANT_EXTENSION];
      if (addressed !== undefined && addressed !== slug) {
        problem(
          'INBOUND_EVENT_WRONG_MUNICIPALITY',
          `Event ${event.id} is addressed to ${String(addressed)} (${TENANT_EXTENSION}) but was delivered to ${slug}: a municipality's systems deliver only its own events`,
        );
        continue;
      }
      const type = types.get(event.type);
      if (!type) {
        problem(
          'INBOUND_EVENT_TYPE_UNKNOWN',
          `Event ${event.id} has type ${event.type}, which is not registered for ${slug} (GET /events/inbound/types lists them)`,
        );
        continue;
      }
      const data = dataOf(event);
      if (typeof data === 'string') {
        problem('INBOUND_EVENT_MALFORMED', `Event ${event.id}: ${data}`);
        continue;
      }
      const validate = dataValidator(type.dataSchema);
      if (!validate(data)) {
        const reasons = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
        problem('INBOUND_EVENT_INVALID', `Event ${event.id}: data does not match ${event.type}: ${reasons}`);
        continue;
      }
      const mapped = await this.withPartyIds(data, type);
      if (typeof mapped === 'string') {
        problem('INBOUND_EVENT_INVALID', `Event ${event.id}: ${mapped}`);
        continue;
      }
      prepared.push({
        id: event.id,
        source: event.source,
        type: event.type,
        subject: event.subject ?? null,
        time: event.time ? new Date(event.time).toISOString() : null,
        data: mapped,
      });
    }
    if (problems.length > 0) throw new InboundEventRefusedError(problems);

    const unique = uniqueBySourceAndId(prepared);
    return this.database.transaction((em) => this.store(em, tenantId, unique, delivery, prepared));
  }

  /** The municipality's latest inbound events, newest first. */
  async list(options: { first?: number; type?: string } = {}): Promise<StoredInboundEvent[]> {
    const first = Math.min(Math.max(options.first ?? 50, 1), 200);
    const rows = await this.database.transaction((em) =>
      selectRows(
        em,
        InboundEventEntity,
        STORED_COLUMNS,
        `FROM inbound_event
            WHERE tenant_id = $1 AND ($2::varchar IS NULL OR type = $2) ORDER BY received_at DESC, id DESC LIMIT $3`,
        [requestContext.tenantId(), options.type ?? null, first],
      ),
    );
    // Kommuna's id is inboundEventId; `id` is the sender's, as in the CloudEvent.
    return rows.map(({ id, eventId, ...row }) => ({ ...row, inboundEventId: id, id: eventId }));
  }

  private async store(
    em: EntityManager,
    tenantId: string,
    events: Prepared[],
    delivery: InboundDelivery,
    asDelivered: Prepared[],
  ): Promise<AcceptedInboundEvent[]> {
    const inserted = rowsOf(
      em,
      InboundEventEntity,
      await em.query(
        `INSERT INTO inbound_event (tenant_id, source, event_id, type, subject, time, data, received_via, received_from)
       SELECT $1::uuid, e.source, e.event_id, e.type, e.subject, e.time, e.data::jsonb, $7, $8
         FROM unnest($2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::timestamptz[], $9::text[]) AS e(source, event_id, type, subject, time, data)
       ON CONFLICT ON CONSTRAINT "UQ_inbound_event_source_id" DO NOTHING
       RETURNING id, source, event_id`,
        [
          tenantId,
          events.map((e) => e.source),
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => e.subject),
          events.map((e) => e.time),
          delivery.via,
          delivery.from.slice(0, 300),
          events.map((e) => JSON.stringify(e.data)),
        ],
      ),
      ['id', 'source', 'eventId'],
    );
    const key = (source: string, id: string) => JSON.stringify([source, id]);
    const stored = new Map(inserted.map((row) => [key(row.source, row.eventId), { inboundEventId: row.id, duplicate: false }]));
    const others = events.filter((e) => !stored.has(key(e.source, e.id)));
    if (others.length > 0) {
      // Stored before: the same event again is a duplicate; other content under its source and id is refused.
      const existing = rowsOf(
        em,
        InboundEventEntity,
        await em.query(
          `SELECT ${selectColumns(em, InboundEventEntity, { alias: 'i', only: STORED_COLUMNS })}
             FROM inbound_event i JOIN unnest($2::varchar[], $3::varchar[]) AS e(source, event_id) ON i.source = e.source AND i.event_id = e.event_id
            WHERE i.tenant_id = $1`,
          [tenantId, others.map((e) => e.source), others.map((e) => e.id)],
        ),
        STORED_COLUMNS,
      );
      const byKey = new Map(existing.map((row) => [key(row.source, row.eventId), row]));
      const problems: InboundProblem[] = [];
      for (const event of others) {
        const row = byKey.get(key(event.source, event.id));
        const same =
          row &&
          row.type === event.type &&
          row.subject === event.subject &&
          (row.time ? new Date(row.time).toISOString() : null) === event.time &&
          canonical(row.data) === canonical(event.data);
        if (!row || !same) {
          problems.push({
            index: asDelivered.indexOf(event),
            id: event.id,
            code: 'INBOUND_EVENT_ID_CONFLICT',
            message: `Event ${event.id} from ${event.source} was received before with other content: a new event needs a new id`,
          });
        } else stored.set(key(event.source, event.id), { inboundEventId: row.id, duplicate: true });
      }
      if (problems.length > 0) throw new InboundEventRefusedError(problems);
    }
    const fresh = events.filter((e) => !stored.get(key(e.source, e.id))?.duplicate);
    await recordEvents<InboundEventAcceptedData>(
      em,
      fresh.map((e) => ({
        type: EVENT_TYPES.inboundEventAccepted,
        source: '/events',
        subject: stored.get(key(e.source, e.id))?.inboundEventId,
        data: {
          inboundEventId: stored.get(key(e.source, e.id))?.inboundEventId ?? '',
          id: e.id,
          source: e.source,
          type: e.type,
          subject: e.subject,
          time: e.time,
          data: e.data,
        },
      })),
    );
    return asDelivered.map((e) => {
      const result = stored.get(key(e.source, e.id));
      return {
        inboundEventId: result?.inboundEventId ?? '',
        id: e.id,
        source: e.source,
        type: e.type,
        duplicate: result?.duplicate ?? false,
      };
    });
  }

  /** The data with each identity field replaced by its party id, or why it cannot be. */
  private async withPartyIds(data: Record<string, unknown>, type: InboundEventType): Promise<Record<string, unknown> | string> {
    const fields = Object.entries(type.identityFields ?? {});
    if (fields.length === 0) return data;
    const mapped = { ...data };
    for (const [field, partyField] of fields) {
      const value = mapped[field];
      delete mapped[field];
      if (value === undefined || value === null) continue;
      const parsed = parsePersonnummer(String(value));
      if (!parsed.ok) return `${field} is not a valid personnummer or samordningsnummer`;
      mapped[partyField] = await this.parties.partyIdFor('person', parsed.value.normalized);
    }
    return mapped;
  }
}

/** The event's data as a JSON object, or why it is not one. */
function dataOf(event: CloudEvent<unknown>): Record<string, unknown> | string {
  const contentType = (event.datacontenttype ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (!JSON_CONTENT.test(contentType)) return `datacontenttype must be JSON (application/json), not ${contentType}`;
  if (event.data_base64 !== undefined) return 'data must be JSON, not data_base64';
  let data: unknown = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return 'data is not JSON';
    }
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'data must be a JSON object';
  if (JSON.stringify(data).length > MAX_INBOUND_DATA_BYTES) return `data is at most ${MAX_INBOUND_DATA_BYTES} bytes`;
  return data as Record<string, unknown>;
}

/** JSON with sorted keys: jsonb gives keys back in its own order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** One event per source and id; the same id twice in a delivery with other content is refused. */
function uniqueBySourceAndId(events: Prepared[]): Prepared[] {
  const seen = new Map<string, Prepared>();
  const problems: InboundProblem[] = [];
  events.forEach((event, index) => {
    const k = JSON.stringify([event.source, event.id]);
    const earlier = seen.get(k);
    if (!earlier) seen.set(k, event);
    else if (canonical(earlier) !== canonical(event))
      problems.push({
        index,
        id: event.id,
        code: 'INBOUND_EVENT_ID_CONFLICT',
        message: `Event ${event.id} from ${event.source} appears twice in the delivery with different content`,
      });
  });
  if (problems.length > 0) throw new InboundEventRefusedError(problems);
  return [...seen.values()];
}
