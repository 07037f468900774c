import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { WebhookDeliveryHandOver1768100000000 } from './migrations/1768100000000-webhook-delivery-hand-over';
import { WEBHOOKS_DATABASE_SCHEMA } from './schema';

/** The webhook tables' columns, indexes, constraints, options, policies, grants and the due probe: what a migration changes. */
const CATALOGUE_SQL = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name, data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS definition
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name LIKE 'webhook%'
  UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'webhook%'
  UNION ALL SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE conrelid::regclass::text LIKE 'webhook%'
  UNION ALL SELECT 'table', relname, coalesce(array_to_string(reloptions, ','), '') || ' rls ' || relrowsecurity || ' force ' || relforcerowsecurity
    FROM pg_class WHERE relkind = 'r' AND relname LIKE 'webhook%'
  UNION ALL SELECT 'policy', tablename || '.' || policyname, cmd || ' ' || array_to_string(roles, ',') || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '')
    FROM pg_policies WHERE tablename LIKE 'webhook%'
  UNION ALL SELECT 'grant', table_name || '.' || grantee, string_agg(privilege_type, ',' ORDER BY privilege_type)
    FROM information_schema.role_table_grants WHERE table_name LIKE 'webhook%' GROUP BY table_name, grantee
  UNION ALL SELECT 'function', p.oid::regprocedure::text, pg_get_functiondef(p.oid) || ' ' || coalesce(array_to_string(p.proacl, ','), '')
    FROM pg_proc p WHERE p.proname LIKE 'webhook%'
  ORDER BY 1, 2`;

type Catalogue = Array<{ kind: string; name: string; definition: string }>;
type DeliveryRow = {
  id: string;
  status: string;
  claim_id: string | null;
  unscheduled: boolean;
  parked: boolean | null;
  due: boolean | null;
};

/** What the migrations below saw, in the order they ran. */
const seen: {
  before?: Catalogue;
  after?: Catalogue;
  down?: Catalogue;
  again?: Catalogue;
  downRows?: DeliveryRow[];
  againRows?: DeliveryRow[];
  bodies?: string[];
  handOvers?: number;
} = {};

const TENANT = '00000000-0000-4000-8000-00000000a001';
const SUBSCRIPTION = '00000000-0000-4000-8000-00000000b001';
const EVENT = '00000000-0000-4000-8000-00000000c001';
const LATER_EVENT = '00000000-0000-4000-8000-00000000c002';
const DELIVERED = '00000000-0000-4000-8000-00000000d001';
const HANDED_OVER = '00000000-0000-4000-8000-00000000d002';
const LEASE = '00000000-0000-4000-8000-00000000e001';

const deliveries = (queryRunner: QueryRunner): Promise<DeliveryRow[]> =>
  queryRunner.query(
    `SELECT id, status, claim_id, next_attempt_at IS NULL AS unscheduled, next_attempt_at = 'infinity' AS parked, next_attempt_at <= now() AS due
       FROM webhook_delivery ORDER BY id`,
  );

/** Runs just before the hand-over migration: the schema down() must give back. */
class CatalogueBeforeHandOver1768099999999 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    seen.before = await queryRunner.query(CATALOGUE_SQL);
  }
  async down(): Promise<void> {
    // test only
  }
}

/**
 * Runs just after it: a delivered and a handed-over delivery, then down() and up() again, the
 * catalogue and the rows read after each.
 */
class HandOverDownAndUp1768100000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    seen.after = await queryRunner.query(CATALOGUE_SQL);
    await queryRunner.query(
      `INSERT INTO tenant (id, slug, kommunkod, organisationsnummer, name_sv, name_en, config)
       VALUES ($1, 'migration-test', '9999', '212000-0000', 'Testkommun', 'Test municipality', '{}')`,
      [TENANT],
    );
    // The tables force row-level security on their owner too: the rows are the tenant's.
    await queryRunner.query(`SELECT set_config('app.tenant_id', $1, true)`, [TENANT]);
    await queryRunner.query(
      `INSERT INTO webhook_subscription (tenant_id, id, url, event_types, secret, created_by)
       VALUES ($1, $2, 'https://example.org/hook', '{se.kommuna.eforms.completion.requested.v1}', 'whsec_dGVzdA==', 'test')`,
      [TENANT, SUBSCRIPTION],
    );
    await queryRunner.query(
      `INSERT INTO webhook_event (tenant_id, id, event_type, event_time, body)
       VALUES ($1, $2, 'se.kommuna.eforms.completion.requested.v1', now(), '{"id":"e1"}'),
              ($1, $3, 'se.kommuna.eforms.completion.requested.v1', now(), '{"id":"e2"}')`,
      [TENANT, EVENT, LATER_EVENT],
    );
    // As the worker leaves them: one recorded (finished), one held by a hand-over's lease (written held, no next attempt).
    await queryRunner.query(
      `INSERT INTO webhook_delivery (tenant_id, id, subscription_id, event_id, event_type, event_time, status, next_attempt_at, claim_id)
       VALUES ($1, $2, $4, $5, 'se.kommuna.eforms.completion.requested.v1', now(), 'DELIVERED', NULL, NULL),
              ($1, $3, $4, $7, 'se.kommuna.eforms.completion.requested.v1', now(), 'PENDING', NULL, $6)`,
      [TENANT, DELIVERED, HANDED_OVER, SUBSCRIPTION, EVENT, LEASE, LATER_EVENT],
    );
    await queryRunner.query(
      `INSERT INTO webhook_hand_over (tenant_id, id, event_ids, lease_until) VALUES ($1, $2, ARRAY[$3::uuid], now() + interval '1 minute')`,
      [TENANT, LEASE, LATER_EVENT],
    );

    const migration = new WebhookDeliveryHandOver1768100000000();
    await migration.down(queryRunner);
    seen.down = await queryRunner.query(CATALOGUE_SQL);
    seen.downRows = await deliveries(queryRunner);

    await migration.up(queryRunner);
    seen.again = await queryRunner.query(CATALOGUE_SQL);
    seen.againRows = await deliveries(queryRunner);
    seen.bodies = (await queryRunner.query(`SELECT body FROM webhook_event ORDER BY id`)).map((row: { body: string }) => row.body);
    seen.handOvers = (await queryRunner.query(`SELECT count(*)::int AS n FROM webhook_hand_over`))[0].n;

    // Leave nothing behind for the migrations after this one.
    await queryRunner.query(`DELETE FROM webhook_delivery`);
    await queryRunner.query(`DELETE FROM webhook_event`);
    await queryRunner.query(`DELETE FROM webhook_subscription`);
    await queryRunner.query(`DELETE FROM tenant WHERE id = $1`, [TENANT]);
  }
  async down(): Promise<void> {
    // test only
  }
}

const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, WEBHOOKS_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = {
  entities: SCHEMAS.flatMap((s) => s.entities as []),
  // TypeORM runs migrations in the order of their timestamps: these two surround the hand-over's.
  migrations: [...SCHEMAS.flatMap((s) => s.migrations), CatalogueBeforeHandOver1768099999999, HandOverDownAndUp1768100000001],
};

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A database migrated from nothing, so the migrations above run every time (the test databases
 * start from a migrated template): PGlite, or with DATABASE_URL a new database on that server.
 */
async function migrateFresh(): Promise<() => Promise<void>> {
  const appUrl = process.env.DATABASE_URL;
  if (!appUrl) {
    const database = await Database.open({ kind: 'pglite' }, SCHEMA);
    return () => database.close();
  }
  const ownerUrl = process.env.DATABASE_MIGRATION_URL ?? appUrl;
  const name = `kommuna_migration_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  };
  try {
    const database = await Database.open(
      { kind: 'postgres', url: withDatabase(appUrl, name), migrationUrl: withDatabase(ownerUrl, name), poolSize: 1 },
      SCHEMA,
    );
    return async () => {
      await database.close();
      await drop();
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

describe('webhook hand-over migration (1768100000000)', () => {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    close = await migrateFresh();
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('down() gives back the schema before it, and up() after down() the schema it made', () => {
    expect(seen.before).toBeDefined();
    // It changes the schema at all (else the comparisons below prove nothing).
    expect(seen.after).not.toEqual(seen.before);
    expect(seen.down).toEqual(seen.before);
    expect(seen.again).toEqual(seen.after);
  });

  it('down() leaves a handed-over delivery due again, not parked, and up() again keeps the rows and the bodies', () => {
    const byId = (rows: DeliveryRow[] | undefined) => new Map((rows ?? []).map((row) => [row.id, row]));
    const down = byId(seen.downRows);
    // The recorded one is out of every claim's reach.
    expect(down.get(DELIVERED)).toMatchObject({ status: 'DELIVERED', parked: true });
    // The handed-over one is back in the queue: due, held by no claim (the hand-over table is gone).
    expect(down.get(HANDED_OVER)).toMatchObject({ status: 'PENDING', claim_id: null, parked: false, due: true });

    const again = byId(seen.againRows);
    expect(again.get(DELIVERED)).toMatchObject({ status: 'DELIVERED', unscheduled: true });
    expect(again.get(HANDED_OVER)).toMatchObject({ status: 'PENDING', claim_id: null, unscheduled: false, due: true });
    expect(seen.bodies).toEqual(['{"id":"e1"}', '{"id":"e2"}']);
    expect(seen.handOvers).toBe(0);
  });
});
