import { useTestDatabase } from '@kommuna/platform-testing';
import { DEMO_CITIZENS, DEMO_REPRESENTATIVE, seedDemoCases } from './index';
import { createWorld, SCHEMA, World } from './testing/fixture';

describe('demo seed', () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });

  it('gives the demo citizens cases in Sundsvall and Timrå, once however often it runs', async () => {
    expect(await seedDemoCases(w.minasidor, w.directory)).toBeGreaterThan(0);
    const anna = await w.parties.partyIdFor('person', DEMO_CITIZENS.anna);
    const snapshot = async () => (await w.minasidor.citizens.myCases(anna, { includeDrafts: true, first: 100 })).cases;
    const first = await snapshot();
    expect(new Set(first.map((c) => c.municipality.slug))).toEqual(new Set(['sundsvall', 'timra']));
    expect(first.some((c) => c.decisions.length > 0)).toBe(true);
    expect(first.some((c) => c.messages.length > 0)).toBe(true);
    expect(first.some((c) => c.status.status === 'saved')).toBe(true);

    expect(await seedDemoCases(w.minasidor, w.directory)).toBe(0);
    expect(await snapshot()).toEqual(first);
    const erik = await w.parties.partyIdFor('person', DEMO_CITIZENS.erik);
    expect((await w.minasidor.citizens.myCases(erik)).cases.length).toBeGreaterThan(0);
    // The demo company's case, which Lena reaches through the Mina ombud simulator's demo power of
    // attorney (representations.spec.ts walks that path); the seed itself registers nothing.
    const company = await w.parties.partyIdFor('organisation', DEMO_REPRESENTATIVE.company.replace('-', ''));
    // Read in the company's own subject context, as company mode reads it.
    expect((await w.minasidor.citizens.myCases(company)).cases.map((c) => c.errandNumber)).toEqual(['SBN-2025-0301']);
    expect(await db().dataSource.query(`SELECT 1 FROM minasidor_representation`)).toEqual([]);
  });
});
