import type { EntityManager, EntityTarget, ObjectLiteral, ValueTransformer } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Typed rows from hand-written SQL (docs/architecture.md#typed-rows): the entity class is the row
 * type, and TypeORM's metadata of it (column names, types, transformers) is the one mapping from
 * snake_case columns to the entity's properties. No Row interface, column list or mapper beside it.
 *
 *   const raw = await em.query(`SELECT ${selectColumns(em, FollowUpEntity)} FROM catalogue_follow_up WHERE …`);
 *   return rowsOf(em, FollowUpEntity, raw); // FollowUpEntity[]
 *
 * `SELECT *`, `t.*` and `RETURNING *` give rows rowsOf reads as well. The plainest of these reads,
 * some properties of one table, is selectRows.
 */

/** What the helpers need of a unit of work: the data source's metadata and driver. */
export type EntityRowsContext = Pick<EntityManager, 'connection'>;

/** A row as `em.query` answers it: database column names as keys. */
export type RawRow = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `"t"."snake_col", …` for the entity's columns (all, or those named, in that order), for a SELECT
 * or RETURNING whose rows go to rowsOf. The alias qualifies each column for joins; a prefix names
 * each output column `"<prefix>snake_col"`, so two tables' columns share a row (rowsOf's prefix).
 */
export function selectColumns<E extends ObjectLiteral>(
  em: EntityRowsContext,
  entity: EntityTarget<E>,
  options: { alias?: string; only?: ReadonlyArray<keyof E & string>; prefix?: string } = {},
): string {
  if (options.alias !== undefined && !IDENTIFIER.test(options.alias)) {
    throw new Error(`selectColumns: "${options.alias}" is not a plain SQL alias`);
  }
  if (options.prefix !== undefined && !/^[A-Za-z0-9_.]+$/.test(options.prefix)) {
    throw new Error(`selectColumns: "${options.prefix}" is not a plain column prefix`);
  }
  const qualifier = options.alias === undefined ? '' : `"${options.alias}".`;
  return columnsOf(em, entity, options.only)
    .map((column) =>
      options.prefix === undefined
        ? `${qualifier}"${column.databaseName}"`
        : `${qualifier}"${column.databaseName}" AS "${options.prefix}${column.databaseName}"`,
    )
    .join(', ');
}

/**
 * Raw rows as the entity's objects: each column read by its database name, converted as TypeORM
 * converts it when it loads the entity (dates to 'YYYY-MM-DD', timestamps to Date, the column's
 * transformer), plus one conversion it lacks: PGlite's bytea (a Uint8Array) becomes a Buffer as on
 * node-pg. With `only`, just those properties (a Pick of the entity). Keys the entity does not know
 * (a joined or computed column) are left out; a column the entity has but the row lacks is an
 * error, so the type never promises a property the query did not select.
 */
export function rowsOf<E extends ObjectLiteral, K extends keyof E & string = keyof E & string>(
  em: EntityRowsContext,
  entity: EntityTarget<E>,
  raw: readonly RawRow[],
  only?: readonly K[],
  options: { prefix?: string } = {},
): Array<Pick<E, K>> {
  const columns = columnsOf(em, entity, only);
  const driver = em.connection.driver;
  const prefix = options.prefix ?? '';
  return raw.map((row) => {
    const out: Record<string, unknown> = {};
    for (const column of columns) {
      const key = prefix + column.databaseName;
      if (!Object.prototype.hasOwnProperty.call(row, key)) {
        throw new Error(
          `rowsOf(${column.entityMetadata.name}): the row has no column "${key}" (${column.propertyName}); select it or name the properties wanted`,
        );
      }
      let value = driver.prepareHydratedValue(row[key], column);
      if (column.type === 'bytea' && value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
      out[column.propertyName] = value;
    }
    return out as Pick<E, K>;
  });
}

/** One raw row as the entity's object, or undefined when there is none (an INSERT … ON CONFLICT DO NOTHING). */
export function rowOf<E extends ObjectLiteral, K extends keyof E & string = keyof E & string>(
  em: EntityRowsContext,
  entity: EntityTarget<E>,
  raw: readonly RawRow[],
  only?: readonly K[],
  options: { prefix?: string } = {},
): Pick<E, K> | undefined {
  return raw.length === 0 ? undefined : rowsOf(em, entity, raw.slice(0, 1), only, options)[0];
}

/** What selectRows needs of a unit of work: an EntityManager, or a QueryRunner of its own. */
export type EntityQueryContext = EntityRowsContext & Pick<EntityManager, 'query'>;

/**
 * The properties named of one table's rows: runs `SELECT <their columns> <from>` with the params
 * and reads the rows as rowsOf does. `from` is the rest of the statement, from its FROM on
 * (`FROM rule WHERE tenant_id = $1 ORDER BY version DESC`). A read that needs more (an alias, a
 * second table's columns, DISTINCT ON, RETURNING, a CTE) writes selectColumns and rowsOf out.
 *
 *   const versions = await selectRows(em, RuleEntity, VERSION, `FROM rule WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
 */
export async function selectRows<E extends ObjectLiteral, K extends keyof E & string>(
  em: EntityQueryContext,
  entity: EntityTarget<E>,
  only: readonly K[],
  from: string,
  params?: unknown[],
): Promise<Array<Pick<E, K>>> {
  // Caught before anything runs: a WHERE alone, or a column list, would be sent as broken SQL.
  if (!/^\s*FROM\s/i.test(from))
    throw new Error(`selectRows: the statement after the columns starts with FROM, not "${from.slice(0, 40)}"`);
  const raw: RawRow[] = await em.query(`SELECT ${selectColumns(em, entity, { only })} ${from}`, params);
  return rowsOf(em, entity, raw, only);
}

function columnsOf<E extends ObjectLiteral>(
  em: EntityRowsContext,
  entity: EntityTarget<E>,
  only: ReadonlyArray<string> | undefined,
): ColumnMetadata[] {
  const metadata = em.connection.getMetadata(entity);
  // A relation's join column without a property of its own is virtual: the row type has no such property.
  const columns = metadata.columns.filter((column) => !column.isVirtual);
  for (const column of columns) {
    if (column.embeddedMetadata) {
      throw new Error(`rowsOf(${metadata.name}): embedded columns (${column.propertyPath}) are not supported`);
    }
  }
  if (only === undefined) return columns;
  return only.map((name) => {
    const column = columns.find((c) => c.propertyName === name);
    if (!column) throw new Error(`rowsOf(${metadata.name}): "${name}" is not a column of the entity`);
    return column;
  });
}

/**
 * A numeric column read as a JS number, for an entity whose public type has always been a number
 * (amounts and measurements well inside a double's 15 significant digits). TypeORM's default, a
 * string, stays right for anything that must keep every digit.
 */
export const NUMERIC_AS_NUMBER: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * A bigint column read as a JS number, for counters and positions far below 2^53; a value past
 * that is an error rather than a silently rounded number.
 */
export const BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: string | number | null) => {
    if (value === null) return null;
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new RangeError(`bigint ${value} does not fit a JS number exactly`);
    return number;
  },
};

/** A timestamptz column read as an ISO 8601 string (UTC), for an entity whose public type is that string. */
export const TIMESTAMP_AS_ISO: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: Date | string | null) => (value === null ? null : new Date(value).toISOString()),
};
