import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { StatusLabels } from './index';
import { caseInput, createWorld, inTenant, person, SCHEMA, World } from './testing/fixture';

describe("Mina sidor's municipalities (names, status labels, the overview's status filter)", () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });
  afterEach(() => jest.restoreAllMocks());

  /** Sundsvall and Timrå again, Sundsvall with `statusLabels`: what a restart with an edited tenant.yaml syncs. */
  const resync = (statusLabels: Record<string, string>) =>
    w.directory.sync([
      buildTenantConfig({
        slug: 'sundsvall',
        kommunkod: w.sundsvall.kommunkod,
        organisationsnummer: '212000-2411',
        services: { minasidor: { stage: 'production', settings: { statusLabels } } },
      }),
      buildTenantConfig({
        slug: 'timra',
        kommunkod: w.timra.kommunkod,
        organisationsnummer: '212000-2395',
        services: { minasidor: { stage: 'production', settings: {} } },
      }),
    ]);

  it('builds the status filter once per set of statuses, whatever order the set was built in', () => {
    const built = jest.spyOn(StatusLabels.prototype, 'internalStatusesFor');
    const closed = w.minasidor.municipalities.statusFilter(new Set(['closed', 'decision_made']));
    expect(built).toHaveBeenCalledTimes(2); // once per municipality
    expect(w.minasidor.municipalities.statusFilter(new Set(['decision_made', 'closed']))).toBe(closed);
    expect(built).toHaveBeenCalledTimes(2);
    const open = w.minasidor.municipalities.statusFilter(new Set(['in_progress']));
    expect(built).toHaveBeenCalledTimes(4);
    expect(JSON.parse(open)).toEqual([
      { tenantId: w.sundsvall.id, statuses: ['in_progress', 'utredning'], known: expect.any(Array), includeUnmapped: true },
      { tenantId: w.timra.id, statuses: ['in_progress'], known: expect.any(Array), includeUnmapped: true },
    ]);
    expect(JSON.parse(closed)).toContainEqual(
      expect.objectContaining({ tenantId: w.sundsvall.id, statuses: ['decided', 'closed', 'vilande'] }),
    );
  });

  it("follows a municipality's changed status labels once the tenants are synced again", async () => {
    const { caseId } = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(501), { status: 'vilande' })));
    const me = await w.parties.partyIdFor('person', person(501).personnummer);
    const shown = async (statuses: Array<'closed' | 'in_progress'>) =>
      (await w.minasidor.citizens.myCases(me, { statuses })).cases.map((c) => [c.id, c.municipality.slug, c.status.status]);
    // Sundsvall maps "vilande" to Avslutat (the fixture's tenant.yaml).
    expect(await shown(['closed'])).toEqual([[caseId, 'sundsvall', 'closed']]);
    expect(await shown(['in_progress'])).toEqual([]);

    await resync({ vilande: 'Under behandling' });
    try {
      expect(await shown(['closed'])).toEqual([]);
      expect(await shown(['in_progress'])).toEqual([[caseId, 'sundsvall', 'in_progress']]);
    } finally {
      await resync({ utredning: 'Under behandling', vilande: 'Avslutat', received: 'Inskickat' });
    }
    expect(await shown(['closed'])).toEqual([[caseId, 'sundsvall', 'closed']]);
  });

  it('labels a case of a municipality that is no longer configured as unknown, never failing', () => {
    expect(w.minasidor.municipalities.municipalityOf('00000000-0000-4000-8000-00000000dead')).toEqual({
      slug: 'unknown',
      names: { sv: 'Okänd kommun', en: 'Unknown municipality' },
    });
  });
});
