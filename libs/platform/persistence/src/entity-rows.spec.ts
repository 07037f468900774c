import { Column, CreateDateColumn, Entity, EntityManager, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Database } from './database';
import {
  BIGINT_AS_NUMBER,
  EntityQueryContext,
  NUMERIC_AS_NUMBER,
  rowOf,
  rowsOf,
  selectColumns,
  selectRows,
  TIMESTAMP_AS_ISO,
} from './entity-rows';
import { TenantEntity } from './entities/tenant.entity';

/** Every column type the repository's entities use, nullable where one is. */
@Entity({ name: 'entity_rows_probe' })
class ProbeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ name: 'short_name', type: 'varchar', length: 20 })
  shortName!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'country', type: 'char', length: 4 })
  country!: string;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ type: 'integer', nullable: true })
  year!: number | null;

  @Column({ type: 'smallint' })
  small!: number;

  @Column({ type: 'bigint' })
  big!: string;

  @Column({ name: 'seq', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  seq!: number;

  @Column({ type: 'numeric', precision: 14, scale: 4 })
  amount!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'decided_on', type: 'date', nullable: true })
  decidedOn!: string | null;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'bytea', nullable: true })
  content!: Buffer | null;

  @Column({ type: 'text', array: true })
  tags!: string[];

  @Column({ type: 'numeric', precision: 10, scale: 2, transformer: NUMERIC_AS_NUMBER })
  price!: number;

  @Column({ name: 'seen_at', type: 'timestamptz', nullable: true, transformer: TIMESTAMP_AS_ISO })
  seenAt!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}

const PROBE_TABLE = `CREATE TEMP TABLE entity_rows_probe (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL, short_name varchar(20) NOT NULL, note text,
  country char(4) NOT NULL, attempts int NOT NULL, year integer, small smallint NOT NULL, big bigint NOT NULL, seq bigint NOT NULL DEFAULT 9007199254740991,
  amount numeric(14,4) NOT NULL, active boolean NOT NULL, decided_on date, due_at timestamptz NOT NULL,
  payload jsonb NOT NULL, content bytea, tags text[] NOT NULL, price numeric(10,2) NOT NULL, seen_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now())`;

const INSERT = `INSERT INTO entity_rows_probe (tenant_id, short_name, note, country, attempts, year, small, big, amount, active,
    decided_on, due_at, payload, content, tags, price, seen_at)
  VALUES ($1, 'Sundsvall', NULL, 'SE', 3, 2026, 7, '9007199254740993', '12.3456', true, '2026-01-31',
    '2026-03-29T01:30:00.123Z', $2::jsonb, '\\x00ff10'::bytea, ARRAY['a','b,c'], '10.50', '2026-03-29T03:30:00+02')
  RETURNING *`;

const TENANT_ID = '6f1c4c9e-7b1d-4c55-9a39-2f8c1d2e3a4b';

// On the database the tests are given: PGlite, or PostgreSQL when DATABASE_URL is set.
describe('entity rows', () => {
  let database: Database;
  beforeAll(async () => {
    const schema = { entities: [TenantEntity, ProbeEntity], migrations: [] };
    const url = process.env.DATABASE_URL;
    database = await Database.open(url ? { kind: 'postgres', url, poolSize: 1 } : { kind: 'pglite' }, schema);
  });
  afterAll(() => database?.close());

  // Each test in one transaction with the temporary table, rolled back.
  const withProbe = <T>(work: (em: EntityManager) => Promise<T>): Promise<T> =>
    database.dataSource
      .transaction(async (em) => {
        await em.query(PROBE_TABLE);
        throw new RolledBack(await work(em));
      })
      .catch((e: unknown) => {
        if (e instanceof RolledBack) return e.result as T;
        throw e;
      });

  it('maps RETURNING * to the entity, typed as TypeORM types each column', async () => {
    const probe = await withProbe(async (em) =>
      rowOf(em, ProbeEntity, await em.query(INSERT, [TENANT_ID, JSON.stringify({ a: [1, 'två'] })])),
    );
    expect(probe).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: TENANT_ID,
      shortName: 'Sundsvall',
      note: null,
      country: 'SE  ',
      attempts: 3,
      year: 2026,
      small: 7,
      big: '9007199254740993',
      seq: 9007199254740991,
      amount: '12.3456',
      active: true,
      decidedOn: '2026-01-31',
      dueAt: new Date('2026-03-29T01:30:00.123Z'),
      payload: { a: [1, 'två'] },
      content: Buffer.from([0x00, 0xff, 0x10]),
      tags: ['a', 'b,c'],
      price: 10.5,
      seenAt: '2026-03-29T01:30:00.000Z',
      recordedAt: expect.any(Date),
    });
    expect(Buffer.isBuffer(probe?.content)).toBe(true);
    expect(probe).not.toHaveProperty('tenant');
  });

  it('keeps a jsonb string as the string it holds, and nulls as null', async () => {
    const probe = await withProbe(async (em) => {
      const [{ id }] = await em.query(INSERT, [TENANT_ID, JSON.stringify('{"not":"parsed"}')]);
      await em.query(`UPDATE entity_rows_probe SET decided_on = NULL, content = NULL, year = NULL, seen_at = NULL WHERE id = $1`, [id]);
      return rowOf(em, ProbeEntity, await em.query(`SELECT * FROM entity_rows_probe WHERE id = $1`, [id]));
    });
    expect(probe).toMatchObject({ payload: '{"not":"parsed"}', decidedOn: null, content: null, year: null, seenAt: null });
  });

  it('reads a date as the same day west of UTC (the suite runs in New York: jest.config.js)', async () => {
    expect(new Date(2026, 0, 31).getTimezoneOffset()).toBeGreaterThan(0);
    const [raw] = await database.dataSource.query(`SELECT '2026-01-31'::date AS d`);
    expect(raw.d).toEqual(new Date(2026, 0, 31)); // node-pg's local midnight, on PGlite too
    const probe = await withProbe(async (em) => rowOf(em, ProbeEntity, await em.query(INSERT, [TENANT_ID, '{}'])));
    expect(probe?.decidedOn).toBe('2026-01-31');
  });

  it('selects the columns named, qualified by an alias, and gives their Pick', async () => {
    const rows = await withProbe(async (em) => {
      await em.query(INSERT, [TENANT_ID, '{}']);
      const columns = selectColumns(em, ProbeEntity, { alias: 'p', only: ['shortName', 'decidedOn', 'price'] });
      expect(columns).toBe('"p"."short_name", "p"."decided_on", "p"."price"');
      const raw = await em.query(`SELECT ${columns}, 42 AS extra FROM entity_rows_probe p`);
      return rowsOf(em, ProbeEntity, raw, ['shortName', 'decidedOn', 'price']);
    });
    expect(rows).toEqual([{ shortName: 'Sundsvall', decidedOn: '2026-01-31', price: 10.5 }]);
  });

  it('reads two tables in one row, told apart by a prefix', async () => {
    const rows = await withProbe(async (em) => {
      await em.query(INSERT, [TENANT_ID, '{}']);
      const columns = selectColumns(em, ProbeEntity, { alias: 'b', only: ['id', 'shortName'], prefix: 'b.' });
      expect(columns).toBe('"b"."id" AS "b.id", "b"."short_name" AS "b.short_name"');
      const raw = await em.query(
        `SELECT ${selectColumns(em, ProbeEntity, { alias: 'a', only: ['id', 'decidedOn'], prefix: 'a.' })}, ${columns}
           FROM entity_rows_probe a JOIN entity_rows_probe b ON b.id = a.id`,
      );
      return [
        rowsOf(em, ProbeEntity, raw, ['id', 'decidedOn'], { prefix: 'a.' }),
        rowsOf(em, ProbeEntity, raw, ['id', 'shortName'], { prefix: 'b.' }),
      ];
    });
    expect(rows[0]).toEqual([{ id: expect.any(String), decidedOn: '2026-01-31' }]);
    expect(rows[1]).toEqual([{ id: rows[0][0].id, shortName: 'Sundsvall' }]);
  });

  it('selects every column by default, so the rows come back whole', async () => {
    const rows = await withProbe(async (em) => {
      await em.query(INSERT, [TENANT_ID, '[]']);
      return rowsOf(em, ProbeEntity, await em.query(`SELECT ${selectColumns(em, ProbeEntity)} FROM entity_rows_probe`));
    });
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]).sort()).toEqual(
      ['id', 'tenantId', 'shortName', 'note', 'country', 'attempts', 'year', 'small', 'big', 'seq', 'amount', 'active']
        .concat(['decidedOn', 'dueAt', 'payload', 'content', 'tags', 'price', 'seenAt', 'recordedAt'])
        .sort(),
    );
  });

  it('selectRows sends SELECT with the columns named and the rest of the statement, and reads their Pick', async () => {
    const sent: Array<[string, unknown[] | undefined]> = [];
    const rows = await withProbe(async (em) => {
      await em.query(INSERT, [TENANT_ID, '{}']);
      await em.query(INSERT, [TENANT_ID, '[]']);
      await em.query(`UPDATE entity_rows_probe SET short_name = 'Ånge', year = NULL WHERE payload = '[]'::jsonb`);
      const recording: EntityQueryContext = {
        connection: em.connection,
        query: (sql: string, params?: unknown[]) => {
          sent.push([sql, params]);
          return em.query(sql, params);
        },
      };
      return selectRows(
        recording,
        ProbeEntity,
        ['shortName', 'year', 'dueAt'],
        `FROM entity_rows_probe WHERE tenant_id = $1 ORDER BY short_name`,
        [TENANT_ID],
      );
    });
    expect(sent).toEqual([
      ['SELECT "short_name", "year", "due_at" FROM entity_rows_probe WHERE tenant_id = $1 ORDER BY short_name', [TENANT_ID]],
    ]);
    expect(rows.map((row) => row.shortName).sort()).toEqual(['Sundsvall', 'Ånge']);
    expect(rows.find((row) => row.shortName === 'Ånge')).toEqual({
      shortName: 'Ånge',
      year: null,
      dueAt: new Date('2026-03-29T01:30:00.123Z'),
    });
    expect(rows.find((row) => row.shortName === 'Sundsvall')).toEqual({ shortName: 'Sundsvall', year: 2026, dueAt: expect.any(Date) });
  });

  it('selectRows runs on a query runner of its own as on an entity manager', async () => {
    const runner = database.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(PROBE_TABLE);
      await runner.query(INSERT, [TENANT_ID, '{}']);
      const rows = await selectRows(runner, ProbeEntity, ['content', 'seq'], `FROM entity_rows_probe WHERE tenant_id = $1`, [TENANT_ID]);
      expect(rows).toEqual([{ content: Buffer.from([0x00, 0xff, 0x10]), seq: 9007199254740991 }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('selectRows refuses a statement that does not go on from FROM, before sending anything', async () => {
    const sent: string[] = [];
    await withProbe(async (em) => {
      const recording: EntityQueryContext = {
        connection: em.connection,
        query: (sql: string, params?: unknown[]) => {
          sent.push(sql);
          return em.query(sql, params);
        },
      };
      await expect(selectRows(recording, ProbeEntity, ['id'], `WHERE tenant_id = $1`, [TENANT_ID])).rejects.toThrow(
        /selectRows: the statement after the columns starts with FROM, not "WHERE tenant_id = \$1"/,
      );
      await expect(selectRows(recording, ProbeEntity, ['id'], `, note FROM entity_rows_probe`)).rejects.toThrow(/starts with FROM/);
      // A name that is not a column is refused as selectColumns refuses it.
      await expect(selectRows(recording, ProbeEntity, ['tenant'], `FROM entity_rows_probe`)).rejects.toThrow(/"tenant" is not a column/);
    });
    expect(sent).toEqual([]);
  });

  it('refuses a row that lacks a column of the entity, names that are not columns, and odd aliases', async () => {
    await withProbe(async (em) => {
      await em.query(INSERT, [TENANT_ID, '{}']);
      const raw = await em.query(`SELECT id, short_name FROM entity_rows_probe`);
      expect(() => rowsOf(em, ProbeEntity, raw)).toThrow(/has no column "tenant_id" \(tenantId\)/);
      expect(rowsOf(em, ProbeEntity, raw, ['id', 'shortName'])).toEqual([{ id: expect.any(String), shortName: 'Sundsvall' }]);
      expect(() => rowsOf(em, ProbeEntity, raw, ['tenant'])).toThrow(/"tenant" is not a column/);
      expect(() => selectColumns(em, ProbeEntity, { alias: 'p; DROP TABLE x' })).toThrow(/not a plain SQL alias/);
      expect(() => selectColumns(em, ProbeEntity, { prefix: 'a"; --' })).toThrow(/not a plain column prefix/);
      expect(rowOf(em, ProbeEntity, [])).toBeUndefined();
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const [updated] = await em.query(`UPDATE entity_rows_probe SET seq = seq + 1 RETURNING *`);
      expect(() => rowsOf(em, ProbeEntity, updated)).toThrow(/bigint 9007199254740992 does not fit/);
    });
  });
});

class RolledBack {
  constructor(readonly result: unknown) {}
}
