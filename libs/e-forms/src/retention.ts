import { AuditLog, auditActor } from '@kommuna/platform-audit';
import { PeriodicTask } from '@kommuna/platform-jobs';
import { Database, rowsOf, selectColumns, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { SubmissionEntity } from './entities/submission.entity';
import { repository } from './repository';

const CHUNK = 500;
/** What a purge reads of each submission due. */
const DUE = ['id', 'errandNumber'] as const;

export interface EFormsRetentionResult {
  /** Expired drafts deleted (with their unsubmitted files). */
  drafts: number;
  /** Submissions whose answers and files were purged. */
  submissions: number;
}

/**
 * Retention (gallring) for e-forms, a scheduled job of the worker (and of the api on the
 * embedded database). Per municipality and per form: drafts go when they expire (the form's
 * draftDays, else the tenant's draftRetentionDays, fixed on each save); a submission's answers
 * and files are purged once the answered version's retention.submissionDays have passed since
 * the errand last changed. The errand number, dates, status and decision stay: that the errand
 * existed is part of the municipality's records. Each run that purges something writes one audit
 * entry per municipality in the same transaction. Idempotent, chunked, SKIP LOCKED between replicas.
 */
export class EFormsRetentionPurger {
  private readonly audit: AuditLog;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.audit = new AuditLog(database);
  }

  /** Purges what is due in every municipality that uses e-forms; counts per tenant slug. */
  async purgeAll(): Promise<Record<string, EFormsRetentionResult>> {
    const result: Record<string, EFormsRetentionResult> = {};
    for (const tenant of this.tenants.all()) {
      if (!tenant.config.services['e-forms']) continue;
      result[tenant.slug] = await requestContext.run(
        { requestId: `eforms-retention-${tenant.id}`, tenantId: tenant.id, tenantSlug: tenant.slug },
        () => this.purgeTenant(tenant),
      );
    }
    return result;
  }

  private async purgeTenant(tenant: Tenant): Promise<EFormsRetentionResult> {
    const now = this.now();
    const total: EFormsRetentionResult = { drafts: 0, submissions: 0 };
    total.drafts = await this.database.transaction(async (em) => {
      const drafts = await repository.purgeExpiredDrafts(em, tenant.id, now);
      if (drafts > 0) {
        await this.audit.record(
          em,
          {
            actor: auditActor.system('retention'),
            action: 'eforms.drafts.purged',
            targetType: 'eforms_draft',
            details: { count: drafts, before: now.toISOString() },
          },
          now,
        );
      }
      return drafts;
    });
    for (;;) {
      const purged = await this.database.transaction(async (em) => {
        const due = rowsOf(
          em,
          SubmissionEntity,
          await em.query(
            `SELECT ${selectColumns(em, SubmissionEntity, { alias: 's', only: DUE })} FROM eforms_submission s
             JOIN eforms_form_version v ON v.tenant_id = s.tenant_id AND v.id = s.form_version_id
            WHERE s.tenant_id = $1 AND s.purged_at IS NULL
              AND s.updated_at < $2::timestamptz - make_interval(days => (v.definition->'retention'->>'submissionDays')::int)
            ORDER BY s.updated_at LIMIT ${CHUNK} FOR UPDATE OF s SKIP LOCKED`,
            [tenant.id, now],
          ),
          DUE,
        );
        if (due.length === 0) return 0;
        const ids = due.map((d) => d.id);
        // With the submission's files go those uploaded for a completion that was never given.
        await em.query(
          `DELETE FROM eforms_attachment WHERE tenant_id = $1 AND (submission_id = ANY($2::uuid[]) OR completion_submission_id = ANY($2::uuid[]))`,
          [tenant.id, ids],
        );
        await em.query(
          `UPDATE eforms_submission SET data = '{}'::jsonb, completion_message = NULL, purged_at = $3 WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
          [tenant.id, ids, now],
        );
        await this.audit.record(
          em,
          {
            actor: auditActor.system('retention'),
            action: 'eforms.submissions.purged',
            targetType: 'eforms_submission',
            details: { count: ids.length, errandNumbers: due.map((d) => d.errandNumber) },
          },
          now,
        );
        return ids.length;
      });
      total.submissions += purged;
      if (purged < CHUNK) return total;
    }
  }
}

/** A loop a worker process runs until shutdown (the shape apps/worker's BackgroundTask has). */
export interface EFormsTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * E-forms' background work, ready for a worker process to run: the retention purge, once at
 * start and then every `intervalMs` (hourly by default). Runs never overlap within a process;
 * between replicas the purge's SKIP LOCKED keeps them apart.
 */
export function eFormsBackgroundTasks(
  database: Database,
  tenants: TenantDirectory,
  options: { intervalMs?: number; now?: () => Date; onError?: (error: Error, context: { tenantId: string; step: string }) => void } = {},
): EFormsTask[] {
  const purger = new EFormsRetentionPurger(database, tenants, options.now);
  return [
    new PeriodicTask({
      name: 'e-forms-retention',
      intervalMs: options.intervalMs ?? 3_600_000,
      run: async () => void (await purger.purgeAll()),
      onError: (error) => options.onError?.(error, { tenantId: '-', step: 'retention' }),
    }),
  ];
}
