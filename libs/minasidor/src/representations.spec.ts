import { AuditLog } from '@kommuna/platform-audit';
import { useTestDatabase } from '@kommuna/platform-testing';
import { NotRepresentedError } from './index';
import { caseInput, createWorld, inTenant, person, SCHEMA, World } from './testing/fixture';

/**
 * Issue 23, fault 1: a Timrå service account registered a representation and so reached
 * Sundsvall's company case, and another municipality ended Sundsvall's registration. Now a row
 * records who registered it (a municipality, or an authoritative source), a municipality's row
 * reaches only that municipality's cases, only its registrar may change or end it, and every
 * register and end is in the registrar's hash-chained audit trail.
 */
describe('the representation register across municipalities', () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });

  let companies = 0;
  /** A fresh company (valid organisationsnummer) with one case in Sundsvall and one in Timrå. */
  async function companyWithCases(): Promise<{ organisationsnummer: string; sundsvallCase: string; timraCase: string }> {
    companies++;
    const base = `55601${String(companies).padStart(4, '0')}`;
    const weights = [2, 1, 2, 1, 2, 1, 2, 1, 2];
    const sum = [...base].reduce((s, d, i) => s + [...String(Number(d) * weights[i])].reduce((a, b) => a + Number(b), 0), 0);
    const organisationsnummer = `${base.slice(0, 6)}-${base.slice(6)}${(10 - (sum % 10)) % 10}`;
    const sundsvall = await inTenant(w.sundsvall, () =>
      w.minasidor.intake.upsertCase(caseInput({ organisationsnummer }, { unit: 'tillstand', errandNumber: `SBN-${companies}` })),
    );
    const timra = await inTenant(w.timra, () =>
      w.minasidor.intake.upsertCase(caseInput({ organisationsnummer }, { unit: 'tillstand', errandNumber: `TIM-${companies}` })),
    );
    return { organisationsnummer, sundsvallCase: sundsvall.caseId, timraCase: timra.caseId };
  }
  const partyOf = (index: number) => w.parties.partyIdFor('person', person(index).personnummer);
  const seenAs = async (personIndex: number, organisationsnummer: string) =>
    (await w.minasidor.citizens.myCases(await partyOf(personIndex), { asOrganisation: organisationsnummer, first: 100 })).cases
      .map((c) => c.municipality.slug)
      .sort();

  it("a municipality's registration reaches that municipality's cases of the company only", async () => {
    const company = await companyWithCases();
    await inTenant(w.timra, () =>
      w.minasidor.representations.register({ organisationsnummer: company.organisationsnummer, ...person(200) }, 'service:timra-system'),
    );
    expect(await seenAs(200, company.organisationsnummer)).toEqual(['timra']);
    const me = await partyOf(200);
    await expect(w.minasidor.citizens.myCase(me, company.sundsvallCase, company.organisationsnummer)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(w.minasidor.citizens.reply(me, company.sundsvallCase, 'Hej', company.organisationsnummer)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(w.minasidor.citizens.markMessagesRead(me, company.sundsvallCase, company.organisationsnummer)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await w.minasidor.citizens.myCase(me, company.timraCase, company.organisationsnummer)).id).toBe(company.timraCase);

    // Sundsvall's own registration adds Sundsvall's cases.
    await inTenant(w.sundsvall, () =>
      w.minasidor.representations.register(
        { organisationsnummer: company.organisationsnummer, ...person(200) },
        'service:sundsvall-system',
      ),
    );
    expect(await seenAs(200, company.organisationsnummer)).toEqual(['sundsvall', 'timra']);
    const organisations = await w.minasidor.representations.currentFor(me);
    expect(organisations.map((r) => [r.organisationsnummer, r.source, r.municipality?.slug]).sort()).toEqual([
      [company.organisationsnummer, 'municipality', 'sundsvall'],
      [company.organisationsnummer, 'municipality', 'timra'],
    ]);
  });

  it('only the registering municipality may change or end its registration', async () => {
    const company = await companyWithCases();
    const input = { organisationsnummer: company.organisationsnummer, ...person(201) };
    await inTenant(w.sundsvall, () => w.minasidor.representations.register(input, 'service:sundsvall-system'));
    const before = await db().dataSource.query(`SELECT * FROM minasidor_representation ORDER BY id`);

    // Timrå tries to end Sundsvall's row: refused, and nothing changes.
    const ended = { ...input, validFrom: new Date('2020-01-01T00:00:00Z'), validTo: new Date('2021-01-01T00:00:00Z') };
    await expect(inTenant(w.timra, () => w.minasidor.representations.register(ended, 'staff:timra-admin'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await db().dataSource.query(`SELECT * FROM minasidor_representation ORDER BY id`)).toEqual(before);
    expect(await seenAs(201, company.organisationsnummer)).toEqual(['sundsvall']);

    // Timrå "changing the period" registers Timrå's own row; Sundsvall's is untouched.
    await inTenant(w.timra, () =>
      w.minasidor.representations.register({ ...input, validTo: new Date('2099-01-01T00:00:00Z') }, 'staff:timra-admin'),
    );
    const me = await partyOf(201);
    const sundsvallRow = (rows: Array<Record<string, any>>) =>
      rows.find((r) => r.registered_by_tenant_id === w.sundsvall.id && r.person_party_id === me);
    expect(sundsvallRow(await db().dataSource.query(`SELECT * FROM minasidor_representation`))).toEqual(sundsvallRow(before));
    expect(sundsvallRow(before)).toMatchObject({ valid_to: null, registered_by: 'service:sundsvall-system' });
    expect(await seenAs(201, company.organisationsnummer)).toEqual(['sundsvall', 'timra']);

    // Sundsvall ends its own: only Timrå's cases remain.
    await inTenant(w.sundsvall, () => w.minasidor.representations.register(ended, 'service:sundsvall-system'));
    expect(await seenAs(201, company.organisationsnummer)).toEqual(['timra']);
    await inTenant(w.timra, () => w.minasidor.representations.register(ended, 'staff:timra-admin'));
    await expect(w.minasidor.citizens.myCases(await partyOf(201), { asOrganisation: company.organisationsnummer })).rejects.toBeInstanceOf(
      NotRepresentedError,
    );
  });

  it("writes every register and end to the registering municipality's hash-chained audit trail, without identity numbers", async () => {
    const company = await companyWithCases();
    const input = { organisationsnummer: company.organisationsnummer, ...person(202) };
    const audit = new AuditLog(db());
    const actions = ['minasidor.representation.registered', 'minasidor.representation.ended'];
    const entries = async (tenant: World['sundsvall']) =>
      (await inTenant(tenant, () => Promise.all(actions.map((action) => audit.list({ action, first: 500 })))))
        .flat()
        .filter((e) => e.details.organisationPartyId === organisation);
    const organisation = await w.parties.partyIdFor('organisation', company.organisationsnummer.replace('-', ''));

    const registered = await inTenant(w.sundsvall, () => w.minasidor.representations.register(input, 'service:sundsvall-system'));
    await inTenant(w.sundsvall, () =>
      w.minasidor.representations.register({ ...input, validTo: new Date('2099-01-01T00:00:00Z') }, 'staff:sundsvall-admin'),
    );
    await inTenant(w.sundsvall, () =>
      w.minasidor.representations.register(
        { ...input, validFrom: new Date('2020-01-01T00:00:00Z'), validTo: new Date('2021-01-01T00:00:00Z') },
        'staff:sundsvall-admin',
      ),
    );
    // A refused attempt by Timrå is not a change: nothing in either chain.
    await expect(
      inTenant(w.timra, () =>
        w.minasidor.representations.register(
          { ...input, validTo: new Date('2021-01-01T00:00:00Z'), validFrom: new Date('2020-01-01T00:00:00Z') },
          'staff:timra-admin',
        ),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const trail = (await entries(w.sundsvall)).sort((a, b) => a.seq - b.seq);
    expect(trail.map((e) => [e.action, e.actor, e.targetType, e.targetId])).toEqual([
      ['minasidor.representation.registered', 'service:sundsvall-system', 'minasidor_representation', registered.id],
      ['minasidor.representation.registered', 'staff:sundsvall-admin', 'minasidor_representation', registered.id],
      ['minasidor.representation.ended', 'staff:sundsvall-admin', 'minasidor_representation', registered.id],
    ]);
    expect(trail[1].details).toMatchObject({
      personPartyId: await partyOf(202),
      validTo: '2099-01-01T00:00:00.000Z',
      previous: { validTo: null },
    });
    const text = JSON.stringify(trail);
    expect(text).not.toContain(person(202).personnummer);
    expect(text).not.toContain(company.organisationsnummer.replace('-', ''));
    expect(await inTenant(w.sundsvall, () => audit.verify())).toMatchObject({ intact: true });
    expect(await entries(w.timra)).toEqual([]);
  });

  it('a row from the authoritative source reaches every municipality, and no municipality may change it', async () => {
    const company = await companyWithCases();
    const organisation = await w.parties.partyIdFor('organisation', company.organisationsnummer.replace('-', ''));
    const me = await partyOf(203);
    // As the companies-register feed writes it (platform code, no municipality).
    await db().dataSource.query(
      `INSERT INTO minasidor_representation (organisation_party_id, person_party_id, source, registered_by_tenant_id, registered_by) VALUES ($1, $2, 'companies_register', NULL, 'system:companies-register')`,
      [organisation, me],
    );
    expect(await seenAs(203, company.organisationsnummer)).toEqual(['sundsvall', 'timra']);
    const [view] = await w.minasidor.representations.currentFor(me);
    expect([view.source, view.municipality]).toEqual(['companies_register', null]);
    const before = await db().dataSource.query(`SELECT * FROM minasidor_representation WHERE person_party_id = $1`, [me]);
    await expect(
      inTenant(w.timra, () =>
        w.minasidor.representations.register(
          {
            organisationsnummer: company.organisationsnummer,
            ...person(203),
            validFrom: new Date('2020-01-01T00:00:00Z'),
            validTo: new Date('2021-01-01T00:00:00Z'),
          },
          'staff:timra-admin',
        ),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db().dataSource.query(`SELECT * FROM minasidor_representation WHERE person_party_id = $1`, [me])).toEqual(before);
    expect(await seenAs(203, company.organisationsnummer)).toEqual(['sundsvall', 'timra']);
  });

  it('the database refuses a row whose source and registering municipality disagree', async () => {
    const company = await companyWithCases();
    const organisation = await w.parties.partyIdFor('organisation', company.organisationsnummer.replace('-', ''));
    const me = await partyOf(204);
    const insert = (source: string, tenantId: string | null) =>
      db().dataSource.query(
        `INSERT INTO minasidor_representation (organisation_party_id, person_party_id, source, registered_by_tenant_id, registered_by) VALUES ($1, $2, $3, $4, 'x')`,
        [organisation, me, source, tenantId],
      );
    await expect(insert('municipality', null)).rejects.toThrow(/CHK_minasidor_representation_registrar/);
    await expect(insert('companies_register', w.timra.id)).rejects.toThrow(/CHK_minasidor_representation_registrar/);
    await expect(insert('hearsay', null)).rejects.toThrow(/CHK_minasidor_representation_source/);
  });
});
