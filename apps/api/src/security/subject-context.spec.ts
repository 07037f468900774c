import { requestContext } from '@kommuna/platform-tenancy';
import { Tenant } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { APP_DATABASE_SCHEMA } from '../database-schema';

// The subject context (one Mina sidor across member municipalities) on the real tables, as all of
// the api's migrations leave them, on PGlite and on PostgreSQL: minasidor_case for behaviour, and
// from the catalogue every table whose policies name the subject.
describe('subject context on the migrated schema', () => {
  const db = useTestDatabase(APP_DATABASE_SCHEMA);
  let citizenX: string;
  let citizenY: string;
  let timra: Tenant;
  let sundsvall: Tenant;

  const party = async (index: number): Promise<string> => {
    const [row] = await db().platformTransaction((em) =>
      em.query(`INSERT INTO party (kind, identity_number) VALUES ('person', $1) RETURNING id`, [
        testPersonnummer(index).replace(/\D/g, ''),
      ]),
    );
    return row.id;
  };
  const insertCase = (tenant: Tenant, subjectId: string, title: string) =>
    db().transaction((em) =>
      em.query(
        `INSERT INTO minasidor_case (tenant_id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind, unit, source, external_case_id, internal_status, status_changed_at, whose_turn)
         VALUES ($1, $2, 'test', $3, $3, $4, 'person', 'socialtjanst', 'test', $2, 'received', now(), 'municipality')`,
        [tenant.id, `${tenant.slug}-${title}`, title, subjectId],
      ),
    );
  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>) => requestContext.run({ tenantId: tenant.id }, work);
  const asCitizen = <T>(subjectId: string, work: () => Promise<T>) => requestContext.run({ subjectId }, work);
  const titles = () =>
    db()
      .transaction((em) => em.query(`SELECT title_sv FROM minasidor_case ORDER BY title_sv`))
      .then((rows: Array<{ title_sv: string }>) => rows.map((r) => r.title_sv));

  beforeAll(async () => {
    [timra, sundsvall] = await createTestTenants(db(), { slug: 'timra' }, { slug: 'sundsvall' });
    citizenX = await party(1);
    citizenY = await party(2);
    await inTenant(timra, () => insertCase(timra, citizenX, 'X i Timrå'));
    await inTenant(sundsvall, () => insertCase(sundsvall, citizenX, 'X i Sundsvall'));
    await inTenant(sundsvall, () => insertCase(sundsvall, citizenY, 'Y i Sundsvall'));
  });

  it("shows a citizen their own cases from every municipality, and no one else's", async () => {
    expect(await asCitizen(citizenX, titles)).toEqual(['X i Sundsvall', 'X i Timrå']);
    expect(await asCitizen(citizenY, titles)).toEqual(['Y i Sundsvall']);
  });

  it('lets a citizen neither write nor change cases in a subject context alone', async () => {
    await expect(asCitizen(citizenX, () => insertCase(timra, citizenX, 'forged'))).rejects.toThrow(/row-level security/);
    const [, changed] = await asCitizen(citizenX, () =>
      db().transaction((em) => em.query(`UPDATE minasidor_case SET title_sv = 'changed'`)),
    );
    expect(changed).toBe(0);
  });

  it("keeps a municipality's staff context to its own cases, whoever the subject", async () => {
    expect(await inTenant(timra, titles)).toEqual(['X i Timrå']);
  });

  it('keeps a citizen who addresses a municipality to their own cases there, reading and writing', async () => {
    const inSundsvall = <T>(subjectId: string, work: () => Promise<T>) => requestContext.run({ tenantId: sundsvall.id, subjectId }, work);
    expect(await inSundsvall(citizenX, titles)).toEqual(['X i Sundsvall', 'X i Timrå']);
    await inSundsvall(citizenX, () => insertCase(sundsvall, citizenX, 'X igen'));
    await expect(inSundsvall(citizenX, () => insertCase(sundsvall, citizenY, 'as Y'))).rejects.toThrow(/row-level security/);
    const [, changed] = await inSundsvall(citizenX, () =>
      db().transaction((em) => em.query(`UPDATE minasidor_case SET title_sv = title_sv || '!' WHERE subject_party_id = $1`, [citizenY])),
    );
    expect(changed).toBe(0);
    expect(await asCitizen(citizenY, titles)).toEqual(['Y i Sundsvall']);
  });

  it('narrows reads and writes to the subject on every table whose policies name one', async () => {
    // From the catalogue: a table a citizen reads across municipalities must also, in the tenant
    // policy that governs writes, keep a citizen to their own rows (a subject context never widens).
    const tables: Array<{ table: string; subjectRead: boolean; writesNarrowed: boolean }> = await db().dataSource.query(`
      SELECT c.relname AS "table",
             bool_or(p.polcmd = 'r' AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app_current_subject_id()%'
                     AND pg_get_expr(p.polqual, p.polrelid) NOT LIKE '%app_current_tenant_id()%') AS "subjectRead",
             bool_or(p.polcmd = '*' AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app_current_tenant_id()%'
                     AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app_current_subject_id()%'
                     AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app_current_subject_id()%') AS "writesNarrowed"
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public'
         AND EXISTS (SELECT 1 FROM pg_policy q WHERE q.polrelid = c.oid
                      AND (pg_get_expr(q.polqual, q.polrelid) LIKE '%app_current_subject_id()%' OR pg_get_expr(q.polwithcheck, q.polrelid) LIKE '%app_current_subject_id()%'))
       GROUP BY c.relname ORDER BY c.relname`);
    const names = tables.map((t) => t.table);
    for (const expected of [
      'eforms_draft',
      'eforms_submission',
      'minasidor_case',
      'minasidor_case_event',
      'minasidor_decision',
      'minasidor_message',
    ])
      expect(names).toContain(expected);
    expect(tables).toEqual(tables.map((t) => ({ table: t.table, subjectRead: true, writesNarrowed: true })));
  });
});
