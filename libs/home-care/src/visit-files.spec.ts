import { useTestDatabase } from '@kommuna/platform-testing';
import { monthsBefore } from './index';
import {
  createWorld,
  csv,
  decisionsFile,
  importFiles,
  inTenant,
  PROVIDERS_FILE,
  queryIn,
  refusedFile,
  SCHEMA,
  system,
  visitRow,
  VISITS_HEADER,
  World,
} from './testing/fixture';

/** Visits of K-1 by the own unit on the given March 2025 days at 08:00, ids `<prefix>-<day>`; `year` moves them to another March. */
const visitsOn = (prefix: string, days: number[], year = 2025) =>
  csv(
    VISITS_HEADER,
    days.map((day) =>
      visitRow(`${prefix}-${day}`, 'HT-NORR', 'K-1', 'personal_care', day, '08:00', 30).map((f) =>
        String(f).replace('2025-03-', `${year}-03-`),
      ),
    ),
  );

/** A file's table, by its import: its name, or null once dropped. */
const tableOf = (importId: string) => `to_regclass('home_care_visit_f_' || replace('${importId}', '-', ''))::text AS table`;

describe('home care: visits files by month, replaced and dropped', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;
  const visitIds = async () =>
    (await queryIn<{ external_id: string }>(db(), world.sundsvall, `SELECT external_id FROM home_care_visit ORDER BY external_id`)).map(
      (v) => v.external_id,
    );
  const importOf = async (id: string) =>
    (
      await queryIn(
        db(),
        world.sundsvall,
        `SELECT to_char(month, 'YYYY-MM') AS month, replaced_by, dropped_at IS NOT NULL AS dropped, ${tableOf(id)} FROM home_care_import WHERE id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    // Today is 10 April 2025: with the default retention of 24 months, files of months before April 2023 are dropped.
    world = await createWorld(db());
    await importFiles(world, [
      { kind: 'providers', content: PROVIDERS_FILE },
      { kind: 'decisions', content: decisionsFile({ 'K-1': 6000 }) },
    ]);
  });

  it('counts months back in Swedish time', () => {
    expect(monthsBefore(new Date('2025-04-10T08:00:00+02:00'), 24)).toBe('2023-04-01');
    expect(monthsBefore(new Date('2025-01-15T12:00:00+01:00'), 1)).toBe('2024-12-01');
    // 23:30 UTC on 31 December is already January in Stockholm.
    expect(monthsBefore(new Date('2024-12-31T23:30:00Z'), 12)).toBe('2024-01-01');
  });

  it("refuses rows outside the import's month by line, and a month not written YYYY-MM", async () => {
    // Line 3 is of February; line 4 lasts 25 hours (a check across rows too, on the server's path written in the same pass).
    const long = visitRow('M-5', 'HT-NORR', 'K-1', 'personal_care', 5, '08:00', 25 * 60).join(';');
    const file = visitsOn('M', [3, 4]).replace(/2025-03-04T/g, '2025-02-04T') + long + '\n';
    const outside = await refusedFile(world, { kind: 'visits', fileName: 'mars.csv', content: file, month: '2025-03' });
    expect(outside.details).toEqual({
      problems: [
        { file: 'mars.csv', line: 3, reason: 'started_at 2025-02-04 is not in the month 2025-03 of the import' },
        { file: 'mars.csv', line: 4, reason: 'the visit lasts more than 24 hours' },
      ],
      total: 2,
    });
    const badMonth = await refusedFile(world, { kind: 'visits', fileName: 'mars.csv', content: visitsOn('M', [3]), month: '2025-3' });
    expect(badMonth.details.problems).toEqual([{ file: 'mars.csv', line: 0, reason: 'month must be a month as YYYY-MM (e.g. 2025-03)' }]);
    expect(await visitIds()).toEqual([]);
  });

  it('replaces the visits file of the same month at once; a refused replacement leaves the one in force', async () => {
    const [first] = await importFiles(world, [
      { kind: 'visits', fileName: 'mars-1.csv', content: visitsOn('R', [1, 2, 3]), month: '2025-03' },
    ]);
    const [unmonthed] = await importFiles(world, [{ kind: 'visits', fileName: 'extra.csv', content: visitsOn('X', [20]) }]);
    expect(await visitIds()).toEqual(['R-1', 'R-2', 'R-3', 'X-20']);
    // The corrected file: again (not "imported before": their file is replaced), R-3 gone, R-4 new.
    const [second] = await importFiles(world, [
      { kind: 'visits', fileName: 'mars-2.csv', content: visitsOn('R', [1, 2, 4]), month: '2025-03' },
    ]);
    expect(second).toMatchObject({ rows: 3, alreadyImported: false });
    expect(await visitIds()).toEqual(['R-1', 'R-2', 'R-4', 'X-20']);
    expect(await importOf(first.importId)).toMatchObject({ month: '2025-03', replaced_by: second.importId, dropped: false });
    expect((await importOf(first.importId)).table).not.toBeNull();
    expect(await importOf(second.importId)).toMatchObject({ month: '2025-03', replaced_by: null });
    // The check reads the files in force only, and names them as its inputs.
    const run = await inTenant(world.sundsvall, () => world.homeCare.runCheck(system, '2025-03'));
    expect(run.inputs.filter((i) => i.kind === 'visits').map((i) => i.fileName)).toEqual(
      expect.arrayContaining(['mars-2.csv', 'extra.csv']),
    );
    expect(run.inputs.map((i) => i.fileName)).not.toContain('mars-1.csv');

    // A third file of March with a fault: refused whole, the second stays in force and attached.
    const faulty = visitsOn('R', [1, 5]).replace('HT-NORR', 'NOBODY');
    const refused = await refusedFile(world, { kind: 'visits', fileName: 'mars-3.csv', content: faulty, month: '2025-03' });
    expect(refused.details.problems).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringContaining('provider NOBODY is unknown') }),
    ]);
    expect(await visitIds()).toEqual(['R-1', 'R-2', 'R-4', 'X-20']);
    expect(await importOf(second.importId)).toMatchObject({ replaced_by: null });
    // The second file again: a no-op; the file without a month is untouched by all of it.
    const [again] = await importFiles(world, [
      { kind: 'visits', fileName: 'mars-2.csv', content: visitsOn('R', [1, 2, 4]), month: '2025-03' },
    ]);
    expect(again).toEqual({ importId: second.importId, kind: 'visits', rows: 3, alreadyImported: true });
    expect(await importOf(unmonthed.importId)).toMatchObject({ month: null, replaced_by: null });
  });

  it('drops the tables of replaced files and of files past the retention, audited; the records stay and a dropped file may come again', async () => {
    const old = visitsOn('OLD', [10], 2023);
    const [expired] = await importFiles(world, [{ kind: 'visits', fileName: 'mars-2023.csv', content: old, month: '2023-03' }]);
    const [kept] = await importFiles(world, [
      {
        kind: 'visits',
        fileName: 'april-2023.csv',
        content: visitsOn('APR', [10], 2023).replace(/2023-03-10/g, '2023-04-10'),
        month: '2023-04',
      },
    ]);
    const replaced = await queryIn<{ id: string }>(db(), world.sundsvall, `SELECT id FROM home_care_import WHERE replaced_by IS NOT NULL`);
    expect(replaced).toHaveLength(1);

    const dropped = await world.homeCare.dropOutdatedVisitFiles();
    expect(dropped).toEqual({
      sundsvall: [
        { importId: replaced[0].id, fileName: 'mars-1.csv', reason: 'replaced' },
        { importId: expired.importId, fileName: 'mars-2023.csv', reason: 'expired' },
      ],
      timra: [],
    });
    for (const id of [replaced[0].id, expired.importId]) expect(await importOf(id)).toMatchObject({ dropped: true, table: null });
    expect(await importOf(kept.importId)).toMatchObject({ dropped: false, table: expect.any(String) });
    expect(await visitIds()).toEqual(['APR-10', 'R-1', 'R-2', 'R-4', 'X-20']);
    const audit = await queryIn(
      db(),
      world.sundsvall,
      `SELECT actor, target_id, details->>'reason' AS reason FROM audit_log WHERE action = 'home-care.file.dropped' ORDER BY details->>'reason' DESC`,
    );
    expect(audit).toEqual([
      { actor: 'home-care-retention', target_id: replaced[0].id, reason: 'replaced' },
      { actor: 'home-care-retention', target_id: expired.importId, reason: 'expired' },
    ]);
    // A second round finds nothing; the 2023 file, dropped, may be imported again (a new import, not a no-op).
    expect(await world.homeCare.dropOutdatedVisitFiles()).toEqual({ sundsvall: [], timra: [] });
    const [back] = await importFiles(world, [{ kind: 'visits', fileName: 'mars-2023.csv', content: old, month: '2023-03' }]);
    expect(back).toMatchObject({ rows: 1, alreadyImported: false });
    expect(back.importId).not.toBe(expired.importId);
  });

  it("lets no municipality replace or drop another's files", async () => {
    const [file] = await queryIn<{ id: string }>(
      db(),
      world.sundsvall,
      `SELECT id FROM home_care_import WHERE kind = 'visits' AND dropped_at IS NULL LIMIT 1`,
    );
    const asTimra = (sql: string, params: unknown[]) => inTenant(world.timra, () => db().transaction((em) => em.query(sql, params)));
    await expect(asTimra(`SELECT home_care_visit_drop($1::uuid, $2::uuid)`, [world.sundsvall.id, file.id])).rejects.toThrow(
      'is not the municipality in context',
    );
    await expect(asTimra(`SELECT home_care_visit_drop($1::uuid, $2::uuid)`, [world.timra.id, file.id])).rejects.toThrow(
      'is not a visits import of this municipality',
    );
    await expect(
      asTimra(`SELECT home_care_visit_replace($1::uuid, $2::uuid, $3::uuid)`, [world.timra.id, file.id, world.timra.id]),
    ).rejects.toThrow('is not a visits import of this municipality');
    expect(await importOf(file.id)).toMatchObject({ dropped: false, replaced_by: null, table: expect.any(String) });
  });
});
