import { useTestDatabase } from '@kommuna/platform-testing';
import { parse } from 'csv-parse/sync';
import { evaluateInvoice, HomeCareForbiddenError, HomeCareNotFoundError, ImportKind, statementCsv } from './index';
import {
  createWorld,
  csv,
  decisionsFile,
  hemtjanst,
  importFiles,
  inTenant,
  INVOICES_HEADER,
  PROVIDERS_FILE,
  queryIn,
  refusedFile,
  SCHEMA,
  visitRow,
  VISITS_HEADER,
  World,
} from './testing/fixture';

/** A planned visit in Swedish winter time (JSON Lines): day, start hh:mm, minutes. */
function planned(id: string, provider: string, resident: string, day: number, minutes: number, stop?: string): string {
  const start = `2025-03-${String(day).padStart(2, '0')}T09:00:00+01:00`;
  const end = stop ?? new Date(Date.parse(start) + minutes * 60_000 + 3_600_000).toISOString().slice(0, 19) + '+01:00';
  return JSON.stringify({
    municipality: '2281',
    planned_visit: id,
    provider,
    resident,
    service_type: 'personal_care',
    planned_start: start,
    planned_stop: end,
  });
}

describe('home care: planned visits and provider invoices', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;
  const importFile = async (kind: ImportKind, fileName: string, content: string) =>
    (await importFiles(world, [{ kind, fileName, content }]))[0];
  const refused = (kind: ImportKind, fileName: string, content: string) => refusedFile(world, { kind, fileName, content });

  beforeAll(async () => {
    world = await createWorld(db());
    await importFiles(world, [
      { kind: 'providers', content: PROVIDERS_FILE },
      { kind: 'decisions', content: decisionsFile({ 'K-1': 1800, 'K-2': 600, 'K-3': 600 }) },
    ]);
    await importFile(
      'visits',
      'visits.csv',
      csv(VISITS_HEADER, [
        // K-1: ten hours, as planned. K-2: five of eight planned visits, one billed 90 for 60. K-3: four visits, two planned.
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((day) => visitRow(`V1-${day}`, 'OMSORG-AB', 'K-1', 'personal_care', day, '09:00', 60)),
        ...[1, 2, 3, 4, 5].map((day) =>
          visitRow(`V2-${day}`, 'OMSORG-AB', 'K-2', 'personal_care', day, '11:00', 60, { billed: day === 5 ? 90 : 60 }),
        ),
        ...[1, 2, 3, 4].map((day) => visitRow(`V3-${day}`, 'HT-NORR', 'K-3', 'personal_care', day, '13:00', 60)),
      ]),
    );
  });

  it('imports planned visits (JSON Lines) and invoice lines (CSV), refusing bad rows whole', async () => {
    const plans = [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((day) => planned(`P1-${day}`, 'OMSORG-AB', 'K-1', day, 60)),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((day) => planned(`P2-${day}`, 'OMSORG-AB', 'K-2', day, 60)),
      ...[1, 2].map((day) => planned(`P3-${day}`, 'HT-NORR', 'K-3', day, 60)),
    ];
    const bad = [
      planned('P9-1', 'OMSORG-AB', 'K-1', 11, 60, '2025-03-11T08:00:00+01:00'),
      planned('P9-2', 'OKÄND', 'K-1', 12, 60),
      planned('P1-1', 'OMSORG-AB', 'K-1', 13, 60),
    ];
    const refusedPlan = await refused('planned_visits', 'plan-bad.jsonl', [...plans, ...bad].join('\n') + '\n');
    expect(refusedPlan.details.problems).toEqual([
      { file: 'plan-bad.jsonl', line: 21, reason: 'planned_stop is not after planned_start' },
      { file: 'plan-bad.jsonl', line: 22, reason: 'provider OKÄND is unknown: import it with the providers first' },
      { file: 'plan-bad.jsonl', line: 23, reason: 'planned visit P1-1 was imported before or is twice in the file' },
    ]);
    const twice = await refused('planned_visits', 'plan-twice.jsonl', [plans[0], plans[0]].join('\n'));
    expect(twice.details.problems).toEqual([
      { file: 'plan-twice.jsonl', line: 2, reason: 'planned visit P1-1 was imported before or is twice in the file' },
    ]);
    const noDecision = await refused('planned_visits', 'plan-k9.jsonl', planned('P-K9', 'OMSORG-AB', 'K-9', 3, 60));
    expect(noDecision.details.problems).toEqual([
      { file: 'plan-k9.jsonl', line: 1, reason: 'the resident has no assistance decision: import the decisions first' },
    ]);
    expect(await importFile('planned_visits', 'plan.jsonl', plans.join('\n') + '\n')).toMatchObject({ rows: 20, alreadyImported: false });

    const badInvoices = await refused(
      'invoices',
      'invoices-bad.csv',
      csv(INVOICES_HEADER, [
        ['2281', 'F-9', 'HT-NORR', '2025-03', 'personal_care', 240, '1800'],
        ['2281', 'F-9', 'OKÄND', '2025-03', 'personal_care', 240, '1800'],
        ['2281', 'F-9', 'OMSORG-AB', '2025-13', 'personal_care', 240, '1800'],
        ['2281', 'F-9', 'OMSORG-AB', '2025-03', 'personal_care', 240, '1800,005'],
      ]),
    );
    expect(badInvoices.details.problems).toEqual([
      { file: 'invoices-bad.csv', line: 2, reason: 'provider HT-NORR is an own unit: it is not paid per hour and sends no invoice' },
      { file: 'invoices-bad.csv', line: 3, reason: 'provider OKÄND is unknown: import it with the providers first' },
      { file: 'invoices-bad.csv', line: 3, reason: 'invoice F-9 has a line for personal_care imported before or twice in the file' },
      { file: 'invoices-bad.csv', line: 4, reason: 'month is not a month (YYYY-MM)' },
      { file: 'invoices-bad.csv', line: 5, reason: 'amount_sek has more than two decimals' },
    ]);
    const sameLine = await refused(
      'invoices',
      'invoices-twice.csv',
      csv(INVOICES_HEADER, [
        ['2281', 'F-8', 'OMSORG-AB', '2025-03', 'personal_care', 60, '450'],
        ['2281', 'F-8', 'OMSORG-AB', '2025-03', 'personal_care', 60, '450'],
      ]),
    );
    expect(sameLine.details.problems).toEqual([
      { file: 'invoices-twice.csv', line: 3, reason: 'invoice F-8 has a line for personal_care imported before or twice in the file' },
    ]);
    expect(
      await importFile(
        'invoices',
        'invoices.csv',
        csv(INVOICES_HEADER, [
          ['2281', 'F-1', 'OMSORG-AB', '2025-03', 'personal_care', 990, '7425,00'],
          ['2281', 'F-1', 'OMSORG-AB', '2025-03', 'service', 60, '380'],
          ['2281', 'F-0', 'OMSORG-AB', '2025-02', 'personal_care', 600, '4500'],
        ]),
      ),
    ).toMatchObject({ rows: 3 });
    const stored = await queryIn(
      db(),
      world.sundsvall,
      `SELECT (SELECT count(*)::int FROM home_care_planned_visit) AS planned, (SELECT count(*)::int FROM home_care_invoice_line) AS invoice_lines`,
    );
    expect(stored).toEqual([{ planned: 20, invoice_lines: 3 }]);
  });

  it('compares performed time with the plan (HC6) and invoices with the registration at the rates (HC7)', async () => {
    const run = await inTenant(world.sundsvall, () => world.homeCare.runCheck(hemtjanst, '2025-03'));
    expect(run.rulesVersion).toBe('home-care-check/2');
    expect(run.inputs.map((i) => i.kind).sort()).toEqual(['decisions', 'invoices', 'planned_visits', 'providers', 'visits']);
    const lines = await inTenant(world.sundsvall, () => world.homeCare.lines(hemtjanst, '2025-03', { all: true }));
    const rules = (resident: string) =>
      lines.find((l) => l.residentId === resident)!.deviations.map((d) => [d.rule, d.minutes, d.amountSek]);
    // K-1 performed its 600 planned minutes.
    expect(rules('K-1')).toEqual([]);
    expect(lines.find((l) => l.residentId === 'K-1')!.figures).toMatchObject({ planned: { visits: 10, minutes: 600 } });
    // K-2: 300 performed of 480 planned (HC6, no kronor: visits not made are not paid), and 30 min billed above performed (HC2).
    expect(rules('K-2')).toEqual([
      ['HC2', 30, 225],
      ['HC6', 180, 0],
    ]);
    expect(lines.find((l) => l.residentId === 'K-2')!.deviations[1].explanation.en).toBe(
      'Performed time 5 h 0 min falls short of the planned 8 h 0 min (8 planned visits) by 3 h 0 min, beyond the 5 % tolerance: planned visits that were not made.',
    );
    // K-3: 240 performed against 120 planned with the own unit.
    expect(rules('K-3')).toEqual([['HC6', 120, 0]]);

    const invoices = await inTenant(world.sundsvall, () => world.homeCare.invoiceChecks(hemtjanst, '2025-03'));
    // Personal care: 600 + 330 billed minutes × 450 kr/h = 6,975.00 kr registered; 7,425.00 invoiced for 990 minutes.
    expect(invoices.map((c) => [c.provider, c.serviceType, c.figures.registeredSek, c.figures.invoicedSek, c.amountAtStakeSek])).toEqual([
      ['OMSORG-AB', 'personal_care', 6975, 7425, 450],
      ['OMSORG-AB', 'service', 0, 380, 380],
    ]);
    expect(invoices[0].deviations).toEqual([
      expect.objectContaining({
        rule: 'HC7',
        minutes: 60,
        amountSek: 450,
        invoices: ['F-1'],
        explanation: expect.objectContaining({
          sv: 'Fakturerat 7\u00a0425,00 kr för 16 h 30 min överstiger tidsregistreringens 6\u00a0975,00 kr (15 besök, 15 h 30 min gånger ersättningen per timme) med 450,00 kr; 1 h 0 min mer än registrerat.',
        }),
      }),
    ]);
    await expect(
      inTenant(world.sundsvall, () => world.homeCare.invoiceChecks({ kind: 'staff', subject: 'bo', unit: 'skola' }, '2025-03')),
    ).rejects.toBeInstanceOf(HomeCareForbiddenError);
    const audit = await queryIn(db(), world.sundsvall, `SELECT actor, details FROM audit_log WHERE action = 'home-care.invoices.read'`);
    expect(audit).toEqual([{ actor: 'staff:anna', details: { month: '2025-03', invoices: 2 } }]);
    // Timrå sees none of it.
    const timraWorker = { kind: 'staff', subject: 'dan', unit: 'socialtjanst' } as const;
    expect(await inTenant(world.timra, () => world.homeCare.invoiceChecks(timraWorker, '2025-03'))).toEqual([]);
  });

  it("writes a provider's statement of the month: its share of each deviation, its invoices, a CSV to send it", async () => {
    const statement = await inTenant(world.sundsvall, () => world.homeCare.providerStatement(hemtjanst, '2025-03', 'OMSORG-AB'));
    expect(statement.lines.map((l) => [l.rule, l.residentId, l.minutes, l.amountSek, l.outcome])).toEqual([
      ['HC2', 'K-2', 30, 225, null],
      ['HC6', 'K-2', 180, 0, null],
    ]);
    expect(statement.invoices.map((i) => [i.serviceType, i.amountAtStakeSek])).toEqual([
      ['personal_care', 450],
      ['service', 380],
    ]);
    expect(statement.totalSek).toBe(1055);
    expect(
      statement.csv.startsWith(
        '\uFEFFmånad;utförare;regel;insatstyp;brukare;faktura;minuter;belopp_kr;besök;förklaring;referens;granskning\r\n',
      ),
    ).toBe(true);
    const rows: string[][] = parse(statement.csv, { bom: true, delimiter: ';', from_line: 2 });
    expect(rows.map((r) => [r[2], r[3], r[4], r[5], r[6], r[7], r[11]])).toEqual([
      ['HC2', 'personal_care', 'K-2', '', '30', '225,00', 'ej granskad'],
      ['HC6', 'personal_care', 'K-2', '', '180', '0,00', 'ej granskad'],
      ['HC7', 'personal_care', '', 'F-1', '60', '450,00', 'ej granskad'],
      ['HC7', 'service', '', 'F-1', '60', '380,00', 'ej granskad'],
    ]);
    // The own unit's statement names only its own resident.
    const own = await inTenant(world.sundsvall, () => world.homeCare.providerStatement(hemtjanst, '2025-03', 'HT-NORR'));
    expect(own.lines.map((l) => [l.rule, l.residentId, l.amountSek])).toEqual([['HC6', 'K-3', 0]]);
    await expect(inTenant(world.sundsvall, () => world.homeCare.providerStatement(hemtjanst, '2025-03', 'OKÄND'))).rejects.toBeInstanceOf(
      HomeCareNotFoundError,
    );
    await expect(
      inTenant(world.sundsvall, () =>
        world.homeCare.providerStatement({ kind: 'staff', subject: 'bo', unit: 'skola' }, '2025-03', 'OMSORG-AB'),
      ),
    ).rejects.toBeInstanceOf(HomeCareForbiddenError);
    const timraWorker = { kind: 'staff', subject: 'dan', unit: 'socialtjanst' } as const;
    await expect(inTenant(world.timra, () => world.homeCare.providerStatement(timraWorker, '2025-03', 'OMSORG-AB'))).rejects.toBeInstanceOf(
      HomeCareNotFoundError,
    );
    const audit = await queryIn(
      db(),
      world.sundsvall,
      `SELECT details FROM audit_log WHERE action = 'home-care.statement.read' ORDER BY seq`,
    );
    expect(audit.map((a) => a.details)).toEqual([
      { month: '2025-03', provider: 'OMSORG-AB', lines: 2, residents: 1 },
      { month: '2025-03', provider: 'HT-NORR', lines: 1, residents: 1 },
    ]);
  });

  it("never lets a spreadsheet run a statement's cell as a formula", () => {
    const line = {
      rule: 'HC2',
      reference: 'r',
      serviceType: 'service',
      residentId: '=HYPERLINK("x")',
      minutes: 1,
      amountSek: 1,
      visits: ['+1'],
    };
    const csvText = statementCsv({
      month: '2025-03',
      provider: 'P',
      name: 'P',
      runId: 'r',
      lines: [{ ...line, explanation: { sv: '-2', en: '-2' }, outcome: 'confirmed' }],
      invoices: [],
      totalSek: 1,
    });
    const [row] = parse(csvText, { bom: true, delimiter: ';', from_line: 2 }) as string[][];
    expect([row[4], row[8], row[9], row[11]]).toEqual([`'=HYPERLINK("x")`, "'+1", "'-2", 'bekräftad']);
  });

  it('lets an invoice differ from the registration by a krona of rounding, not more', () => {
    const figures = {
      provider: 'P',
      serviceType: 'personal_care' as const,
      invoices: ['F'],
      invoicedMinutes: 930,
      visits: 15,
      billedMinutes: 930,
      registeredSek: 6975,
    };
    expect(evaluateInvoice({ ...figures, invoicedSek: 6976 }).deviations).toEqual([]);
    expect(evaluateInvoice({ ...figures, invoicedSek: 6974 }).deviations).toEqual([]);
    expect(evaluateInvoice({ ...figures, invoicedSek: 6976.01 }).deviations.map((d) => [d.rule, d.amountSek, d.minutes])).toEqual([
      ['HC7', 1.01, 0],
    ]);
  });
});
