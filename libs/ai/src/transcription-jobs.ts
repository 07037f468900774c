import { FairTenantRounds, LeaseQueue, PeriodicTask } from '@kommuna/platform-jobs';
import { Database, RawRow, rowsOf, selectColumns, TenantDirectory } from '@kommuna/platform-persistence';
import type { AiDrafts, QueuedCallNote } from './ai-drafts';
import { AiDraftEntity } from './entities/ai-draft.entity';
import { AiTranscriptionJobEntity } from './entities/ai-transcription-job.entity';
import { ModelProviderError } from './errors';

/** A recording's job as a claim returns it. */
type ClaimedTranscription = Pick<AiTranscriptionJobEntity, 'draftId' | 'attempts'>;

/** What a queued note takes from its job and from its pending draft (QueuedCallNote). */
const NOTE_JOB_FIELDS = ['draftId', 'purpose', 'caseType', 'parties', 'transcriberId'] as const;
const NOTE_DRAFT_FIELDS = ['caseId', 'unit', 'dataClass', 'requestedBy', 'modelId', 'audioSeconds'] as const;

export interface TranscriptionJobsOptions {
  /** The clock (tests move it past backoffs). */
  now?: () => Date;
  /** How long a claimed recording is held before another worker may take it (renewed while it is worked on). */
  leaseMs?: number;
  /** Attempts before a note fails for good (each attempt already retries every model call). */
  maxAttempts?: number;
  /** Delay before attempt n + 1. */
  backoffMs?: (attempt: number) => number;
  /** Recordings one municipality has worked on at once per round (default 1: a long call is minutes of work). */
  batch?: number;
  /** Municipalities worked on side by side (default 2). */
  tenantConcurrency?: number;
}

export interface TranscriptionRound {
  written: number;
  retried: number;
  failed: number;
}

/**
 * The worker's transcription of long call recordings (AiDrafts.transcribeCall queues those over
 * its limit). Recordings are claimed from ai_transcription_job through a LeaseQueue, fairly across
 * municipalities (FairTenantRounds: one claim per municipality per round, rotating order), and
 * the lease is renewed while the models work. A note is recorded only while the claim holds, in one
 * transaction with the end of its job. A model host that fails (after the client's own retries)
 * sends the job back with a backoff; once the attempts are spent, or at once when the recording
 * or a model can no longer be used, the draft is marked failed with the reason and no text, and
 * the recording is deleted.
 */
export class AiTranscriptionJobs {
  readonly queue: LeaseQueue<ClaimedTranscription>;
  private readonly rounds: FairTenantRounds;
  private readonly batch: number;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly drafts: AiDrafts,
    options: TranscriptionJobsOptions = {},
  ) {
    this.queue = new LeaseQueue<ClaimedTranscription>(
      database,
      {
        table: 'ai_transcription_job',
        key: 'draft_id',
        returning: ['attempts'],
        order: 'next_attempt_at, created_at',
        touchedColumn: 'updated_at',
        entity: AiTranscriptionJobEntity,
      },
      {
        now: options.now,
        leaseMs: options.leaseMs ?? 5 * 60_000,
        maxAttempts: options.maxAttempts ?? 3,
        backoffMs: options.backoffMs ?? ((attempt) => Math.min(30 * 60_000, 60_000 * 2 ** (attempt - 1))),
      },
    );
    this.batch = options.batch ?? 1;
    this.rounds = new FairTenantRounds({
      label: 'ai-transcription',
      concurrency: options.tenantConcurrency ?? 2,
      contextOf: (id) => {
        const tenant = this.tenants.all().find((t) => t.id === id);
        return tenant ? { tenantSlug: tenant.slug } : undefined;
      },
    });
  }

  /** One round: every municipality with a due recording, one claim each. */
  async runOnce(): Promise<TranscriptionRound> {
    const due: Array<{ id: string }> = await this.database.dataSource.query(
      `SELECT t AS id FROM ai_tenants_with_due_transcriptions($1) t`,
      [this.queue.now()],
    );
    const results = await this.rounds.run(
      due.map((d) => d.id),
      (tenantId) => this.runTenant(tenantId),
    );
    return results.reduce(
      (sum, r) => ({ written: sum.written + r.written, retried: sum.retried + r.retried, failed: sum.failed + r.failed }),
      {
        written: 0,
        retried: 0,
        failed: 0,
      },
    );
  }

  /** The loop the worker runs (on the embedded database, the api). */
  backgroundTask(intervalMs: number, onError?: (error: Error) => void): PeriodicTask {
    return new PeriodicTask({
      name: 'ai-transcription',
      intervalMs,
      run: async () => {
        const round = await this.runOnce();
        return round.written + round.retried + round.failed > 0;
      },
      onError,
    });
  }

  private async runTenant(tenantId: string): Promise<TranscriptionRound> {
    const result: TranscriptionRound = { written: 0, retried: 0, failed: 0 };
    let jobs: QueuedCallNote[] = [];
    const claim = await this.queue.claim(
      tenantId,
      () => 'true',
      this.batch,
      async (em, keys) => {
        const raw: RawRow[] = await em.query(
          `SELECT ${selectColumns(em, AiTranscriptionJobEntity, { alias: 'j', only: NOTE_JOB_FIELDS })},
                  ${selectColumns(em, AiDraftEntity, { alias: 'd', only: NOTE_DRAFT_FIELDS, prefix: 'd.' })}
             FROM ai_transcription_job j JOIN ai_draft d ON d.tenant_id = j.tenant_id AND d.id = j.draft_id
            WHERE j.tenant_id = $1 AND j.draft_id = ANY($2::uuid[])`,
          [tenantId, keys],
        );
        const drafts = rowsOf(em, AiDraftEntity, raw, NOTE_DRAFT_FIELDS, { prefix: 'd.' });
        jobs = rowsOf(em, AiTranscriptionJobEntity, raw, NOTE_JOB_FIELDS).map((job, i) => ({
          ...job,
          ...drafts[i],
          // A call's draft always has its length; null only on drafts of other kinds.
          audioSeconds: drafts[i].audioSeconds ?? 0,
        }));
      },
    );
    for (const job of jobs) {
      const attempts = claim.rows.find((row) => row.draftId === job.draftId)?.attempts ?? 0;
      try {
        const note = await this.queue.whileHeld(tenantId, claim, () => this.drafts.writeQueuedCallNote(job));
        const recorded = await this.database.transaction(async (em) => {
          // The job ends only if this claim still holds it; else another worker has it and records it.
          const [, ended]: [unknown, number] = await em.query(
            `DELETE FROM ai_transcription_job WHERE tenant_id = $1 AND draft_id = $2 AND claim_id = $3`,
            [tenantId, job.draftId, claim.claimId],
          );
          if (ended === 0) return false;
          await this.drafts.recordQueuedCallNote(em, job, note);
          return true;
        });
        if (recorded) result.written++;
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        // A model host that failed may answer later; a recording or model that can no longer be used will not.
        const retryable = failure instanceof ModelProviderError || !('status' in failure);
        await this.database.transaction(async (em) => {
          const outcome = await this.queue.fail(em, tenantId, claim.claimId, [{ key: job.draftId, attempts }], failure, retryable);
          if (outcome.retried.length > 0) result.retried++;
          for (const given of outcome.exhausted) {
            await this.drafts.recordQueuedCallNoteFailed(em, job, { message: failure.message, attempts: given.attempt });
            await em.query(`DELETE FROM ai_transcription_job WHERE tenant_id = $1 AND draft_id = $2 AND claim_id = $3`, [
              tenantId,
              job.draftId,
              claim.claimId,
            ]);
            result.failed++;
          }
        });
      }
    }
    return result;
  }
}
