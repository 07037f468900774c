import { Readable } from 'node:stream';
import { PeriodicTask } from '@kommuna/platform-jobs';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { BackgroundTask } from '@kommuna/platform-services';
import { currentTenant, HomeCareActor, HomeCareGate } from './access';
import { VENDOR_EXPORT_ADAPTERS } from './adapters';
import { HomeCareImportError } from './errors';
import { HomeCareImporter, ImportFileInput, ImportResult } from './importer';
import { CheckRun, MonthlyCheck, previousMonth } from './monthly-check';
import { CheckLine, HomeCareResults, MunicipalityFollowUp } from './results';
import { DeviationReview, DeviationReviews, ReviewDeviationInput } from './reviews';
import type { InvoiceCheck } from './rules';
import { ProviderStatement, ProviderStatements } from './statements';

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
   * The worker's task: checks the previous month at start and then every intervalMs (six hours by
   * default), one round at a time; stop() waits for the round in hand.
   */
  backgroundTasks(
    options: { intervalMs?: number; onError?: (error: Error, context: { tenantId: string; step: string }) => void } = {},
  ): BackgroundTask[] {
    return [
      new PeriodicTask({
        name: 'home-care-monthly-check',
        intervalMs: options.intervalMs ?? 6 * 3_600_000,
        run: async () => void (await this.checkPreviousMonth()),
        onError: (error) => options.onError?.(error, { tenantId: '-', step: 'home-care-monthly-check' }),
      }),
    ];
  }
}
