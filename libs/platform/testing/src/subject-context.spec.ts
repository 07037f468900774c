import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { requestContext } from '@kommuna/platform-tenancy';
import { grantToAppSql, PLATFORM_DATABASE_SCHEMA, Tenant, tenantIsolationSql } from '@kommuna/platform-persistence';
import { createTestTenants } from './factories';
import { useTestDatabase } from './test-database';

// A citizen-visible table the way service migrations will declare one (docs/architecture.md#tenancy).
class CitizenNoteFixture1764057600001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE citizen_note (tenant_id uuid NOT NULL REFERENCES tenant(id), id uuid NOT NULL DEFAULT gen_random_uuid(), subject_id uuid NOT NULL, body text NOT NULL, PRIMARY KEY (tenant_id, id))`,
    );
    for (const sql of tenantIsolationSql('citizen_note', { subjectColumn: 'subject_id' })) await queryRunner.query(sql);
    await queryRunner.query(grantToAppSql('citizen_note'));
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE citizen_note`);
  }
}

describe('subject context (one Mina sidor across member municipalities)', () => {
  const db = useTestDatabase({
    entities: PLATFORM_DATABASE_SCHEMA.entities,
    migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, CitizenNoteFixture1764057600001],
  });
  const citizenX = randomUUID();
  const citizenY = randomUUID();
  let timra: Tenant;
  let sundsvall: Tenant;

  const note = (tenant: Tenant, subjectId: string, body: string) =>
    requestContext.run({ tenantId: tenant.id }, () =>
      db().transaction((em) => em.query(`INSERT INTO citizen_note (tenant_id, subject_id, body) VALUES ($1, $2, $3)`, [tenant.id, subjectId, body])),
    );
  const asCitizen = <T>(subjectId: string, work: () => Promise<T>) => requestContext.run({ subjectId }, work);

  beforeAll(async () => {
    [timra, sundsvall] = await createTestTenants(db(), { slug: 'timra' }, { slug: 'sundsvall' });
    await note(timra, citizenX, 'X i Timrå');
    await note(sundsvall, citizenX, 'X i Sundsvall');
    await note(sundsvall, citizenY, 'Y i Sundsvall');
  });

  it("shows a citizen their own rows from every municipality, and no one else's", async () => {
    const rows = await asCitizen(citizenX, () =>
      db().transaction((em) => em.query(`SELECT tenant_id, body FROM citizen_note ORDER BY body`)),
    );
    expect(rows).toEqual([
      { tenant_id: sundsvall.id, body: 'X i Sundsvall' },
      { tenant_id: timra.id, body: 'X i Timrå' },
    ]);
  });

  it('lets a citizen neither write nor change rows in a subject context alone', async () => {
    await expect(
      asCitizen(citizenX, () =>
        db().transaction((em) => em.query(`INSERT INTO citizen_note (tenant_id, subject_id, body) VALUES ($1, $2, 'forged')`, [timra.id, citizenX])),
      ),
    ).rejects.toThrow(/row-level security/);
    const [, changed] = await asCitizen(citizenX, () =>
      db().transaction((em) => em.query(`UPDATE citizen_note SET body = 'changed'`)),
    );
    expect(changed).toBe(0);
  });

  it("keeps a municipality's staff context to its own rows, whoever the subject", async () => {
    const rows = await requestContext.run({ tenantId: timra.id }, () =>
      db().transaction((em) => em.query(`SELECT body FROM citizen_note ORDER BY body`)),
    );
    expect(rows).toEqual([{ body: 'X i Timrå' }]);
  });

  it('keeps a citizen who addresses a municipality to their own rows there, reading and writing', async () => {
    const inSundsvall = <T>(subjectId: string, work: () => Promise<T>) => requestContext.run({ tenantId: sundsvall.id, subjectId }, work);
    const rows = await inSundsvall(citizenX, () => db().transaction((em) => em.query(`SELECT body FROM citizen_note ORDER BY body`)));
    expect(rows).toEqual([{ body: 'X i Sundsvall' }, { body: 'X i Timrå' }]);
    await inSundsvall(citizenX, () =>
      db().transaction((em) => em.query(`INSERT INTO citizen_note (tenant_id, subject_id, body) VALUES ($1, $2, 'X igen')`, [sundsvall.id, citizenX])),
    );
    await expect(
      inSundsvall(citizenX, () =>
        db().transaction((em) => em.query(`INSERT INTO citizen_note (tenant_id, subject_id, body) VALUES ($1, $2, 'as Y')`, [sundsvall.id, citizenY])),
      ),
    ).rejects.toThrow(/row-level security/);
    const [, changed] = await inSundsvall(citizenX, () => db().transaction((em) => em.query(`UPDATE citizen_note SET body = body || '!' WHERE subject_id = $1`, [citizenY])));
    expect(changed).toBe(0);
  });
});
