import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { MIN_CELL_SIZE } from './disclosure';
import { HomeCareActor, HomeCareGate } from './access';
import { firstDayOf, toRun, CheckRun } from './monthly-check';
import type { Deviation, RuleCode } from './rules';
import { InvoiceCheck, RULES } from './rules';
import { DeviationReview, DeviationReviews, reviewKey } from './reviews';

export interface CheckLine {
  residentId: string;
  serviceType: string;
  figures: Record<string, unknown>;
  /** Each with the month's review of it, or null while none was made. */
  deviations: Array<Deviation & { review: DeviationReview | null }>;
  amountAtStakeSek: number;
}

/** A municipality's month as the steering group sees it: counts of residents of 1–4 are withheld (null), and what is built on them. */
export interface MunicipalityFollowUp {
  slug: string;
  names: { sv: string; en: string };
  month: string;
  /** False when no check has run for the month. */
  checked: boolean;
  residents: number | null;
  residentsWithDeviations: number | null;
  /** Per rule: residents with that deviation (null when 1–4) and its amount (null with it). */
  rules: Array<{ rule: string; code: RuleCode; residents: number | null; amountSek: number | null }>;
  /** Kronor at stake with private providers; null when fewer than MIN_CELL_SIZE residents are behind it. */
  amountAtStakeSek: number | null;
  suppressed: boolean;
}

const LATEST_RUN = `SELECT * FROM home_care_check_run WHERE tenant_id = $1 AND month = $2 ORDER BY created_at DESC, id DESC LIMIT 1`;
const published = (count: number) => (count === 0 || count >= MIN_CELL_SIZE ? count : null);

/**
 * Reads of the check's results. Residents' lines go to the responsible unit only, and each read
 * is written to the municipality's audit trail in the same transaction (who, which month, how many
 * lines); the steering group gets each member's sums with small cells withheld, also audited.
 */
export class HomeCareResults {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly gate: HomeCareGate,
  ) {}

  /** The latest run of the month in the current municipality, or null. Sums only; audited. */
  async latestRun(actor: HomeCareActor, tenant: Tenant, month: string): Promise<CheckRun | null> {
    this.gate.assertMayReadResidents(actor, tenant);
    return this.database.transaction(async (em) => {
      const [row] = await em.query(LATEST_RUN, [tenant.id, firstDayOf(month)]);
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.run.read',
        targetType: 'home_care_check_run',
        targetId: row?.id ?? null,
        details: { month },
      });
      return row ? toRun(em, row) : null;
    });
  }

  /** Residents' lines of the month's latest run (only those with deviations unless `all`); audited. */
  async lines(
    actor: HomeCareActor,
    tenant: Tenant,
    month: string,
    options: { all?: boolean; residentId?: string } = {},
  ): Promise<CheckLine[]> {
    this.gate.assertMayReadResidents(actor, tenant);
    return this.database.transaction(async (em) => {
      const [run] = await em.query(LATEST_RUN, [tenant.id, firstDayOf(month)]);
      const rows: Array<{
        resident_id: string;
        service_type: string;
        figures: Record<string, unknown>;
        deviations: Deviation[];
        amount_at_stake_sek: string;
      }> = run
        ? await em.query(
            `SELECT resident_id, service_type, figures, deviations, amount_at_stake_sek FROM home_care_check_line
              WHERE tenant_id = $1 AND run_id = $2 AND ($3::boolean OR jsonb_array_length(deviations) > 0) AND ($4::text IS NULL OR resident_id = $4)
              ORDER BY amount_at_stake_sek DESC, resident_id, service_type`,
            [tenant.id, run.id, options.all === true, options.residentId ?? null],
          )
        : [];
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.lines.read',
        targetType: 'home_care_check_run',
        targetId: run?.id ?? null,
        details: {
          month,
          lines: rows.length,
          residents: [...new Set(rows.map((r) => r.resident_id))].length,
          ...(options.residentId ? { residentId: options.residentId } : {}),
        },
      });
      const reviews = await DeviationReviews.ofMonth(em, tenant.id, firstDayOf(month));
      return rows.map((r) => ({
        residentId: r.resident_id,
        serviceType: r.service_type,
        figures: r.figures,
        deviations: r.deviations.map((d) => ({ ...d, review: reviews.get(reviewKey(r.resident_id, r.service_type, d.code)) ?? null })),
        amountAtStakeSek: Number(r.amount_at_stake_sek),
      }));
    });
  }

  /** The providers' invoiced months of the month's latest run against their time registration (HC7); the responsible unit; audited. */
  async invoiceChecks(actor: HomeCareActor, tenant: Tenant, month: string): Promise<InvoiceCheck[]> {
    this.gate.assertMayReadResidents(actor, tenant);
    return this.database.transaction(async (em) => {
      const [run] = await em.query(LATEST_RUN, [tenant.id, firstDayOf(month)]);
      const rows: Array<{
        provider: string;
        service_type: string;
        figures: InvoiceCheck['figures'];
        deviations: InvoiceCheck['deviations'];
        amount_at_stake_sek: string;
      }> = run
        ? await em.query(
            `SELECT provider, service_type, figures, deviations, amount_at_stake_sek FROM home_care_check_invoice
                WHERE tenant_id = $1 AND run_id = $2 ORDER BY amount_at_stake_sek DESC, provider, service_type`,
            [tenant.id, run.id],
          )
        : [];
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.invoices.read',
        targetType: 'home_care_check_run',
        targetId: run?.id ?? null,
        details: { month, invoices: rows.length },
      });
      return rows.map((r) => ({
        provider: r.provider,
        serviceType: r.figures.serviceType,
        figures: r.figures,
        deviations: r.deviations,
        amountAtStakeSek: Number(r.amount_at_stake_sek),
      }));
    });
  }

  /** Every member's month for the steering group: sums only, small cells withheld; each member's trail records the read. */
  async followUp(actor: HomeCareActor, month: string): Promise<MunicipalityFollowUp[]> {
    this.gate.assertMayReadAggregates(actor);
    const firstDay = firstDayOf(month);
    const result: MunicipalityFollowUp[] = [];
    for (const tenant of this.tenants.all().filter((t) => t.config.services['home-care'])) {
      result.push(
        await requestContext.run({ requestId: `home-care-follow-up-${tenant.id}`, tenantId: tenant.id, tenantSlug: tenant.slug }, () =>
          this.database.transaction(async (em) => {
            const [run] = await em.query(LATEST_RUN, [tenant.id, firstDay]);
            const perRule: Array<{ code: RuleCode; residents: number; ore: string }> = run
              ? await em.query(
                  `SELECT d->>'code' AS code, count(DISTINCT l.resident_id)::int AS residents, round(sum((d->>'amountSek')::numeric) * 100)::bigint AS ore
                     FROM home_care_check_line l, jsonb_array_elements(l.deviations) d
                    WHERE l.tenant_id = $1 AND l.run_id = $2 GROUP BY d->>'code'`,
                  [tenant.id, run.id],
                )
              : [];
            await appendAuditEntry(em, {
              actor: this.gate.actorName(actor),
              action: 'home-care.follow-up.read',
              targetType: 'home_care_check_run',
              targetId: run?.id ?? null,
              details: { month },
            });
            const residents = run ? Number(run.residents) : 0;
            const deviating = run ? Number(run.residents_with_deviations) : 0;
            const withAmount: number = run
              ? Number(
                  (
                    await em.query(
                      `SELECT count(DISTINCT resident_id)::int AS n FROM home_care_check_line WHERE tenant_id = $1 AND run_id = $2 AND amount_at_stake_sek > 0`,
                      [tenant.id, run.id],
                    )
                  )[0].n,
                )
              : 0;
            const rules = (Object.keys(RULES) as RuleCode[]).map((code) => {
              const row = perRule.find((r) => r.code === code);
              const count = row ? Number(row.residents) : 0;
              const shown = published(count);
              return { rule: RULES[code].id, code, residents: shown, amountSek: shown === null ? null : row ? Number(row.ore) / 100 : 0 };
            });
            const amountShown = published(withAmount) === null ? null : run ? Number(run.amount_at_stake_sek) : 0;
            const follow: MunicipalityFollowUp = {
              slug: tenant.slug,
              names: tenant.names,
              month,
              checked: Boolean(run),
              residents: published(residents),
              residentsWithDeviations: published(deviating),
              rules,
              amountAtStakeSek: amountShown,
              suppressed: false,
            };
            follow.suppressed =
              follow.residents === null ||
              follow.residentsWithDeviations === null ||
              follow.amountAtStakeSek === null ||
              rules.some((r) => r.residents === null);
            return follow;
          }),
        ),
      );
    }
    return result;
  }
}
