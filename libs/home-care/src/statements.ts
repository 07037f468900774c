import { stringify } from 'csv-stringify/sync';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, Tenant } from '@kommuna/platform-persistence';
import { HomeCareActor, HomeCareGate } from './access';
import { HomeCareNotFoundError } from './errors';
import { firstDayOf } from './monthly-check';
import { DeviationReviews, reviewKey, ReviewOutcome } from './reviews';
import { amountsByProvider, Deviation, InvoiceCheck, ProviderFigures } from './rules';

/** One deviation as it concerns the provider: its share of the kronor and the visits behind it. */
export interface StatementLine {
  rule: string;
  reference: string;
  serviceType: string;
  residentId: string;
  minutes: number;
  /** This provider's share of the deviation's kronor. */
  amountSek: number;
  visits: string[];
  explanation: { sv: string; en: string };
  /** The responsible unit's review, or null while none was made. */
  outcome: ReviewOutcome | null;
}

/** A provider's month: the deviations that name it and its invoices' check, as a CSV to send it. */
export interface ProviderStatement {
  month: string;
  provider: string;
  name: string;
  runId: string;
  lines: StatementLine[];
  invoices: InvoiceCheck[];
  /** Σ the provider's kronor at stake: its shares of the residents' deviations and its invoices' excess. */
  totalSek: number;
  csv: string;
}

const OUTCOME_SV: Record<ReviewOutcome, string> = { confirmed: 'bekräftad', dismissed: 'avfärdad' };

/**
 * The provider statement (issue 20, review): what the month's latest check found with one
 * provider, for the responsible unit to send it to answer. The residents are named by the ids the
 * provider's own export used and its visits by its own ids, so it can look each one up; the unit's
 * reasons stay with the unit (only whether a deviation is confirmed is shown). Audited.
 */
export class ProviderStatements {
  constructor(
    private readonly database: Database,
    private readonly gate: HomeCareGate,
  ) {}

  async statement(actor: HomeCareActor, tenant: Tenant, month: string, providerCode: string): Promise<ProviderStatement> {
    this.gate.assertMayReadResidents(actor, tenant);
    const firstDay = firstDayOf(month);
    return this.database.transaction(async (em) => {
      const [provider] = await em.query(`SELECT code, name FROM home_care_provider WHERE tenant_id = $1 AND code = $2`, [
        tenant.id,
        providerCode,
      ]);
      const [run] = await em.query(
        `SELECT id FROM home_care_check_run WHERE tenant_id = $1 AND month = $2 ORDER BY created_at DESC, id DESC LIMIT 1`,
        [tenant.id, firstDay],
      );
      if (!provider || !run) throw new HomeCareNotFoundError(`No checked month ${month} with a provider of that code`);
      const rows: Array<{ resident_id: string; service_type: string; figures: { providers: ProviderFigures[] }; deviations: Deviation[] }> =
        await em.query(
          `SELECT resident_id, service_type, figures, deviations FROM home_care_check_line
            WHERE tenant_id = $1 AND run_id = $2 AND deviations @> jsonb_build_array(jsonb_build_object('providers', jsonb_build_array($3::text)))
            ORDER BY resident_id, service_type`,
          [tenant.id, run.id, provider.code],
        );
      const reviews = await DeviationReviews.ofMonth(em, tenant.id, firstDay);
      const lines: StatementLine[] = rows.flatMap((row) =>
        row.deviations
          .filter((d) => d.providers.includes(provider.code))
          .map((d) => {
            const figures = row.figures.providers.find((p) => p.provider === provider.code);
            return {
              rule: d.rule,
              reference: d.reference,
              serviceType: row.service_type,
              residentId: row.resident_id,
              minutes: d.minutes,
              amountSek: amountsByProvider(d, row.figures.providers).find((p) => p.provider === provider.code)?.amountSek ?? 0,
              visits:
                d.code === 'outside_decision'
                  ? (figures?.outsideDecisionEvidence ?? [])
                  : d.code === 'during_inpatient'
                    ? (figures?.inpatientEvidence ?? [])
                    : [],
              explanation: d.explanation,
              outcome: reviews.get(reviewKey(row.resident_id, row.service_type, d.code))?.outcome ?? null,
            };
          }),
      );
      const invoices: InvoiceCheck[] = (
        await em.query(
          `SELECT figures, deviations, amount_at_stake_sek FROM home_care_check_invoice WHERE tenant_id = $1 AND run_id = $2 AND provider = $3 ORDER BY service_type`,
          [tenant.id, run.id, provider.code],
        )
      ).map((r: { figures: InvoiceCheck['figures']; deviations: InvoiceCheck['deviations']; amount_at_stake_sek: string }) => ({
        provider: provider.code,
        serviceType: r.figures.serviceType,
        figures: r.figures,
        deviations: r.deviations,
        amountAtStakeSek: Number(r.amount_at_stake_sek),
      }));
      const ore = [...lines.map((l) => l.amountSek), ...invoices.map((i) => i.amountAtStakeSek)].reduce(
        (t, a) => t + Math.round(a * 100),
        0,
      );
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.statement.read',
        targetType: 'home_care_check_run',
        targetId: run.id,
        details: { month, provider: provider.code, lines: lines.length, residents: new Set(lines.map((l) => l.residentId)).size },
      });
      const statement = { month, provider: provider.code, name: provider.name, runId: run.id, lines, invoices, totalSek: ore / 100 };
      return { ...statement, csv: statementCsv(statement) };
    });
  }
}

/** The statement as CSV for a Swedish spreadsheet: ';', decimal comma, a BOM, formulas escaped. */
export function statementCsv(statement: Omit<ProviderStatement, 'csv'>): string {
  const sek = (amount: number) => amount.toFixed(2).replace('.', ',');
  const records = [
    ...statement.lines.map((l) => [
      statement.month,
      statement.provider,
      l.rule,
      l.serviceType,
      l.residentId,
      '',
      l.minutes,
      sek(l.amountSek),
      l.visits.join(' '),
      l.explanation.sv,
      l.reference,
      l.outcome ? OUTCOME_SV[l.outcome] : 'ej granskad',
    ]),
    ...statement.invoices.flatMap((i) =>
      i.deviations.map((d) => [
        statement.month,
        statement.provider,
        d.rule,
        i.serviceType,
        '',
        d.invoices.join(' '),
        d.minutes,
        sek(d.amountSek),
        '',
        d.explanation.sv,
        d.reference,
        'ej granskad',
      ]),
    ),
  ];
  return stringify(records, {
    bom: true,
    delimiter: ';',
    record_delimiter: '\r\n',
    escape_formulas: true,
    header: true,
    columns: [
      'månad',
      'utförare',
      'regel',
      'insatstyp',
      'brukare',
      'faktura',
      'minuter',
      'belopp_kr',
      'besök',
      'förklaring',
      'referens',
      'granskning',
    ],
  });
}
