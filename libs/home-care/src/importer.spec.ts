import { Readable } from 'node:stream';
import { tenantTableProblems, tenantTableSecurity, useTestDatabase } from '@kommuna/platform-testing';
import { MAX_LISTED_PROBLEMS } from './index';
import {
  createWorld,
  csv,
  DECISIONS_HEADER,
  decisionsFile,
  importFiles,
  PROVIDERS_FILE,
  PROVIDERS_HEADER,
  queryIn,
  refusedFile,
  SCHEMA,
  visitRow,
  VISITS_HEADER,
  World,
} from './testing/fixture';

/** A file's bytes as a stream of `size`-byte chunks: headers, lines and characters split anywhere. */
const dribble = (content: string, size: number) => {
  const bytes = Buffer.from(content, 'utf8');
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );
};

/** A stream that yields `content` and then fails, as an upload broken off midway. */
const brokenOff = (content: string) =>
  Readable.from(
    (async function* () {
      yield Buffer.from(content, 'utf8');
      throw new Error('the upload was broken off');
    })(),
  );

/** `n` visits of K-1 with the own unit in March, one every hour from the 1st (ids V-1 …). */
const visits = (n: number, prefix = 'V') =>
  csv(
    VISITS_HEADER,
    Array.from({ length: n }, (_, i) =>
      visitRow(
        `${prefix}-${i + 1}`,
        'HT-NORR',
        'K-1',
        'personal_care',
        1 + (Math.floor(i / 24) % 28),
        `${String(i % 24).padStart(2, '0')}:00`,
        30,
        { staff: `s-${Math.floor(i / 672)}` },
      ),
    ),
  );

describe('home care: importing files as streams', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;
  const count = async (table: string) =>
    (await queryIn<{ n: number }>(db(), world.sundsvall, `SELECT count(*)::int AS n FROM ${table}`))[0].n;

  beforeAll(async () => {
    world = await createWorld(db());
    await importFiles(world, [
      { kind: 'providers', content: PROVIDERS_FILE },
      { kind: 'decisions', content: decisionsFile({ 'K-1': 6000, 'K-2': 600 }) },
    ]);
  });

  it('reads a stream in any chunks: the header, a line and a character split between them', async () => {
    // Semicolons and a BOM, two bytes at a time: 'Ö' and 'å' are split, and the separator is known only at the header's end.
    const providers = '\uFEFF' + PROVIDERS_HEADER + '\n2281;HT-SÖDER;Hemtjänst Söder på Ås;own_unit;;;\n';
    expect(await importFiles(world, [{ kind: 'providers', fileName: 'söder.csv', content: dribble(providers, 2) }])).toMatchObject([
      { rows: 1, alreadyImported: false },
    ]);
    const periods =
      JSON.stringify({ municipality: '2281', period: 'VÅRD-1', resident: 'K-2', admitted_on: '2025-03-03', discharged_on: '2025-03-09' }) +
      '\n';
    await importFiles(world, [{ kind: 'inpatient_periods', fileName: 'vård.jsonl', content: dribble(periods, 3) }]);
    expect(await queryIn(db(), world.sundsvall, `SELECT name FROM home_care_provider WHERE code = 'HT-SÖDER'`)).toEqual([
      { name: 'Hemtjänst Söder på Ås' },
    ]);
    expect(await queryIn(db(), world.sundsvall, `SELECT external_id, source_line FROM home_care_inpatient_period`)).toEqual([
      { external_id: 'VÅRD-1', source_line: 1 },
    ]);
  });

  it('stores text with a backslash, a tab or a quoted line break as written (escaped for COPY)', async () => {
    const name = 'Vård \\ Omsorg\tAB "Norr"\nfilial';
    const file = `${PROVIDERS_HEADER}\n2281;HT-ESC;"${name.replaceAll('"', '""')}";own_unit;;;\n`;
    await importFiles(world, [{ kind: 'providers', fileName: 'escaped.csv', content: file }]);
    expect(await queryIn(db(), world.sundsvall, `SELECT name FROM home_care_provider WHERE code = 'HT-ESC'`)).toEqual([{ name }]);
  });

  it('streams a file of thousands of rows in, each with its line, and the same bytes again change nothing', async () => {
    const file = visits(5000);
    const [first] = await importFiles(world, [{ kind: 'visits', fileName: 'march.csv', content: dribble(file, 4096) }]);
    expect(first).toMatchObject({ rows: 5000, alreadyImported: false });
    expect(
      await queryIn(
        db(),
        world.sundsvall,
        `SELECT min(source_line)::int AS first, max(source_line)::int AS last, count(*)::int AS n FROM home_care_visit WHERE import_id = $1`,
        [first.importId],
      ),
    ).toEqual([{ first: 2, last: 5001, n: 5000 }]);
    // Another name, the same bytes (read in other chunks): the same import.
    const [again] = await importFiles(world, [{ kind: 'visits', fileName: 'march-again.csv', content: dribble(file, 777) }]);
    expect(again).toEqual({ importId: first.importId, kind: 'visits', rows: 5000, alreadyImported: true });
    expect(await count('home_care_visit')).toBe(5000);
  });

  it('stores a visit with quoted fields, a backslash, a tab and a quoted line break as written, each row with its line', async () => {
    const row = (id: string, staff: string) => visitRow(id, 'HT-NORR', 'K-1', 'personal_care', 5, '08:00', 30, { staff });
    const quoted = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const staff = ['s \\ 1', 's\t2', 'S "3"\nandra raden', 's-4'];
    const file = csv(VISITS_HEADER, [
      row('Q-1', quoted(staff[0])),
      row('Q-2', quoted(staff[1])),
      // The record spans lines 4 and 5: it is line 5, as csv-parse counts on the other paths.
      row(quoted('Q-3'), quoted(staff[2])),
      row('Q-4', staff[3]),
    ]);
    const [done] = await importFiles(world, [{ kind: 'visits', fileName: 'quoted.csv', content: dribble(file, 5) }]);
    expect(done.rows).toBe(4);
    expect(
      await queryIn(
        db(),
        world.sundsvall,
        `SELECT external_id, staff_id, source_line FROM home_care_visit WHERE import_id = $1 ORDER BY source_line`,
        [done.importId],
      ),
    ).toEqual([
      { external_id: 'Q-1', staff_id: staff[0], source_line: 2 },
      { external_id: 'Q-2', staff_id: staff[1], source_line: 3 },
      { external_id: 'Q-3', staff_id: staff[2], source_line: 5 },
      { external_id: 'Q-4', staff_id: staff[3], source_line: 6 },
    ]);
  });

  it('keeps nothing of an upload broken off midway, and the next file goes in as usual', async () => {
    const before = await count('home_care_visit');
    await expect(importFiles(world, [{ kind: 'visits', fileName: 'broken.csv', content: brokenOff(visits(3000, 'B')) }])).rejects.toThrow(
      'the upload was broken off',
    );
    expect(await count('home_care_visit')).toBe(before);
    expect(await queryIn(db(), world.sundsvall, `SELECT count(*)::int AS n FROM home_care_import WHERE file_name = 'broken.csv'`)).toEqual([
      { n: 0 },
    ]);
    expect(await importFiles(world, [{ kind: 'visits', fileName: 'whole.csv', content: visits(10, 'W') }])).toMatchObject([{ rows: 10 }]);
  });

  it("stores each visits file in a table of its own under the municipality's, each with forced row-level security", async () => {
    const visitTables = async () =>
      (await tenantTableSecurity(db()))
        .filter((t) => t.table.startsWith('home_care_visit_'))
        .map((t) => ({ ...t, problems: tenantTableProblems(t) }));
    const [a] = await importFiles(world, [{ kind: 'visits', fileName: 'table-a.csv', content: visits(3, 'TA') }]);
    const fileTable = `home_care_visit_f_${a.importId.replaceAll('-', '')}`;
    const tables = await visitTables();
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining([fileTable, `home_care_visit_t_${world.sundsvall.id.replaceAll('-', '')}`]),
    );
    for (const t of tables) expect(t.problems).toEqual([]);
    // The file's table is attached: read through home_care_visit, written no more by the app, not even in its own municipality.
    expect(
      await queryIn(db(), world.sundsvall, `SELECT count(*)::int AS n FROM home_care_visit WHERE import_id = $1`, [a.importId]),
    ).toEqual([{ n: 3 }]);
    await expect(queryIn(db(), world.sundsvall, `INSERT INTO ${fileTable} SELECT * FROM ${fileTable} LIMIT 1`)).rejects.toThrow(
      /permission denied/,
    );
    // The owner's functions serve only the municipality in context, and only its own visits imports.
    await expect(queryIn(db(), world.sundsvall, `SELECT home_care_visit_file_table($1, $2)`, [world.timra.id, a.importId])).rejects.toThrow(
      /is not the municipality in context/,
    );
    await expect(queryIn(db(), world.timra, `SELECT home_care_visit_attach($1, $2)`, [world.timra.id, a.importId])).rejects.toThrow(
      /is not a visits import of this municipality/,
    );
    // An id twice in the file is refused by the file's unique index as it is attached; nothing of the file stays, not its table either.
    const twice = csv(VISITS_HEADER, [
      visitRow('TB-1', 'HT-NORR', 'K-1', 'personal_care', 9, '08:00', 30),
      visitRow('TB-2', 'HT-NORR', 'K-1', 'personal_care', 9, '09:00', 30),
      visitRow('TB-1', 'HT-NORR', 'K-1', 'personal_care', 9, '10:00', 30),
    ]);
    const error = await refusedFile(world, { kind: 'visits', fileName: 'twice.csv', content: twice });
    expect(error.details.problems).toEqual([
      { file: 'twice.csv', line: 4, reason: 'visit TB-1 was imported before or is twice in the file' },
    ]);
    expect((await visitTables()).map((t) => t.table)).toEqual(tables.map((t) => t.table));
  });

  it('lists the first problems by line and counts them all', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => visitRow(`U-${i}`, 'HT-NORR', 'K-404', 'personal_care', 2, '09:00', 30));
    const error = await refusedFile(world, { kind: 'visits', fileName: 'unknown.csv', content: csv(VISITS_HEADER, rows) });
    expect(error.details.total).toBe(150);
    expect(error.details.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(error.details.problems[0]).toEqual({
      file: 'unknown.csv',
      line: 2,
      reason: 'the resident has no assistance decision: import the decisions first',
    });
    expect(error.details.problems.map((p) => p.line)).toEqual(Array.from({ length: MAX_LISTED_PROBLEMS }, (_, i) => i + 2));
  });

  it("checks a decisions file's rows against each other and against the stored decisions, as a set", async () => {
    // Not overlapping: another service type, or days apart (the last rows of both files below).
    const notOverlapping = [
      ['2281', 'B-51', 'K-2', '2025-03-01', '2025-03-31', 'service', 120],
      ['2281', 'B-60', 'K-6', '2025-01-01', '2025-01-31', 'personal_care', 600],
      ['2281', 'B-61', 'K-6', '2025-02-01', '', 'personal_care', 700],
    ];
    const error = await refusedFile(world, {
      kind: 'decisions',
      fileName: 'decisions-bad.csv',
      content: csv(DECISIONS_HEADER, [
        // Two new decisions of K-3 overlapping in April (both rows named, each naming the other).
        ['2281', 'B-30', 'K-3', '2025-01-01', '2025-04-30', 'personal_care', 600],
        ['2281', 'B-31', 'K-3', '2025-04-01', '', 'personal_care', 900],
        // A decision's rows must agree on resident and validity, and grant a service type once.
        ['2281', 'B-40', 'K-4', '2025-01-01', '', 'personal_care', 600],
        ['2281', 'B-40', 'K-4', '2025-02-01', '', 'service', 120],
        ['2281', 'B-40', 'K-4', '2025-01-01', '', 'personal_care', 600],
        // Stored before (B-1), and overlapping K-2's stored decision B-2.
        ['2281', 'B-1', 'K-1', '2025-01-01', '', 'service', 60],
        ['2281', 'B-50', 'K-2', '2025-03-01', '2025-03-31', 'personal_care', 300],
        ...notOverlapping,
      ]),
    });
    expect(error.details.problems).toEqual([
      { file: 'decisions-bad.csv', line: 2, reason: 'decision B-30 overlaps decision B-31 for personal_care' },
      { file: 'decisions-bad.csv', line: 3, reason: 'decision B-31 overlaps decision B-30 for personal_care' },
      { file: 'decisions-bad.csv', line: 5, reason: 'decision B-40 has another resident or validity than on line 4' },
      { file: 'decisions-bad.csv', line: 6, reason: 'decision B-40 grants personal_care twice' },
      { file: 'decisions-bad.csv', line: 7, reason: 'decision B-1 was imported before' },
      { file: 'decisions-bad.csv', line: 8, reason: 'decision B-50 overlaps decision B-2 for personal_care' },
    ]);
    expect(await count('home_care_decision')).toBe(2);
    // The same decisions without the faults go in whole: two rows of B-40 make one decision.
    const [ok] = await importFiles(world, [
      {
        kind: 'decisions',
        fileName: 'decisions-good.csv',
        content: csv(DECISIONS_HEADER, [
          ['2281', 'B-40', 'K-4', '2025-01-01', '', 'personal_care', 600],
          ['2281', 'B-40', 'K-4', '2025-01-01', '', 'service', 120],
          ...notOverlapping,
        ]),
      },
    ]);
    expect(ok.rows).toBe(5);
    expect(
      await queryIn(
        db(),
        world.sundsvall,
        `SELECT d.external_id, count(*)::int AS services FROM home_care_decision d JOIN home_care_decision_service s ON s.decision_id = d.id
          WHERE d.import_id = $1 GROUP BY d.external_id ORDER BY d.external_id`,
        [ok.importId],
      ),
    ).toEqual([
      { external_id: 'B-40', services: 2 },
      { external_id: 'B-51', services: 1 },
      { external_id: 'B-60', services: 1 },
      { external_id: 'B-61', services: 1 },
    ]);
  });

  it("names every field's fault of a visits CSV with its line, in the schema's words (read in the process on PostgreSQL too)", async () => {
    const ok = visitRow('F-1', 'HT-NORR', 'K-1', 'personal_care', 3, '08:00', 30);
    const with_ = (id: string, changes: Record<number, string>) =>
      visitRow(id, 'HT-NORR', 'K-1', 'personal_care', 3, '08:00', 30).map((v, i) => changes[i] ?? v);
    const before = await count('home_care_visit');
    const error = await refusedFile(world, {
      kind: 'visits',
      fileName: 'fields.csv',
      content: csv(VISITS_HEADER, [
        ok,
        with_('F-2', { 0: '22a1' }),
        with_('', {}),
        with_('F-4', { 2: 'P'.repeat(65) }),
        with_('F-5', { 4: 'cleaning' }),
        with_('F-6', { 5: '2025-03-04 08:00' }),
        with_('F-7', { 6: '2025-13-01T08:00:00+01:00' }),
        with_('F-8', { 5: '2025-02-30T08:00:00+01:00', 7: ' ' }),
        with_('F-9', { 8: 'phone' }),
        with_('F-10', { 9: '-5' }),
        with_('F-11', { 9: '1.5' }),
        with_('F-12', { 3: '191212121212' }),
        with_('F-13', { 0: '2262' }),
        with_('F-15', { 5: '2025-03-03T08:60:00+01:00' }),
        // Trimmed as csv-parse trims: spaces around a field are not part of it.
        with_(' F-14 ', { 9: ' 30 ' }),
        // 29 February of a year that has none (the quick test leaves it to the schema).
        with_('F-17', { 5: '2025-02-29T08:00:00+01:00' }),
      ]),
    });
    expect(error.details.problems).toEqual(
      [
        [3, 'municipality is not a kommunkod (four digits)'],
        [4, 'visit is empty'],
        [5, 'provider is longer than 64 characters'],
        [6, 'service_type is not one of personal_care, service, escort, relief'],
        [7, 'started_at is not a time with its offset (e.g. 2025-03-04T08:15:00+01:00)'],
        [8, 'stopped_at is not a valid time'],
        [9, 'started_at is not a valid time; staff is empty'],
        [10, 'verification is not one of tag, manual'],
        [11, 'billed_minutes is below 0'],
        [12, 'billed_minutes is not a whole number'],
        [13, "resident looks like a personnummer: use the case system's client id"],
        [14, 'municipality 2262 is not Sundsvalls kommun (2281)'],
        [15, 'started_at is not a valid time'],
        [17, 'started_at is not a valid time'],
      ].map(([line, reason]) => ({ file: 'fields.csv', line, reason })),
    );
    expect(error.details.total).toBe(14);
    expect(JSON.stringify(error)).not.toContain('191212121212');
    expect(await count('home_care_visit')).toBe(before);
    // The good rows alone go in, trimmed; blank lines at the end of the file are no records.
    const [good] = await importFiles(world, [
      {
        kind: 'visits',
        fileName: 'fields-good.csv',
        content:
          csv(VISITS_HEADER, [
            ok,
            with_(' F-14 ', { 9: ' 30 ' }),
            // Other shapes of a time: in UTC, without seconds, with a fraction of a second.
            with_('F-16', { 5: '2025-03-03T06:00Z', 6: '2025-03-03T08:15:00.5+01:00' }),
            // A leap day; a year the fast path leaves to the full check.
            with_('F-18', { 5: '2024-02-29T08:00:00+01:00', 6: '2024-02-29T08:30:00+01:00', 9: '45' }),
            with_('F-19', { 5: '2100-03-01T08:00:00-03:30', 6: '2100-03-01T08:30:00-03:30' }),
          ]) + '\n\r\n',
      },
    ]);
    expect(good.rows).toBe(5);
    expect(
      await queryIn(
        db(),
        world.sundsvall,
        `SELECT external_id, billed_minutes, source_line FROM home_care_visit WHERE import_id = $1 ORDER BY source_line`,
        [good.importId],
      ),
    ).toEqual([
      { external_id: 'F-1', billed_minutes: null, source_line: 2 },
      { external_id: 'F-14', billed_minutes: 30, source_line: 3 },
      { external_id: 'F-16', billed_minutes: null, source_line: 4 },
      { external_id: 'F-18', billed_minutes: 45, source_line: 5 },
      { external_id: 'F-19', billed_minutes: null, source_line: 6 },
    ]);
  });

  it("names a CSV header's unknown and missing columns, and the first line no CSV reader can read", async () => {
    const header = await refusedFile(world, {
      kind: 'visits',
      fileName: 'header.csv',
      content: csv(VISITS_HEADER.replace('staff', 'comment').replace(';billed_minutes', ''), [['2281', 'H-1']]),
    });
    expect(header.details.problems).toEqual([
      {
        file: 'header.csv',
        line: 1,
        reason:
          'the header has unknown column comment; missing column staff (a visits file has municipality, visit, provider, resident, service_type, started_at, stopped_at, staff, verification, billed_minutes)',
      },
    ]);
    // billed_minutes may be left out; a line with a field too many cannot be read.
    const ok = visitRow('R-1', 'HT-NORR', 'K-1', 'personal_care', 4, '08:00', 30).slice(0, 9);
    const unreadable = await refusedFile(world, {
      kind: 'visits',
      fileName: 'ragged.csv',
      content: csv(VISITS_HEADER.replace(';billed_minutes', ''), [ok, [...ok.slice(0, 8), 'tag;extra'], ok]),
    });
    expect(unreadable.details.problems).toEqual([
      { file: 'ragged.csv', line: 3, reason: expect.stringMatching(/^unreadable CSV \(.+\)$/) },
    ]);
    const [withoutBilled] = await importFiles(world, [
      { kind: 'visits', fileName: 'no-billed.csv', content: csv(VISITS_HEADER.replace(';billed_minutes', ''), [ok]) },
    ]);
    expect(withoutBilled.rows).toBe(1);
  });

  it('names a provider whose rows disagree, and a rate given twice', async () => {
    const error = await refusedFile(world, {
      kind: 'providers',
      fileName: 'providers-bad.csv',
      content: csv(PROVIDERS_HEADER, [
        ['2281', 'LOV-9', 'Nio AB', 'lov', 'personal_care', '450', '2025-01-01'],
        ['2281', 'LOV-9', 'Nio Omsorg AB', 'lov', 'service', '380', '2025-01-01'],
        ['2281', 'LOV-9', 'Nio AB', 'lov', 'personal_care', '455', '2025-01-01'],
        ['2281', 'LOV-9', 'Nio AB', 'lov', 'escort', '', '2025-01-01'],
      ]),
    });
    expect(error.details.problems).toEqual([
      { file: 'providers-bad.csv', line: 3, reason: 'provider LOV-9 has another name or kind than on line 2' },
      { file: 'providers-bad.csv', line: 4, reason: 'the same rate (provider LOV-9, personal_care, from 2025-01-01) is on line 2 too' },
      { file: 'providers-bad.csv', line: 5, reason: 'a LOV provider needs service_type, sek_per_hour and valid_from' },
    ]);
  });
});
