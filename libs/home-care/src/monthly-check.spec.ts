import { useTestDatabase } from '@kommuna/platform-testing';
import { CheckLine, HOME_CARE_MIN_CELL_SIZE, HomeCareForbiddenError } from './index';
import {
  createWorld,
  csv,
  SCHEMA,
  DECISIONS_HEADER,
  hemtjanst,
  importFiles,
  inTenant,
  PROVIDERS_HEADER,
  queryIn,
  refusedFile,
  system,
  visitRow,
  VISITS_HEADER,
  World,
} from './testing/fixture';

/**
 * A realistic March 2025 in Sundsvall: an own unit and two private (LOV) providers, six residents,
 * and one deviation of each kind planted, each figure worked out by hand below.
 */
const providersFile = csv(PROVIDERS_HEADER, [
  ['2281', 'HT-NORR', 'Hemtjänst Norr (egen regi)', 'own_unit', '', '', ''],
  ['2281', 'OMSORG-AB', 'Omsorg i Sundsvall AB', 'lov', 'personal_care', '450', '2025-01-01'],
  ['2281', 'OMSORG-AB', 'Omsorg i Sundsvall AB', 'lov', 'service', '380', '2025-01-01'],
  ['2281', 'CARE-2', 'Care Två AB', 'lov', 'personal_care', '460,00', '2025-01-01'],
]);
const decisionsFile = csv(DECISIONS_HEADER, [
  ['2281', 'B-1', 'K-1001', '2025-01-01', '', 'personal_care', 1800],
  ['2281', 'B-1', 'K-1001', '2025-01-01', '', 'service', 240],
  ['2281', 'B-2', 'K-1002', '2025-03-11', '2025-12-31', 'personal_care', 1240],
  ['2281', 'B-3', 'K-1003', '2024-06-01', '', 'personal_care', 930],
  ['2281', 'B-4', 'K-1004', '2025-02-01', '', 'personal_care', 600],
  ['2281', 'B-5', 'K-1005', '2025-02-01', '', 'personal_care', 1200],
  ['2281', 'B-6', 'K-1006', '2025-02-01', '', 'personal_care', 600],
]);
// JSON Lines, the other open format.
const inpatientFile =
  JSON.stringify({ municipality: '2281', period: 'V-1', resident: 'K-1003', admitted_on: '2025-03-10', discharged_on: '2025-03-20' }) +
  '\n';

function marchVisits(): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  let n = 0;
  const id = () => `BES-${++n}`;
  // K-1001: 20 × 100 min of personal care (granted 1800): 2000 accepted, above 1800 × 1.05.
  for (let day = 1; day <= 20; day++) rows.push(visitRow(id(), 'OMSORG-AB', 'K-1001', 'personal_care', day, '08:00', 100));
  // … and service tasks exactly as granted: 4 × 60 = 240.
  for (const day of [3, 10, 17, 24]) rows.push(visitRow(id(), 'OMSORG-AB', 'K-1001', 'service', day, '13:00', 60));
  // K-1002: a visit on the 5th, before the decision's first day (the 11th), then 14 × 60 = 840 = 1240 × 21/31.
  rows.push(visitRow(id(), 'CARE-2', 'K-1002', 'personal_care', 5, '09:00', 60));
  for (let day = 11; day <= 24; day++) rows.push(visitRow(id(), 'CARE-2', 'K-1002', 'personal_care', day, '09:00', 60));
  // K-1003: in hospital from the 10th to the 20th (whole days 11–19): a visit on the 15th; the admission day counts.
  rows.push(visitRow(id(), 'OMSORG-AB', 'K-1003', 'personal_care', 10, '07:30', 30));
  rows.push(visitRow(id(), 'OMSORG-AB', 'K-1003', 'personal_care', 15, '07:30', 45));
  for (const day of [1, 2, 3, 4, 5, 21, 22, 23, 24, 25])
    rows.push(visitRow(id(), 'OMSORG-AB', 'K-1003', 'personal_care', day, '07:30', 60));
  // K-1004 (own unit): 6 × 60, four registered manually.
  for (const day of [2, 4, 6, 8, 10, 12])
    rows.push(visitRow(id(), 'HT-NORR', 'K-1004', 'personal_care', day, '10:00', 60, { manual: day <= 8 }));
  // K-1005: 10 × 60, one billed as 90.
  for (let day = 1; day <= 10; day++)
    rows.push(visitRow(id(), 'CARE-2', 'K-1005', 'personal_care', day, '11:00', 60, { billed: day === 7 ? 90 : 60 }));
  // K-1006 (own unit): nothing to remark.
  for (const day of [3, 6, 9, 12, 15]) rows.push(visitRow(id(), 'HT-NORR', 'K-1006', 'personal_care', day, '15:00', 60));
  return rows;
}

const importMarch = (world: World) =>
  importFiles(world, [
    { kind: 'providers', content: providersFile },
    { kind: 'decisions', content: decisionsFile },
    { kind: 'inpatient_periods', fileName: 'inpatient.jsonl', content: inpatientFile },
    { kind: 'visits', fileName: 'visits-2025-03.csv', content: csv(VISITS_HEADER, marchVisits()) },
  ]);

const byResident = (lines: CheckLine[], resident: string, type = 'personal_care') =>
  lines.find((l) => l.residentId === resident && l.serviceType === type);

describe('home care: the monthly check', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;

  beforeAll(async () => {
    world = await createWorld(db());
    await importMarch(world);
  });

  it('works out each resident and service type of a realistic month by hand', async () => {
    const run = await inTenant(world.sundsvall, () => world.homeCare.runCheck(hemtjanst, '2025-03'));
    const lines = await inTenant(world.sundsvall, () => world.homeCare.lines(hemtjanst, '2025-03', { all: true }));
    expect(lines).toHaveLength(7);

    // HC1: 2000 min accepted against 1800 granted (limit 1890): 200 min at 450 kr/h.
    const k1 = byResident(lines, 'K-1001')!;
    expect(k1.figures).toMatchObject({ acceptedMinutes: 2000, granted: { grantedMinutes: 1800, decisionDays: 31, inpatientDays: 0 } });
    expect(k1.deviations.map((d) => [d.rule, d.minutes, d.amountSek])).toEqual([['HC1', 200, 1500]]);
    expect(k1.deviations[0].explanation.sv).toBe(
      'Utförd och fakturerad tid 33 h 20 min överstiger beviljad tid 30 h 0 min (30 h 0 min/månad för 31 av 31 dagar) med 3 h 20 min, mer än toleransen 5 %: 1\u00a0500,00 kr.',
    );
    expect(byResident(lines, 'K-1001', 'service')!.deviations).toEqual([]);

    // HC3: the 5th is before the decision; 1240 × 21/31 = 840 granted, exactly what was accepted.
    const k2 = byResident(lines, 'K-1002')!;
    expect(k2.figures).toMatchObject({ acceptedMinutes: 840, granted: { grantedMinutes: 840, decisionDays: 21 } });
    expect(k2.deviations.map((d) => [d.rule, d.minutes, d.amountSek, d.evidence])).toEqual([['HC3', 60, 460, ['BES-25']]]);

    // HC4: 9 whole days in hospital; 930 × 22/31 = 660 granted; the admission day's 30 min count.
    const k3 = byResident(lines, 'K-1003')!;
    expect(k3.figures).toMatchObject({ acceptedMinutes: 630, granted: { grantedMinutes: 660, inpatientDays: 9, decisionDays: 31 } });
    expect(k3.deviations.map((d) => [d.rule, d.minutes, d.amountSek])).toEqual([['HC4', 45, 337.5]]);

    // HC5: 4 of 6 manual with the own unit: no kronor at stake.
    expect(byResident(lines, 'K-1004')!.deviations.map((d) => [d.rule, d.amountSek, d.explanation.en])).toEqual([
      ['HC5', 0, '4 of 6 visits (66.7 %) were registered manually, above the 20 % threshold: their times were not verified at the door.'],
    ]);

    // HC2: one visit billed 90 for 60 performed: 30 min at 460 kr/h.
    expect(byResident(lines, 'K-1005')!.deviations.map((d) => [d.rule, d.minutes, d.amountSek])).toEqual([['HC2', 30, 230]]);
    expect(byResident(lines, 'K-1006')!.deviations).toEqual([]);

    expect(run).toMatchObject({
      month: '2025-03',
      residents: 6,
      residentsWithDeviations: 5,
      amountAtStakeSek: 2527.5,
      rulesVersion: 'home-care-check/2',
    });
    expect(run.inputs.map((i) => i.fileName).sort()).toEqual(['decisions.csv', 'inpatient.jsonl', 'providers.csv', 'visits-2025-03.csv']);
  });

  it('is reproducible: the same files give the same run, a new file a new one', async () => {
    const first = await inTenant(world.sundsvall, () => world.homeCare.runCheck(hemtjanst, '2025-03'));
    const again = await inTenant(world.sundsvall, () => world.homeCare.runCheck(system, '2025-03'));
    expect(again.id).toBe(first.id);
    await importFiles(world, [
      {
        kind: 'visits',
        fileName: 'late.csv',
        content: csv(VISITS_HEADER, [visitRow('BES-LATE', 'HT-NORR', 'K-1006', 'personal_care', 20, '15:00', 60)]),
      },
    ]);
    const after = await inTenant(world.sundsvall, () => world.homeCare.runCheck(hemtjanst, '2025-03'));
    expect(after.id).not.toBe(first.id);
    expect(after.amountAtStakeSek).toBe(first.amountAtStakeSek);
    expect((await inTenant(world.sundsvall, () => world.homeCare.latestRun(hemtjanst, '2025-03')))!.id).toBe(after.id);
  });

  it('refuses a bad file whole, naming file, line and reason, and writes nothing of it', async () => {
    const visitsBefore = await queryIn<{ n: number }>(db(), world.sundsvall, `SELECT count(*)::int AS n FROM home_care_visit`);
    const bad = csv(VISITS_HEADER, [
      visitRow('NEW-1', 'HT-NORR', 'K-1006', 'personal_care', 21, '15:00', 60),
      visitRow('NEW-2', 'OKÄND', 'K-1006', 'personal_care', 21, '16:00', 60),
      ['2281', 'NEW-3', 'HT-NORR', 'K-1006', 'personal_care', '2025-03-21T10:00:00+01:00', '2025-03-21T09:00:00+01:00', 's-1', 'tag', ''],
      visitRow('NEW-4', 'HT-NORR', 'K-1006', 'personal_care', 22, '15:00', 60, { municipality: '2262' }),
      visitRow('NEW-5', 'HT-NORR', '19121212-1212', 'personal_care', 22, '15:00', 60),
      visitRow('NEW-6', 'HT-NORR', 'K-9999', 'personal_care', 22, '15:00', 60),
      visitRow('BES-1', 'OMSORG-AB', 'K-1001', 'personal_care', 1, '08:00', 100),
    ]);
    const error = await refusedFile(world, { kind: 'visits', fileName: 'bad.csv', content: bad });
    // The rows' own problems and those the set-based checks find against stored rows (K-9999 has no decision, BES-1 is stored), in one answer.
    expect(error.details.problems).toEqual([
      { file: 'bad.csv', line: 3, reason: 'provider OKÄND is unknown: import it with the providers first' },
      { file: 'bad.csv', line: 4, reason: 'stopped_at is not after started_at' },
      { file: 'bad.csv', line: 5, reason: 'municipality 2262 is not Sundsvalls kommun (2281)' },
      { file: 'bad.csv', line: 6, reason: "resident looks like a personnummer: use the case system's client id" },
      { file: 'bad.csv', line: 7, reason: 'the resident has no assistance decision: import the decisions first' },
      { file: 'bad.csv', line: 8, reason: 'visit BES-1 was imported before or is twice in the file' },
    ]);
    expect(error.details.total).toBe(6);
    expect(JSON.stringify(error)).not.toContain('19121212');
    const crossRows = csv(VISITS_HEADER, [
      visitRow('NEW-6', 'HT-NORR', 'K-9999', 'personal_care', 22, '15:00', 60),
      visitRow('BES-1', 'OMSORG-AB', 'K-1001', 'personal_care', 1, '08:00', 100),
    ]);
    const second = await refusedFile(world, { kind: 'visits', fileName: 'cross.csv', content: crossRows });
    expect(second.details.problems).toEqual([
      { file: 'cross.csv', line: 2, reason: 'the resident has no assistance decision: import the decisions first' },
      { file: 'cross.csv', line: 3, reason: 'visit BES-1 was imported before or is twice in the file' },
    ]);
    const after = await queryIn(
      db(),
      world.sundsvall,
      `SELECT count(*)::int AS n, (SELECT count(*)::int FROM home_care_import WHERE file_name IN ('bad.csv', 'cross.csv')) AS files FROM home_care_visit`,
    );
    expect(after).toEqual([{ n: visitsBefore[0].n, files: 0 }]);
  });

  it('refuses overlapping decisions, a missing rate and an unreadable line; the same file again is a no-op', async () => {
    const overlapping = csv(DECISIONS_HEADER, [['2281', 'B-7', 'K-1001', '2025-03-01', '2025-03-31', 'personal_care', 600]]);
    const overlap = await refusedFile(world, { kind: 'decisions', fileName: 'd.csv', content: overlapping });
    expect(overlap.details.problems).toEqual([{ file: 'd.csv', line: 2, reason: 'decision B-7 overlaps decision B-1 for personal_care' }]);
    // CARE-2 has no rate for service tasks.
    const noRate = csv(VISITS_HEADER, [visitRow('NEW-10', 'CARE-2', 'K-1001', 'service', 25, '13:00', 60)]);
    const rate = await refusedFile(world, { kind: 'visits', fileName: 'r.csv', content: noRate });
    expect(rate.details.problems).toEqual([{ file: 'r.csv', line: 2, reason: 'provider CARE-2 has no rate for service on 2025-03-25' }]);
    const jsonl = '{"municipality":"2281","period":"V-9","resident":"K-1001","admitted_on":"2025-03-02"}\n{not json\n';
    const unreadable = await refusedFile(world, { kind: 'inpatient_periods', fileName: 'p.jsonl', content: jsonl });
    expect(unreadable.details.problems).toEqual([{ file: 'p.jsonl', line: 2, reason: 'is not valid JSON' }]);
    const [again] = await importFiles(world, [{ kind: 'decisions', fileName: 'decisions-copy.csv', content: decisionsFile }]);
    expect(again).toMatchObject({ alreadyImported: true, rows: 7 });
  });

  it('keeps residents to the responsible unit of their municipality, and audits every read', async () => {
    const forbidden = [
      { kind: 'staff', subject: 'bo', unit: 'skola' },
      { kind: 'staff', subject: 'cia', unit: 'socialtjanst' }, // Sundsvall names hemtjanst, not socialtjanst
      { kind: 'steering_group', subject: 'styr' },
      system,
    ] as const;
    for (const actor of forbidden) {
      await expect(inTenant(world.sundsvall, () => world.homeCare.lines(actor, '2025-03'))).rejects.toBeInstanceOf(HomeCareForbiddenError);
    }
    // Timrå's responsible unit sees nothing of Sundsvall: row-level security, not a filter in the code.
    const timraWorker = { kind: 'staff', subject: 'dan', unit: 'socialtjanst' } as const;
    expect(await inTenant(world.timra, () => world.homeCare.lines(timraWorker, '2025-03', { all: true }))).toEqual([]);
    expect(await inTenant(world.timra, () => world.homeCare.latestRun(timraWorker, '2025-03'))).toBeNull();
    expect(await queryIn(db(), world.timra, `SELECT count(*)::int AS n FROM home_care_visit`)).toEqual([{ n: 0 }]);
    const intoTimra = await refusedFile(
      world,
      { kind: 'visits', fileName: 'x.csv', content: csv(VISITS_HEADER, marchVisits()) },
      { tenant: world.timra, actor: timraWorker },
    );
    expect(intoTimra.details.problems[0]).toEqual({ file: 'x.csv', line: 2, reason: 'municipality 2281 is not Timrå kommun (2262)' });

    const lines = await inTenant(world.sundsvall, () => world.homeCare.lines(hemtjanst, '2025-03', { residentId: 'K-1005' }));
    expect(lines.map((l) => l.residentId)).toEqual(['K-1005']);
    const audit = await queryIn(
      db(),
      world.sundsvall,
      `SELECT actor, action, details FROM audit_log WHERE action = 'home-care.lines.read' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audit).toEqual([
      {
        actor: 'staff:anna',
        action: 'home-care.lines.read',
        details: expect.objectContaining({ month: '2025-03', lines: 1, residents: 1, residentId: 'K-1005' }),
      },
    ]);
  });

  it("gives the steering group each member's sums, withholding cells of fewer than five residents", async () => {
    // The same as the catalogue's (libs/services/src/agreements.spec.ts).
    expect(HOME_CARE_MIN_CELL_SIZE).toBe(5);
    const followUp = await world.homeCare.followUp({ kind: 'steering_group', subject: 'styr' }, '2025-03');
    const sundsvall = followUp.find((f) => f.slug === 'sundsvall')!;
    expect(sundsvall).toMatchObject({ checked: true, residents: 6, residentsWithDeviations: 5, amountAtStakeSek: null, suppressed: true });
    // Four residents with an amount at stake: the total is withheld, as is every rule (one resident each).
    expect(sundsvall.rules.map((r) => [r.rule, r.residents, r.amountSek])).toEqual([
      ['HC1', null, null],
      ['HC2', null, null],
      ['HC3', null, null],
      ['HC4', null, null],
      ['HC5', null, null],
      ['HC6', 0, 0],
    ]);
    expect(followUp.find((f) => f.slug === 'timra')).toMatchObject({ checked: false, residents: 0, amountAtStakeSek: 0 });
    await expect(world.homeCare.followUp(hemtjanst, '2025-03')).rejects.toBeInstanceOf(HomeCareForbiddenError);
    const audit = await queryIn(db(), world.sundsvall, `SELECT actor FROM audit_log WHERE action = 'home-care.follow-up.read'`);
    expect(audit).toEqual([{ actor: 'staff:styr' }]);
  });

  it('shows the sums once five residents stand behind them', async () => {
    // Four more residents over their granted time with the LOV provider: HC1 now has five.
    const residents = ['K-2001', 'K-2002', 'K-2003', 'K-2004'];
    const rows = residents.flatMap((r, i) =>
      [1, 2, 3, 4, 5, 6, 7].map((day) => visitRow(`M-${i}-${day}`, 'OMSORG-AB', r, 'personal_care', day, '18:00', 100)),
    );
    await importFiles(world, [
      {
        kind: 'decisions',
        fileName: 'more.csv',
        content: csv(
          DECISIONS_HEADER,
          residents.map((r, i) => ['2281', `B-2${i}`, r, '2025-01-01', '', 'personal_care', 600]),
        ),
      },
      { kind: 'visits', fileName: 'more-visits.csv', content: csv(VISITS_HEADER, rows) },
    ]);
    const run = await inTenant(world.sundsvall, () => world.homeCare.runCheck(hemtjanst, '2025-03'));
    // Each: 700 accepted against 600 granted, 100 min at 450 kr/h = 750 kr.
    expect(run.amountAtStakeSek).toBe(2527.5 + 4 * 750);
    const sundsvall = (await world.homeCare.followUp({ kind: 'steering_group', subject: 'styr' }, '2025-03')).find(
      (f) => f.slug === 'sundsvall',
    )!;
    expect(sundsvall.residentsWithDeviations).toBe(9);
    expect(sundsvall.amountAtStakeSek).toBe(5527.5);
    expect(sundsvall.rules.find((r) => r.rule === 'HC1')).toEqual({ rule: 'HC1', code: 'over_granted', residents: 5, amountSek: 4500 });
    expect(sundsvall.rules.find((r) => r.rule === 'HC2')!.residents).toBeNull();
  });

  it('runs as the background job for the previous month of every member, once per set of files', async () => {
    const first = await world.homeCare.checkPreviousMonth();
    expect(Object.keys(first).sort()).toEqual(['sundsvall', 'timra']);
    // Sundsvall's March was checked on these very files above: the job finds that run.
    expect(first.sundsvall.id).toBe((await inTenant(world.sundsvall, () => world.homeCare.latestRun(hemtjanst, '2025-03')))!.id);
    expect(first.timra).toMatchObject({ month: '2025-03', residents: 0, amountAtStakeSek: 0 });
    const second = await world.homeCare.checkPreviousMonth();
    expect(second.timra.id).toBe(first.timra.id);
    const runs = await queryIn(db(), world.timra, `SELECT actor FROM audit_log WHERE action = 'home-care.check.run'`);
    expect(runs).toEqual([{ actor: 'system:home-care-monthly-check' }]);
  });

  it("runs as the worker's periodic task: a round at start, then one each interval, until stopped", async () => {
    // Timrå's first file: its month has new inputs, so the task's round makes a new run there.
    await importFiles(
      world,
      [{ kind: 'providers', content: csv(PROVIDERS_HEADER, [['2262', 'HT-TIMRA', 'Hemtjänst Timrå', 'own_unit', '', '', '']]) }],
      {
        tenant: world.timra,
      },
    );
    const runsInTimra = async () =>
      (await queryIn<{ n: number }>(db(), world.timra, `SELECT count(*)::int AS n FROM home_care_check_run`))[0].n;
    expect(await runsInTimra()).toBe(1);
    const errors: Error[] = [];
    const [task] = world.homeCare.backgroundTasks({ intervalMs: 3_600_000, onError: (error) => errors.push(error) });
    expect(task.name).toBe('home-care-monthly-check');
    task.start();
    for (let i = 0; i < 400 && (await runsInTimra()) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await task.stop();
    expect(await runsInTimra()).toBe(2);
    expect(errors).toEqual([]);
  });
});
