import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, EntityRowsContext, RawRow, rowsOf, Tenant } from '@kommuna/platform-persistence';
import { HomeCareActor, HomeCareGate } from './access';
import { HomeCareRequestError } from './errors';
import { HomeCareCheckRunEntity } from './entities/check.entity';
import { homeCareLock } from './importer';
import {
  CheckSettings,
  evaluateInvoice,
  evaluateLine,
  GrantedFigures,
  InvoiceCheck,
  MonthLine,
  PlannedFigures,
  ProviderFigures,
  RULES_VERSION,
} from './rules';
import type { ProviderKind, ServiceType } from './service-types';

/** The run's columns a run shows. */
const RUN_FIELDS = [
  'id',
  'month',
  'rulesVersion',
  'settings',
  'inputs',
  'inputsDigest',
  'residents',
  'residentsWithDeviations',
  'amountAtStakeSek',
  'createdAt',
] as const;

/** A stored run of the monthly check; its month as YYYY-MM. */
export type CheckRun = Pick<HomeCareCheckRunEntity, (typeof RUN_FIELDS)[number]>;

/** 'YYYY-MM' → its first day, refusing anything else. */
export function firstDayOf(month: string): string {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new HomeCareRequestError(`month must be YYYY-MM, not "${month.slice(0, 20)}"`);
  return `${month}-01`;
}

/** The month before `now`'s month in Swedish time, as YYYY-MM: the month the job checks. */
export function previousMonth(now: Date): string {
  const [year, month] = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit' })
    .format(now)
    .split('-')
    .map(Number);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

const TZ = `'Europe/Stockholm'`;

/*
 * The check's SQL is set-based: each input is read once and joined by hash on its keys, never
 * looked up per visit or per day (correlated subqueries here were evaluated once for every
 * reference to their flag, for each of a million visits: 156 s). $1 is the municipality, $2 the
 * month's first day. Decisions of a resident and service type never overlap (the import refuses
 * it), so a visit's day falls in at most one of them; hospital days are listed once per resident
 * and day whatever the periods; a rate is in force from its date until the provider's next one.
 */
const LAST_DAY = `(($2::date + interval '1 month')::date - 1)`;

/** Decision spans of the month per resident and service type: the days each covers, clipped to the month. */
const SPANS_CTE = `spans AS (
  SELECT d.id AS decision_id, d.resident_id, s.service_type, s.granted_minutes_per_month AS granted,
         greatest(d.valid_from, $2::date) AS from_day, least(coalesce(d.valid_to, ${LAST_DAY}), ${LAST_DAY}) AS to_day
    FROM home_care_decision d
    JOIN home_care_decision_service s ON s.tenant_id = d.tenant_id AND s.decision_id = d.id
   WHERE d.tenant_id = $1 AND d.valid_from <= ${LAST_DAY} AND (d.valid_to IS NULL OR d.valid_to >= $2::date)
)`;

/** Whole days in hospital in the month (after the admission day, before the discharge day), once per resident and day. */
const HOSPITAL_DAYS_CTE = `hospital_days AS (
  SELECT DISTINCT p.resident_id, g::date AS day
    FROM home_care_inpatient_period p,
         generate_series(greatest(p.admitted_on + 1, $2::date), least(coalesce(p.discharged_on - 1, ${LAST_DAY}), ${LAST_DAY}), interval '1 day') g
   WHERE p.tenant_id = $1 AND (p.discharged_on IS NULL OR p.discharged_on > $2::date) AND p.admitted_on < ${LAST_DAY}
)`;

/** Each rate with the day the provider's next rate for the service type takes over. */
const RATES_CTE = `rates AS (
  SELECT provider_id, service_type, sek_per_hour, valid_from,
         coalesce(lead(valid_from) OVER (PARTITION BY provider_id, service_type ORDER BY valid_from), 'infinity'::date) AS valid_until
    FROM home_care_provider_rate WHERE tenant_id = $1
)`;

/** The month's visits (started in it, Swedish time) with their day, performed and billed minutes. */
const MONTH_VISITS_CTE = `visits AS (
  SELECT v.external_id, v.resident_id, v.service_type, v.provider_id, v.verification, v.started_at,
         (v.started_at AT TIME ZONE ${TZ})::date AS day,
         round(extract(epoch FROM v.stopped_at - v.started_at) / 60)::int AS performed,
         coalesce(v.billed_minutes, round(extract(epoch FROM v.stopped_at - v.started_at) / 60)::int) AS billed
    FROM home_care_visit v
   WHERE v.tenant_id = $1 AND v.started_at >= ($2::date::timestamp AT TIME ZONE ${TZ})
     AND v.started_at < (($2::date + interval '1 month')::timestamp AT TIME ZONE ${TZ})
)`;

/** Granted minutes per resident and service type: each day a decision covers, less whole days in hospital. */
const GRANTED_SQL = `
WITH ${SPANS_CTE}, ${HOSPITAL_DAYS_CTE},
per_span AS (
  SELECT sp.resident_id, sp.service_type, sp.granted, sp.to_day - sp.from_day + 1 AS days, count(h.day) AS inpatient
    FROM spans sp LEFT JOIN hospital_days h ON h.resident_id = sp.resident_id AND h.day BETWEEN sp.from_day AND sp.to_day
   GROUP BY sp.decision_id, sp.resident_id, sp.service_type, sp.granted, sp.from_day, sp.to_day
)
SELECT resident_id, service_type, max(granted)::int AS decided,
       sum(days)::int AS decision_days, sum(inpatient)::int AS inpatient_days,
       coalesce(round(sum(granted::numeric * (days - inpatient)) / $3), 0)::int AS granted
  FROM per_span GROUP BY resident_id, service_type`;

/**
 * Each visit of the month classified (decision, hospital, rate), summed per resident, service type
 * and provider in one pass. The visits behind HC3 and HC4 (few) are gathered unordered beside
 * their start, which keeps the grouping a hash, and only the groups' own lists are sorted (the
 * first 50 of each by time).
 */
const VISITS_SQL = `
WITH ${MONTH_VISITS_CTE}, ${SPANS_CTE}, ${HOSPITAL_DAYS_CTE}, ${RATES_CTE},
summed AS (
  SELECT f.resident_id, f.service_type, f.provider_id,
         count(*)::int AS visits, (count(*) FILTER (WHERE f.verification = 'manual'))::int AS manual_visits,
         (count(*) FILTER (WHERE f.outside))::int AS outside_visits,
         coalesce(sum(f.billed) FILTER (WHERE f.outside), 0)::int AS outside_billed,
         coalesce(sum(f.billed * f.ore_per_minute) FILTER (WHERE f.outside), 0)::float8 AS outside_ore,
         (count(*) FILTER (WHERE f.inpatient))::int AS inpatient_visits,
         coalesce(sum(f.billed) FILTER (WHERE f.inpatient), 0)::int AS inpatient_billed,
         coalesce(sum(f.billed * f.ore_per_minute) FILTER (WHERE f.inpatient), 0)::float8 AS inpatient_ore,
         coalesce(sum(f.performed) FILTER (WHERE f.eligible), 0)::int AS performed,
         coalesce(sum(f.billed) FILTER (WHERE f.eligible), 0)::int AS billed,
         coalesce(sum(least(f.billed, f.performed)) FILTER (WHERE f.eligible), 0)::int AS accepted,
         coalesce(sum(least(f.billed, f.performed) * f.ore_per_minute) FILTER (WHERE f.eligible), 0)::float8 AS accepted_ore,
         coalesce(sum(greatest(f.billed - f.performed, 0)) FILTER (WHERE f.eligible), 0)::int AS over_billed,
         coalesce(sum(greatest(f.billed - f.performed, 0) * f.ore_per_minute) FILTER (WHERE f.eligible), 0)::float8 AS over_billed_ore,
         array_agg(f.external_id) FILTER (WHERE f.outside) AS outside_ids, array_agg(f.started_at) FILTER (WHERE f.outside) AS outside_at,
         array_agg(f.external_id) FILTER (WHERE f.inpatient) AS inpatient_ids, array_agg(f.started_at) FILTER (WHERE f.inpatient) AS inpatient_at
    FROM (
      SELECT v.*, sp.resident_id IS NULL AS outside, sp.resident_id IS NOT NULL AND h.day IS NOT NULL AS inpatient,
             sp.resident_id IS NOT NULL AND h.day IS NULL AS eligible, coalesce(r.sek_per_hour, 0) * 100 / 60 AS ore_per_minute
        FROM visits v
        LEFT JOIN spans sp ON sp.resident_id = v.resident_id AND sp.service_type = v.service_type AND v.day BETWEEN sp.from_day AND sp.to_day
        LEFT JOIN hospital_days h ON h.resident_id = v.resident_id AND h.day = v.day
        LEFT JOIN rates r ON r.provider_id = v.provider_id AND r.service_type = v.service_type AND v.day >= r.valid_from AND v.day < r.valid_until
    ) f
   GROUP BY f.resident_id, f.service_type, f.provider_id
)
SELECT s.resident_id, s.service_type, p.code AS provider, p.name, p.kind, s.visits, s.manual_visits, s.outside_visits, s.outside_billed,
       s.outside_ore, s.inpatient_visits, s.inpatient_billed, s.inpatient_ore, s.performed, s.billed, s.accepted, s.accepted_ore,
       s.over_billed, s.over_billed_ore,
       (SELECT array_agg(e.id ORDER BY e.at, e.id) FROM unnest(s.outside_ids, s.outside_at) AS e(id, at))[1:50] AS outside_evidence,
       (SELECT array_agg(e.id ORDER BY e.at, e.id) FROM unnest(s.inpatient_ids, s.inpatient_at) AS e(id, at))[1:50] AS inpatient_evidence
  FROM summed s JOIN home_care_provider p ON p.tenant_id = $1 AND p.id = s.provider_id`;

/** Planned minutes per resident and service type: the visits planned to start in the month. */
const PLANNED_SQL = `
SELECT resident_id, service_type, count(*)::int AS visits,
       sum(round(extract(epoch FROM planned_stop - planned_start) / 60))::int AS minutes
  FROM home_care_planned_visit
 WHERE tenant_id = $1 AND planned_start >= ($2::date::timestamp AT TIME ZONE ${TZ})
   AND planned_start < (($2::date + interval '1 month')::timestamp AT TIME ZONE ${TZ})
 GROUP BY resident_id, service_type`;

/** Each provider's invoiced month and service type beside what its visits billed at its rates. */
const INVOICES_SQL = `
WITH ${MONTH_VISITS_CTE}, ${RATES_CTE},
registered AS (
  SELECT v.provider_id, v.service_type, count(*)::int AS visits, sum(v.billed)::int AS billed_minutes,
         round(sum(v.billed * coalesce(r.sek_per_hour, 0) / 60), 2) AS sek
    FROM visits v
    LEFT JOIN rates r ON r.provider_id = v.provider_id AND r.service_type = v.service_type AND v.day >= r.valid_from AND v.day < r.valid_until
   WHERE v.provider_id IN (SELECT provider_id FROM home_care_invoice_line WHERE tenant_id = $1 AND month = $2::date)
   GROUP BY v.provider_id, v.service_type
),
invoiced AS (
  SELECT provider_id, service_type, sum(invoiced_minutes)::int AS minutes, sum(amount_sek) AS sek,
         array_agg(DISTINCT invoice ORDER BY invoice) AS invoices
    FROM home_care_invoice_line WHERE tenant_id = $1 AND month = $2::date GROUP BY provider_id, service_type
)
SELECT p.code AS provider, i.service_type, i.invoices, i.minutes AS invoiced_minutes, i.sek::text AS invoiced_sek,
       coalesce(r.visits, 0) AS visits, coalesce(r.billed_minutes, 0) AS billed_minutes, coalesce(r.sek, 0)::text AS registered_sek
  FROM invoiced i
  JOIN home_care_provider p ON p.tenant_id = $1 AND p.id = i.provider_id
  LEFT JOIN registered r ON r.provider_id = i.provider_id AND r.service_type = i.service_type
 ORDER BY p.code, i.service_type`;

/**
 * The check's statements by name, as they run ($1 municipality, $2 the month's first day, $3 its
 * days for `granted`): for reading their plans (the bench writes EXPLAIN of each on its data).
 */
export const MONTHLY_CHECK_SQL = { granted: GRANTED_SQL, visits: VISITS_SQL, planned: PLANNED_SQL, invoices: INVOICES_SQL } as const;

/** What GRANTED_SQL sums per resident and service type (aggregates, not a table's row). */
interface GrantedSums {
  resident_id: string;
  service_type: ServiceType;
  decided: number;
  decision_days: number;
  inpatient_days: number;
  granted: number;
}
/** What VISITS_SQL sums per resident, service type and provider (aggregates, not a table's row). */
interface VisitSums {
  resident_id: string;
  service_type: ServiceType;
  provider: string;
  name: string;
  kind: ProviderKind;
  visits: number;
  manual_visits: number;
  outside_visits: number;
  outside_billed: number;
  outside_ore: number;
  inpatient_visits: number;
  inpatient_billed: number;
  inpatient_ore: number;
  performed: number;
  billed: number;
  accepted: number;
  accepted_ore: number;
  over_billed: number;
  over_billed_ore: number;
  outside_evidence: string[] | null;
  inpatient_evidence: string[] | null;
}

/**
 * The monthly check of a municipality (issue 20): SQL sums each resident's month, evaluateLine
 * applies the rules, and the run is stored with the files it read. A run is identified by its
 * inputs: checking a month again on the same files, settings and rules returns the stored run
 * (reproducible, and the job may run as often as it likes); a new file gives a new run.
 */
export class MonthlyCheck {
  constructor(
    private readonly database: Database,
    private readonly gate: HomeCareGate,
  ) {}

  /** Checks `month` (YYYY-MM) of the current municipality. */
  async run(tenant: Tenant, month: string, actor: HomeCareActor): Promise<CheckRun> {
    const firstDay = firstDayOf(month);
    const settings = this.gate.settingsOf(tenant);
    const checkSettings: CheckSettings = { tolerance: settings.tolerance, manualShareThreshold: settings.manualShareThreshold };
    return this.database.transaction(async (em) => {
      await homeCareLock(em, tenant.id);
      const inputs: CheckRun['inputs'] = // The files in force: a replaced or dropped file's rows are no longer read.
        (
          await em.query(
            `SELECT kind, file_name, sha256 FROM home_care_import WHERE tenant_id = $1 AND replaced_by IS NULL AND dropped_at IS NULL ORDER BY kind, sha256`,
            [tenant.id],
          )
        ).map((r: { kind: string; file_name: string; sha256: string }) => ({ kind: r.kind, fileName: r.file_name, sha256: r.sha256 }));
      const inputsDigest = createHash('sha256')
        .update(
          JSON.stringify({
            rulesVersion: RULES_VERSION,
            settings: checkSettings,
            month,
            files: inputs.map((i) => `${i.kind}:${i.sha256}`),
          }),
        )
        .digest('hex');
      const [stored] = await em.query(`SELECT * FROM home_care_check_run WHERE tenant_id = $1 AND month = $2 AND inputs_digest = $3`, [
        tenant.id,
        firstDay,
        inputsDigest,
      ]);
      if (stored) return toRun(em, stored);
      // A month's sums group a million visits by resident, service type and provider: in memory, not in batches on disk.
      await em.query(`SET LOCAL work_mem = '64MB'`);
      // A million visits make the planner's cost high enough for JIT, whose compiling took 5.7 s of the check (EXPLAIN ANALYZE): more than it saved.
      await em.query(`SET LOCAL jit = off`);
      const lines = await this.computeLines(em, tenant.id, firstDay, checkSettings);
      const invoiceChecks = await this.computeInvoiceChecks(em, tenant.id, firstDay);
      const residents = new Set(lines.map((l) => l.residentId));
      const deviating = new Set(lines.filter((l) => l.deviations.length > 0).map((l) => l.residentId));
      const amount = Math.round(lines.reduce((total, l) => total + l.amountAtStakeSek * 100, 0)) / 100;
      const [row] = await em.query(
        `INSERT INTO home_care_check_run (tenant_id, month, rules_version, settings, inputs, inputs_digest, started_by, residents, residents_with_deviations, amount_at_stake_sek)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          tenant.id,
          firstDay,
          RULES_VERSION,
          JSON.stringify(checkSettings),
          JSON.stringify(inputs),
          inputsDigest,
          this.gate.actorName(actor),
          residents.size,
          deviating.size,
          amount.toFixed(2),
        ],
      );
      for (let i = 0; i < lines.length; i += 500) {
        const chunk = lines.slice(i, i + 500);
        await em.query(
          `INSERT INTO home_care_check_line (tenant_id, run_id, resident_id, service_type, figures, deviations, amount_at_stake_sek)
           SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::numeric[])`,
          [
            tenant.id,
            row.id,
            chunk.map((l) => l.residentId),
            chunk.map((l) => l.serviceType),
            chunk.map((l) => JSON.stringify(figuresOf(l))),
            chunk.map((l) => JSON.stringify(l.deviations)),
            chunk.map((l) => l.amountAtStakeSek.toFixed(2)),
          ],
        );
      }
      if (invoiceChecks.length > 0)
        await em.query(
          `INSERT INTO home_care_check_invoice (tenant_id, run_id, provider, service_type, figures, deviations, amount_at_stake_sek)
           SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::numeric[])`,
          [
            tenant.id,
            row.id,
            invoiceChecks.map((c) => c.provider),
            invoiceChecks.map((c) => c.serviceType),
            invoiceChecks.map((c) => JSON.stringify(c.figures)),
            invoiceChecks.map((c) => JSON.stringify(c.deviations)),
            invoiceChecks.map((c) => c.amountAtStakeSek.toFixed(2)),
          ],
        );
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.check.run',
        targetType: 'home_care_check_run',
        targetId: row.id,
        details: { month, rulesVersion: RULES_VERSION, inputsDigest, residents: residents.size, residentsWithDeviations: deviating.size },
      });
      return toRun(em, row);
    });
  }

  /** The month's lines, computed from what is stored: what run() stores, and what a test compares. */
  async computeLines(em: EntityManager, tenantId: string, firstDay: string, settings: CheckSettings): Promise<MonthLine[]> {
    const daysInMonth = new Date(Date.UTC(Number(firstDay.slice(0, 4)), Number(firstDay.slice(5, 7)), 0)).getUTCDate();
    const granted: GrantedSums[] = await em.query(GRANTED_SQL, [tenantId, firstDay, daysInMonth]);
    const visits: VisitSums[] = await em.query(VISITS_SQL, [tenantId, firstDay]);
    const planned: Array<{ resident_id: string; service_type: ServiceType; visits: number; minutes: number }> = await em.query(
      PLANNED_SQL,
      [tenantId, firstDay],
    );
    const key = (resident: string, type: string) => `${resident}\u0000${type}`;
    const lines = new Map<
      string,
      {
        residentId: string;
        serviceType: ServiceType;
        granted: GrantedFigures;
        providers: ProviderFigures[];
        planned: PlannedFigures | null;
      }
    >();
    const lineOf = (residentId: string, serviceType: ServiceType) => {
      let line = lines.get(key(residentId, serviceType));
      if (!line) {
        line = {
          residentId,
          serviceType,
          granted: { decidedMinutesPerMonth: 0, decisionDays: 0, inpatientDays: 0, grantedMinutes: 0 },
          providers: [],
          planned: null,
        };
        lines.set(key(residentId, serviceType), line);
      }
      return line;
    };
    for (const g of granted) {
      lineOf(g.resident_id, g.service_type).granted = {
        decidedMinutesPerMonth: g.decided,
        decisionDays: g.decision_days,
        inpatientDays: g.inpatient_days,
        grantedMinutes: g.granted,
      };
    }
    for (const v of visits) {
      lineOf(v.resident_id, v.service_type).providers.push({
        provider: v.provider,
        name: v.name,
        kind: v.kind,
        visits: v.visits,
        manualVisits: v.manual_visits,
        outsideDecisionVisits: v.outside_visits,
        outsideDecisionBilledMinutes: v.outside_billed,
        outsideDecisionOre: Math.round(v.outside_ore),
        inpatientVisits: v.inpatient_visits,
        inpatientBilledMinutes: v.inpatient_billed,
        inpatientOre: Math.round(v.inpatient_ore),
        performedMinutes: v.performed,
        billedMinutes: v.billed,
        acceptedMinutes: v.accepted,
        acceptedOre: Math.round(v.accepted_ore),
        overBilledMinutes: v.over_billed,
        overBilledOre: Math.round(v.over_billed_ore),
        outsideDecisionEvidence: v.outside_evidence ?? [],
        inpatientEvidence: v.inpatient_evidence ?? [],
      });
    }
    for (const p of planned) lineOf(p.resident_id, p.service_type).planned = { visits: p.visits, minutes: p.minutes };
    return [...lines.values()]
      .sort((a, b) => a.residentId.localeCompare(b.residentId) || a.serviceType.localeCompare(b.serviceType))
      .map((l) =>
        evaluateLine(
          l.residentId,
          l.serviceType,
          daysInMonth,
          l.granted,
          l.providers.sort((a, b) => a.provider.localeCompare(b.provider)),
          settings,
          l.planned,
        ),
      );
  }

  /** Each LOV provider's invoiced month and service type against its time registration (HC7). */
  async computeInvoiceChecks(em: EntityManager, tenantId: string, firstDay: string): Promise<InvoiceCheck[]> {
    const rows: Array<{
      provider: string;
      service_type: ServiceType;
      invoices: string[];
      invoiced_minutes: number;
      invoiced_sek: string;
      visits: number;
      billed_minutes: number;
      registered_sek: string;
    }> = await em.query(INVOICES_SQL, [tenantId, firstDay]);
    return rows.map((r) =>
      evaluateInvoice({
        provider: r.provider,
        serviceType: r.service_type,
        invoices: r.invoices,
        invoicedMinutes: Number(r.invoiced_minutes),
        invoicedSek: Number(r.invoiced_sek),
        visits: Number(r.visits),
        billedMinutes: Number(r.billed_minutes),
        registeredSek: Number(r.registered_sek),
      }),
    );
  }
}

/** What a line stores beside its deviations. */
export function figuresOf(line: MonthLine): Record<string, unknown> {
  return {
    daysInMonth: line.daysInMonth,
    granted: line.granted,
    providers: line.providers,
    performedMinutes: line.performedMinutes,
    billedMinutes: line.billedMinutes,
    acceptedMinutes: line.acceptedMinutes,
    visits: line.visits,
    manualVisits: line.manualVisits,
    planned: line.planned,
  };
}

/** A stored run (`SELECT *` of home_care_check_run) as it is shown: the month as YYYY-MM. */
export function toRun(em: EntityRowsContext, row: RawRow): CheckRun {
  const [run] = rowsOf(em, HomeCareCheckRunEntity, [row], RUN_FIELDS);
  return { ...run, month: run.month.slice(0, 7) };
}
