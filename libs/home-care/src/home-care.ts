import { Readable } from 'node:stream';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { PeriodicTask } from '@kommuna/platform-jobs';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { BackgroundTask } from '@kommuna/platform-services';
import { currentTenant, HomeCareActor, HomeCareGate } from './access';
import { VENDOR_EXPORT_ADAPTERS } from './adapters';
import { HomeCareImportError } from './errors';
import { homeCareLock, HomeCareImporter, ImportFileInput, ImportResult } from './importer';
import { CheckRun, MonthlyCheck, previousMonth } from './monthly-check';
import { CheckLine, HomeCareResults, MunicipalityFollowUp } from './results';
import { DeviationReview, DeviationReviews, ReviewDeviationInput } from './reviews';
import type { InvoiceCheck } from './rules';
import { homeCareSettingsOf } from './settings';
import { ProviderStatement, ProviderStatements } from './statements';

/** A visits file whose table the retention task dropped. */
export interface DroppedVisitFile {
  importId: string;
  fileName: string;
  /** Replaced by a newer file of its month, or older than the municipality's retention. */
  reason: 'replaced' | 'expired';
}

/** The first day (YYYY-MM-01) of the month `months` before `now`'s month in Swedish time. */
export function monthsBefore(now: Date, months: number): string {
  const [year, month] = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit' })
    .format(now)
    .split('-')
    .map(Number);
  const index = year * 12 + (month - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** What the api calls: imports, the check, and the reads, each behind the secrecy gate. */
export class HomeCare {
  readonly gate = new HomeCareGate();
  readonly importer: HomeCareImporter;
  readonly check: MonthlyCheck;
  readonly results: HomeCareResults;
  readonly reviews: DeviationReviews;
  readonly statements: ProviderStatements;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.importer = new HomeCareImporter(database, tenants, this.gate);
    this.check = new MonthlyCheck(database, this.gate);
    this.results = new HomeCareResults(database, tenants, this.gate);
    this.reviews = new DeviationReviews(database, this.gate);
    this.statements = new ProviderStatements(database, this.gate);
  }

  /** A provider's statement of the month's deviations, with a CSV to send it (the responsible unit; audited). */
  providerStatement(actor: HomeCareActor, month: string, provider: string): Promise<ProviderStatement> {
    return this.statements.statement(actor, currentTenant(this.tenants), month, provider);
  }

  /** Confirms or dismisses a deviation of a run (the responsible unit only; audited; a confirmation is metered). */
  reviewDeviation(actor: HomeCareActor, input: ReviewDeviationInput): Promise<DeviationReview> {
    return this.reviews.review(actor, currentTenant(this.tenants), input);
  }

  /** Imports a vendor's export through its adapter (VENDOR_EXPORT_ADAPTERS), as an open file of the adapter's kind. */
  async importVendorExport(
    actor: HomeCareActor,
    input: { adapter: string; fileName: string; content: ImportFileInput['content'] },
  ): Promise<ImportResult> {
    const adapter = VENDOR_EXPORT_ADAPTERS.get(input.adapter);
    if (!adapter) {
      if (input.content instanceof Readable) input.content.destroy();
      throw new HomeCareImportError([
        { file: input.fileName, line: 0, reason: `adapter must be one of ${[...VENDOR_EXPORT_ADAPTERS.keys()].join(', ')}` },
      ]);
    }
    return this.importer.importFile(actor, {
      kind: adapter.kind,
      format: 'csv',
      fileName: input.fileName,
      content: input.content,
      adapter,
    });
  }

  /** Imports a file into the current municipality (whole or not at all). */
  importFile(actor: HomeCareActor, input: ImportFileInput): Promise<ImportResult> {
    return this.importer.importFile(actor, input);
  }

  /** Checks a month of the current municipality now (the responsible unit, or its systems). */
  runCheck(actor: HomeCareActor, month: string): Promise<CheckRun> {
    const tenant = currentTenant(this.tenants);
    if (actor.kind === 'staff') this.gate.assertMayReadResidents(actor, tenant);
    else this.gate.assertMayImport(actor, tenant);
    return this.check.run(tenant, month, actor);
  }

  latestRun(actor: HomeCareActor, month: string): Promise<CheckRun | null> {
    return this.results.latestRun(actor, currentTenant(this.tenants), month);
  }

  lines(actor: HomeCareActor, month: string, options: { all?: boolean; residentId?: string } = {}): Promise<CheckLine[]> {
    return this.results.lines(actor, currentTenant(this.tenants), month, options);
  }

  /** The providers' invoices of the month against their time registration (HC7); the responsible unit. */
  invoiceChecks(actor: HomeCareActor, month: string): Promise<InvoiceCheck[]> {
    return this.results.invoiceChecks(actor, currentTenant(this.tenants), month);
  }

  followUp(actor: HomeCareActor, month: string): Promise<MunicipalityFollowUp[]> {
    return this.results.followUp(actor, month);
  }

  /** The job: the previous month of every participating municipality. A month already checked on the same files is a no-op. */
  async checkPreviousMonth(): Promise<Record<string, CheckRun>> {
    const month = previousMonth(this.now());
    const runs: Record<string, CheckRun> = {};
    for (const tenant of this.tenants.all()) {
      if (!tenant.config.services['home-care']) continue;
      runs[tenant.slug] = await requestContext.run(
        { requestId: `home-care-check-${tenant.id}`, tenantId: tenant.id, tenantSlug: tenant.slug },
        () => this.check.run(tenant, month, { kind: 'system', name: 'home-care-monthly-check' }),
      );
    }
    return runs;
  }

  /**
   * The retention job: in every participating municipality, drops the tables of visits files
   * replaced by a newer file of their month, and of files whose month (the import's, else the
   * month it was imported in) is more than visitFileRetentionMonths before this month. Each
   * municipality in its own transaction under its import lock (an import never loses a file it
   * is reading); each drop audited. The imports' records stay, marked dropped.
   */
  async dropOutdatedVisitFiles(): Promise<Record<string, DroppedVisitFile[]>> {
    const dropped: Record<string, DroppedVisitFile[]> = {};
    for (const tenant of this.tenants.all()) {
      const settings = homeCareSettingsOf(tenant.config);
      if (!settings) continue;
      const keepFrom = monthsBefore(this.now(), settings.visitFileRetentionMonths);
      dropped[tenant.slug] = await requestContext.run(
        { requestId: `home-care-retention-${tenant.id}`, tenantId: tenant.id, tenantSlug: tenant.slug },
        () =>
          this.database.transaction(async (em) => {
            await homeCareLock(em, tenant.id);
            const files: Array<{ id: string; file_name: string; replaced: boolean }> = await em.query(
              `SELECT id, file_name, replaced_by IS NOT NULL AS replaced FROM home_care_import
                WHERE tenant_id = $1 AND kind = 'visits' AND dropped_at IS NULL
                  AND (replaced_by IS NOT NULL
                       OR coalesce(month, date_trunc('month', imported_at AT TIME ZONE 'Europe/Stockholm')::date) < $2::date)
                ORDER BY imported_at`,
              [tenant.id, keepFrom],
            );
            const done: DroppedVisitFile[] = [];
            for (const file of files) {
              await em.query(`SELECT home_care_visit_drop($1::uuid, $2::uuid)`, [tenant.id, file.id]);
              const reason = file.replaced ? 'replaced' : 'expired';
              await appendAuditEntry(em, {
                actor: 'home-care-retention',
                action: 'home-care.file.dropped',
                targetType: 'home_care_import',
                targetId: file.id,
                details: { kind: 'visits', fileName: file.file_name, reason, keepFrom },
              });
              done.push({ importId: file.id, fileName: file.file_name, reason });
            }
            return done;
          }),
      );
    }
    return dropped;
  }

  /**
   * The worker's tasks: checks the previous month at start and then every intervalMs (six hours by
   * default), and drops outdated visits files daily; each one round at a time, stop() waits for the round in hand.
   */
  backgroundTasks(
    options: {
      intervalMs?: number;
      retentionIntervalMs?: number;
      onError?: (error: Error, context: { tenantId: string; step: string }) => void;
    } = {},
  ): BackgroundTask[] {
    return [
      new PeriodicTask({
        name: 'home-care-monthly-check',
        intervalMs: options.intervalMs ?? 6 * 3_600_000,
        run: async () => void (await this.checkPreviousMonth()),
        onError: (error) => options.onError?.(error, { tenantId: '-', step: 'home-care-monthly-check' }),
      }),
      new PeriodicTask({
        name: 'home-care-retention',
        intervalMs: options.retentionIntervalMs ?? 24 * 3_600_000,
        run: async () => void (await this.dropOutdatedVisitFiles()),
        onError: (error) => options.onError?.(error, { tenantId: '-', step: 'home-care-retention' }),
      }),
    ];
  }
}
