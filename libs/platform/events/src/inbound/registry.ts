import { createHash } from 'node:crypto';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { EntityManager } from 'typeorm';
import { Database, RawRow, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { EVENT_CONTRACTS, INBOUND_EVENT_CONTRACTS, InboundEventContract, VERSIONED_EVENT_TYPE } from '@kommuna/shared-service-contracts';
import { InboundEventTypeEntity } from './entities';
import { InboundEventTypeInputError } from './errors';

/** An inbound type as senders and admins read it: shared by every municipality, or the municipality's own. */
export interface InboundEventType extends InboundEventContract {
  /** shared: registered by the platform's services for every municipality; municipality: this one's own. */
  scope: 'shared' | 'municipality';
  createdBy?: string;
  createdAt?: Date;
}

export interface InboundEventTypeInput {
  cloudEventType: string;
  summary: string;
  dataSchema: Record<string, unknown>;
}

/** Types under se.kommuna. are the platform's to register (shared ones); a municipality names its own, e.g. se.sundsvall.… */
const RESERVED_PREFIX = 'se.kommuna.';
const MAX_SCHEMA_BYTES = 64 * 1024;

/** The inbound_event_type columns a municipality's own type is read with. */
const TYPE_COLUMNS = ['cloudEventType', 'summary', 'dataSchema', 'createdBy', 'createdAt'] as const;

const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
const compiled = new Map<string, ValidateFunction>();

/** The compiled validator of a data schema, once per distinct schema in the process. */
export function dataValidator(schema: Record<string, unknown>): ValidateFunction {
  // $id is dropped: a municipality's schema may not claim (or clash with) an id ajv already holds.
  const rest = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$id'));
  const key = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rest);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * The inbound event type registry: the shared types (INBOUND_EVENT_CONTRACTS, registered by the
 * services for every municipality) and the ones the addressed municipality registered for its own
 * systems (inbound_event_type, under row-level security: no municipality sees or uses another's).
 */
export class InboundEventTypes {
  constructor(private readonly database: Database) {}

  /** Every type the addressed municipality accepts: the shared ones, then its own. */
  async list(): Promise<InboundEventType[]> {
    const own = await this.database.transaction(async (em) =>
      (
        await selectRows(
          em,
          InboundEventTypeEntity,
          TYPE_COLUMNS,
          `FROM inbound_event_type WHERE tenant_id = $1 ORDER BY cloud_event_type`,
          [requestContext.tenantId()],
        )
      ).map(municipalityType),
    );
    return [...INBOUND_EVENT_CONTRACTS.map((c) => ({ ...c, scope: 'shared' as const })), ...own];
  }

  /** The types of `cloudEventTypes` the current municipality accepts, by type (unknown ones are absent). */
  async resolve(em: EntityManager, cloudEventTypes: readonly string[]): Promise<Map<string, InboundEventType>> {
    const found = new Map<string, InboundEventType>();
    for (const contract of INBOUND_EVENT_CONTRACTS)
      if (cloudEventTypes.includes(contract.cloudEventType)) found.set(contract.cloudEventType, { ...contract, scope: 'shared' });
    const wanted = [...new Set(cloudEventTypes)].filter((t) => !found.has(t));
    if (wanted.length > 0) {
      const own = await selectRows(
        em,
        InboundEventTypeEntity,
        TYPE_COLUMNS,
        `FROM inbound_event_type WHERE tenant_id = $1 AND cloud_event_type = ANY($2::varchar[])`,
        [requestContext.tenantId(), wanted],
      );
      for (const type of own) found.set(type.cloudEventType, municipalityType(type));
    }
    return found;
  }

  /**
   * Registers a type of the municipality's own. A type is immutable once registered (senders and
   * rules rely on it): a changed schema is a new version (…v2). Registering the same again is a no-op.
   */
  async register(input: InboundEventTypeInput, createdBy: string): Promise<InboundEventType> {
    const type = String(input?.cloudEventType ?? '').trim();
    if (!VERSIONED_EVENT_TYPE.test(type) || type.length > 200)
      throw new InboundEventTypeInputError(
        `cloudEventType must be reverse-DNS with the version last, e.g. se.sundsvall.va.leak-detected.v1 (got "${type}")`,
      );
    if (type.startsWith(RESERVED_PREFIX))
      throw new InboundEventTypeInputError(
        `Types under ${RESERVED_PREFIX} are the platform's; name the municipality's own (e.g. se.<kommun>.…)`,
      );
    if (EVENT_CONTRACTS.some((c) => c.cloudEventType === type))
      throw new InboundEventTypeInputError(`${type} is one of Kommuna's outgoing types`);
    const summary = String(input?.summary ?? '').trim();
    if (!summary || summary.length > 500) throw new InboundEventTypeInputError('summary is required, at most 500 characters');
    const schema = input?.dataSchema;
    if (!schema || typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'object')
      throw new InboundEventTypeInputError('dataSchema must be a JSON Schema of an object ("type": "object")');
    if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES)
      throw new InboundEventTypeInputError(`dataSchema is at most ${MAX_SCHEMA_BYTES} bytes`);
    try {
      dataValidator(schema);
    } catch (error) {
      throw new InboundEventTypeInputError(`dataSchema is not a valid JSON Schema (2020-12, strict): ${(error as Error).message}`);
    }
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      const columns = selectColumns(em, InboundEventTypeEntity, { only: TYPE_COLUMNS });
      const [inserted] = typesOf(
        em,
        await em.query(
          `INSERT INTO inbound_event_type (tenant_id, cloud_event_type, summary, data_schema, created_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, cloud_event_type) DO NOTHING RETURNING ${columns}`,
          [tenantId, type, summary, JSON.stringify(schema), createdBy.slice(0, 200)],
        ),
      );
      if (inserted) return inserted;
      const [existing] = typesOf(
        em,
        await em.query(
          `SELECT ${columns} FROM inbound_event_type WHERE tenant_id = $1 AND cloud_event_type = $2 AND data_schema = $3::jsonb`,
          [tenantId, type, JSON.stringify(schema)],
        ),
      );
      if (!existing)
        throw new InboundEventTypeInputError(`${type} is registered with another schema: a changed schema is a new version of the type`);
      return existing;
    });
  }
}

/** A municipality's own types, read as their entity (a RETURNING's or a SELECT's rows). */
function typesOf(em: EntityManager, raw: readonly RawRow[]): InboundEventType[] {
  return rowsOf(em, InboundEventTypeEntity, raw, TYPE_COLUMNS).map(municipalityType);
}

/** A type of the municipality's own, read as its entity, as the list shows it. */
function municipalityType(row: Pick<InboundEventTypeEntity, (typeof TYPE_COLUMNS)[number]>): InboundEventType {
  return { ...row, scope: 'municipality' };
}
