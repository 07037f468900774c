import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Database, PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';
import {
  DigitalMailAdapters,
  MAX_REACHABILITY_BATCH,
  PaperAddress,
  PermanentAdapterError,
  PrintLetter,
  ReachabilityResult,
  TransientAdapterError,
} from '../adapters/types';
import { sha256Hex } from '../content/attachments';
import { htmlToText } from '../content/html';
import { digitalMailSettingsOf, DigitalMailSettings } from '../settings';
import { recordStatusChanged, recordStatusChanges } from '../status-events';
import { routeAfterReachability } from './decide';
import { expandSendBatches } from './expand-batches';
import { renderPrintLetter } from './print-letter';

export type AdaptersForTenant = (tenant: Tenant) => DigitalMailAdapters;

export interface DeliveryWorkerOptions {
  /** The clock; tests move it to pass backoff delays without waiting. */
  now?: () => Date;
  /** How long a claimed job is held before another worker may take it over (crash recovery). */
  leaseMs?: number;
  /** Attempts per step before a transient fault becomes FAILED. */
  maxAttempts?: number;
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
  reachabilityBatchSize?: number;
  digitalBatchSize?: number;
  /** Digital deliveries in flight at once (each letter is its own idempotent call). */
  digitalConcurrency?: number;
  paperBatchSize?: number;
  expandChunkSize?: number;
  /** The process's party register (one per process, its cache shared); a new one when absent. */
  parties?: PartyRegister;
  /** An open print batch is released after this long even if single letters keep arriving. */
  maxPrintBatchAgeMs?: number;
  onError?: (error: Error, context: { tenantId: string; step: string }) => void;
}

export const defaultDeliveryBackoffMs = (attempt: number): number => Math.min(30_000 * 2 ** (attempt - 1), 6 * 3_600_000);

export interface RoundResult {
  expanded: number;
  checked: number;
  sentDigitally: number;
  printed: number;
  released: number;
  finished: number;
  retried: number;
}

const emptyRound = (): RoundResult => ({ expanded: 0, checked: 0, sentDigitally: 0, printed: 0, released: 0, finished: 0, retried: 0 });
const worked = (r: RoundResult) => r.expanded + r.checked + r.sentDigitally + r.printed + r.released + r.finished + r.retried > 0;

interface Claimed {
  message_id: string;
  recipient_number: string;
  attempts: number;
  mailbox_operator: string | null;
}

interface Outcome {
  status: MailDeliveryStatus;
  channel: 'digital' | 'paper' | null;
  /** Null keeps the detail already recorded (e.g. why the letter went on paper). */
  detail: string | null;
  transactionId?: string | null;
}

/**
 * The digital-mail delivery pipeline (issue 6, part 2). Delivery rows are the jobs: each step
 * claims due rows of its stage with FOR UPDATE SKIP LOCKED inside the tenant's context and
 * leases them (next_attempt_at moves ahead, claim_id marks the holder), calls the outside party
 * without holding a transaction, then records the result only if it still holds the claim. A
 * worker that dies mid-step leaves its lease to expire and the job is taken again; the message id
 * is the operator's idempotency key, so a repeated delivery is still one letter.
 *
 * apps/worker (and the api on the embedded database) compose this with adapters and a schedule.
 */
export class DeliveryWorker {
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly parties: PartyRegister;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly adapters: DigitalMailAdapters | AdaptersForTenant,
    private readonly options: DeliveryWorkerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? defaultDeliveryBackoffMs;
    this.parties = options.parties ?? new PartyRegister(database);
  }

  /** One round: every tenant with due work, every step once. */
  async runOnce(): Promise<RoundResult> {
    const total = emptyRound();
    const due: Array<{ id: string }> = await this.database.dataSource.query(
      `SELECT t AS id FROM digital_mail_tenants_with_due_work($1) t`,
      [this.now()],
    );
    for (const { id } of due) {
      const tenant = this.tenants.all().find((t) => t.id === id);
      if (!tenant) continue;
      const result = await requestContext.run({ requestId: `digital-mail-${id}`, tenantId: id, tenantSlug: tenant.slug }, () =>
        this.runTenant(tenant),
      );
      for (const key of Object.keys(total) as Array<keyof RoundResult>) total[key] += result[key];
    }
    return total;
  }

  /** Rounds until nothing more is due now (jobs in backoff wait for a later round). */
  async drain(maxRounds = 1000): Promise<RoundResult> {
    const total = emptyRound();
    for (let round = 0; round < maxRounds; round++) {
      const result = await this.runOnce();
      for (const key of Object.keys(total) as Array<keyof RoundResult>) total[key] += result[key];
      if (!worked(result)) break;
    }
    return total;
  }

  /** Polls every `intervalMs` until stop(); rounds never overlap. */
  start(intervalMs = 1000): void {
    const tick = async (): Promise<void> => {
      const rounds = 20;
      let busy = false;
      this.running = this.drain(rounds)
        .then((r) => (busy = worked(r)))
        .catch((error) => this.options.onError?.(error as Error, { tenantId: '-', step: 'round' }));
      await this.running;
      // Still work after a full drain (a bulk send): go on at once; the pause is for idle polling only.
      if (this.timer) this.timer = setTimeout(() => void tick(), busy ? 0 : intervalMs);
    };
    // tick does not reject: a failed round goes to onError above.
    this.timer = setTimeout(() => void tick(), 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private adaptersFor(tenant: Tenant): DigitalMailAdapters {
    return typeof this.adapters === 'function' ? this.adapters(tenant) : this.adapters;
  }

  private async runTenant(tenant: Tenant): Promise<RoundResult> {
    const result = emptyRound();
    const settings = digitalMailSettingsOf(tenant);
    const adapters = this.adaptersFor(tenant);
    const step = async (name: string, run: () => Promise<void>): Promise<void> => {
      try {
        await run();
      } catch (error) {
        // One step's fault (e.g. a database hiccup) must not stop the other steps or tenants.
        this.options.onError?.(error as Error, { tenantId: tenant.id, step: name });
      }
    };
    await step(
      'expand',
      async () =>
        void (result.expanded += await expandSendBatches(this.database, this.parties, tenant.id, this.options.expandChunkSize ?? 500)),
    );
    await step('reachability', () => this.checkReachability(tenant, settings, adapters, result));
    // Digital delivery waits on the operator, paper rendering on the CPU: side by side they overlap.
    // They claim different stages, so no job is in both.
    await Promise.all([
      step('digital', () => this.deliverDigitally(tenant, settings, adapters, result)),
      step('paper', () => this.preparePaper(tenant, settings, adapters, result)),
    ]);
    await step('print', () => this.releasePrintBatches(tenant, settings, adapters, result));
    return result;
  }

  // ---- claims ---------------------------------------------------------------------------------

  private async claim(
    tenantId: string,
    stage: string,
    limit: number,
    read?: (em: EntityManager, ids: string[]) => Promise<void>,
  ): Promise<{ claimId: string; rows: Claimed[] }> {
    const claimId = randomUUID();
    const now = this.now();
    const rows = await this.database.transaction(async (em) => {
      const claimed: Claimed[] = normaliseRows(
        await em.query(
          `UPDATE mail_delivery d SET claim_id = $2, next_attempt_at = $5
          WHERE d.tenant_id = $1 AND d.message_id IN (
            SELECT message_id FROM mail_delivery
             WHERE tenant_id = $1 AND stage = $3 AND completed_at IS NULL AND next_attempt_at <= $4
             ORDER BY next_attempt_at, created_at LIMIT $6 FOR UPDATE SKIP LOCKED)
          RETURNING d.message_id, d.recipient_number, d.attempts, d.mailbox_operator`,
          [tenantId, claimId, stage, now, new Date(now.getTime() + this.leaseMs), limit],
        ),
      );
      if (claimed.length > 0 && read)
        await read(
          em,
          claimed.map((c) => c.message_id),
        );
      return claimed;
    });
    return { claimId, rows };
  }

  /** A final status: the job is done, the identity number is no longer needed and is cleared. */
  private async finish(em: EntityManager, tenantId: string, claimId: string | null, messageId: string, outcome: Outcome): Promise<boolean> {
    const rows = await em.query(
      `UPDATE mail_delivery d SET status = $4, channel = $5, status_detail = COALESCE($6, d.status_detail), operator_transaction_id = COALESCE($7, d.operator_transaction_id),
              stage = 'DONE', completed_at = $8, updated_at = $8, claim_id = NULL, recipient_number = NULL
         FROM mail_message m
        WHERE d.tenant_id = $1 AND d.message_id = $2 AND ($3::uuid IS NULL OR d.claim_id = $3) AND d.completed_at IS NULL
          AND m.tenant_id = d.tenant_id AND m.id = d.message_id
        RETURNING d.recipient_party_id, d.status_detail, m.external_references`,
      [tenantId, messageId, claimId, outcome.status, outcome.channel, outcome.detail, outcome.transactionId ?? null, this.now()],
    );
    const [row] = normaliseRows(rows) as Array<{
      recipient_party_id: string;
      status_detail: string | null;
      external_references: Record<string, string>;
    }>;
    if (!row) return false;
    await recordStatusChanged(em, {
      messageId,
      recipientPartyId: row.recipient_party_id,
      status: outcome.status,
      channel: outcome.channel,
      statusDetail: row.status_detail,
      externalReferences: row.external_references,
    });
    return true;
  }

  /** A failed attempt: retried with backoff while transient and attempts remain, otherwise FAILED. */
  private async failed(tenantId: string, claimId: string, jobs: Claimed[], error: Error, result: RoundResult): Promise<void> {
    const transient = error instanceof TransientAdapterError;
    await this.database.transaction(async (em) => {
      for (const job of jobs) {
        const attempt = job.attempts + 1;
        if (transient && attempt < this.maxAttempts) {
          const next = new Date(this.now().getTime() + this.backoffMs(attempt));
          await em.query(
            `UPDATE mail_delivery SET attempts = $4, next_attempt_at = $5, last_error = $6, claim_id = NULL, updated_at = $7
              WHERE tenant_id = $1 AND message_id = $2 AND claim_id = $3`,
            [tenantId, job.message_id, claimId, attempt, next, error.message.slice(0, 2000), this.now()],
          );
          result.retried++;
        } else {
          const detail = transient ? `${error.message} (gave up after ${attempt} attempts)` : error.message;
          await em.query(
            `UPDATE mail_delivery SET attempts = $4, last_error = $5 WHERE tenant_id = $1 AND message_id = $2 AND claim_id = $3`,
            [tenantId, job.message_id, claimId, attempt, error.message.slice(0, 2000)],
          );
          if (await this.finish(em, tenantId, claimId, job.message_id, { status: 'FAILED', channel: null, detail })) result.finished++;
        }
      }
    });
  }

  /**
   * advance() for many claimed jobs in one statement; returns the ids that moved (those whose
   * claim still held). `printBatchId` files them into a print batch at the same time.
   */
  private async advanceMany(
    em: EntityManager,
    tenantId: string,
    claimId: string,
    moves: Array<{
      messageId: string;
      stage: string;
      mailboxOperator?: string | null;
      detail?: string | null;
      printBatchId?: string | null;
    }>,
  ): Promise<Set<string>> {
    if (moves.length === 0) return new Set();
    const rows: Array<{ message_id: string }> = normaliseRows(
      await em.query(
        `UPDATE mail_delivery d SET stage = u.stage, attempts = 0, next_attempt_at = $3, claim_id = NULL, last_error = NULL, updated_at = $3,
                mailbox_operator = COALESCE(u.operator, d.mailbox_operator), status_detail = COALESCE(u.detail, d.status_detail),
                print_batch_id = COALESCE(u.print_batch_id, d.print_batch_id)
           FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::uuid[]) AS u(message_id, stage, operator, detail, print_batch_id)
          WHERE d.tenant_id = $1 AND d.message_id = u.message_id AND d.claim_id = $2
          RETURNING d.message_id`,
        [
          tenantId,
          claimId,
          this.now(),
          moves.map((m) => m.messageId),
          moves.map((m) => m.stage),
          moves.map((m) => m.mailboxOperator ?? null),
          moves.map((m) => m.detail ?? null),
          moves.map((m) => m.printBatchId ?? null),
        ],
      ),
    );
    return new Set(rows.map((r) => r.message_id));
  }

  /**
   * finish() for many jobs in one statement plus one multi-row outbox insert; only jobs still
   * under `claimId` (any open job when null) and not yet completed are finished. Returns how many.
   */
  private async finishMany(
    em: EntityManager,
    tenantId: string,
    claimId: string | null,
    outcomes: Array<Outcome & { messageId: string }>,
  ): Promise<number> {
    if (outcomes.length === 0) return 0;
    const rows: Array<{
      message_id: string;
      status: MailDeliveryStatus;
      channel: 'digital' | 'paper' | null;
      recipient_party_id: string;
      status_detail: string | null;
      external_references: Record<string, string>;
    }> = normaliseRows(
      await em.query(
        `UPDATE mail_delivery d SET status = u.status, channel = u.channel, status_detail = COALESCE(u.detail, d.status_detail),
                  operator_transaction_id = COALESCE(u.transaction_id, d.operator_transaction_id),
                  stage = 'DONE', completed_at = $3, updated_at = $3, claim_id = NULL, recipient_number = NULL
             FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(message_id, status, channel, detail, transaction_id), mail_message m
            WHERE d.tenant_id = $1 AND d.message_id = u.message_id AND ($2::uuid IS NULL OR d.claim_id = $2) AND d.completed_at IS NULL
              AND m.tenant_id = d.tenant_id AND m.id = d.message_id
            RETURNING d.message_id, d.status, d.channel, d.recipient_party_id, d.status_detail, m.external_references`,
        [
          tenantId,
          claimId,
          this.now(),
          outcomes.map((o) => o.messageId),
          outcomes.map((o) => o.status),
          outcomes.map((o) => o.channel),
          outcomes.map((o) => o.detail),
          outcomes.map((o) => o.transactionId ?? null),
        ],
      ),
    );
    await recordStatusChanges(
      em,
      rows.map((row) => ({
        messageId: row.message_id,
        recipientPartyId: row.recipient_party_id,
        status: row.status,
        channel: row.channel,
        statusDetail: row.status_detail,
        externalReferences: row.external_references,
      })),
    );
    return rows.length;
  }

  private isAdapterError(error: unknown): error is Error {
    return error instanceof TransientAdapterError || error instanceof PermanentAdapterError;
  }

  // ---- steps ----------------------------------------------------------------------------------

  private async checkReachability(
    tenant: Tenant,
    settings: DigitalMailSettings,
    adapters: DigitalMailAdapters,
    result: RoundResult,
  ): Promise<void> {
    const limit = Math.min(this.options.reachabilityBatchSize ?? MAX_REACHABILITY_BATCH, MAX_REACHABILITY_BATCH);
    const allowPaper = new Map<string, boolean>();
    const { claimId, rows } = await this.claim(tenant.id, 'REACHABILITY', limit, async (em, ids) => {
      const messages = await em.query(`SELECT id, allow_paper FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
        tenant.id,
        ids,
      ]);
      for (const m of messages) allowPaper.set(m.id, m.allow_paper === true);
    });
    if (rows.length === 0) return;
    let answers: ReachabilityResult[];
    try {
      answers = await adapters.mailbox.checkReachability(tenant.config.organisationsnummer, [
        ...new Set(rows.map((r) => r.recipient_number)),
      ]);
    } catch (error) {
      if (!this.isAdapterError(error)) throw error;
      return this.failed(tenant.id, claimId, rows, error, result);
    }
    const byRecipient = new Map(answers.map((a) => [a.recipientId, a]));
    // Every route decided here, then recorded with two statements for the whole claim (moves and final statuses).
    const moves: Array<{ messageId: string; stage: string; mailboxOperator?: string | null; detail?: string | null }> = [];
    const finals: Array<Outcome & { messageId: string }> = [];
    for (const job of rows) {
      const route = routeAfterReachability(
        byRecipient.get(job.recipient_number),
        settings.paperFallback && allowPaper.get(job.message_id) !== false,
      );
      result.checked++;
      if ('final' in route) finals.push({ messageId: job.message_id, status: route.final, channel: null, detail: route.detail });
      else if (route.next === 'DIGITAL')
        moves.push({ messageId: job.message_id, stage: 'DIGITAL', mailboxOperator: route.mailboxOperator });
      else moves.push({ messageId: job.message_id, stage: 'PAPER', detail: `${route.why}; sent on paper` });
    }
    await this.database.transaction(async (em) => {
      await this.advanceMany(em, tenant.id, claimId, moves);
      result.finished += await this.finishMany(em, tenant.id, claimId, finals);
    });
  }

  private async deliverDigitally(
    tenant: Tenant,
    settings: DigitalMailSettings,
    adapters: DigitalMailAdapters,
    result: RoundResult,
  ): Promise<void> {
    const contents = new Map<string, MessageContent>();
    const { claimId, rows } = await this.claim(tenant.id, 'DIGITAL', this.options.digitalBatchSize ?? 200, async (em, ids) => {
      for (const content of await readContents(em, tenant.id, ids, ['DIGITAL_ONLY', 'EITHER'])) contents.set(content.id, content);
    });
    if (rows.length === 0) return;
    // One call per letter, several at a time (each is its own idempotent delivery), then every
    // outcome recorded in one transaction: a round trip and a commit per letter made bulk sends slow.
    const delivered: Array<{ job: Claimed; transactionId: string }> = [];
    const failures: Array<{ job: Claimed; error: Error }> = [];
    let next = 0;
    const deliverNext = async (): Promise<void> => {
      while (next < rows.length) {
        const job = rows[next++];
        const content = contents.get(job.message_id)!;
        try {
          const { transactionId } = await adapters.mailbox.deliver({
            messageId: job.message_id,
            senderOrgNr: tenant.config.organisationsnummer,
            senderName: settings.senderName,
            recipient: job.recipient_number,
            mailboxOperator: job.mailbox_operator,
            subject: content.subject,
            body: content.body ?? '',
            bodyFormat: content.bodyFormat,
            supportInfo: content.supportInfo,
            attachments: content.attachments.map((a) => ({
              filename: a.filename,
              contentType: 'application/pdf' as const,
              contentBase64: a.content.toString('base64'),
              sha256: a.sha256,
            })),
          });
          delivered.push({ job, transactionId });
        } catch (error) {
          if (!this.isAdapterError(error)) throw error;
          failures.push({ job, error });
        }
      }
    };
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(this.options.digitalConcurrency ?? 16, rows.length) }, deliverNext),
    );
    // Record what was delivered even when an unexpected error stopped a lane (its jobs' leases expire and are retried).
    if (delivered.length > 0) {
      const done = await this.database.transaction((em) =>
        this.finishMany(
          em,
          tenant.id,
          claimId,
          delivered.map(({ job, transactionId }) => ({
            messageId: job.message_id,
            status: 'SENT' as const,
            channel: 'digital' as const,
            detail: `Delivered to ${job.mailbox_operator ?? 'the digital mailbox'}`,
            transactionId,
          })),
        ),
      );
      result.sentDigitally += done;
      result.finished += done;
    }
    for (const { job, error } of failures) await this.failed(tenant.id, claimId, [job], error, result);
    const crashed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (crashed) throw crashed.reason;
  }

  private async preparePaper(
    tenant: Tenant,
    settings: DigitalMailSettings,
    adapters: DigitalMailAdapters,
    result: RoundResult,
  ): Promise<void> {
    const contents = new Map<string, MessageContent>();
    const { claimId, rows } = await this.claim(tenant.id, 'PAPER', this.options.paperBatchSize ?? 100, async (em, ids) => {
      for (const content of await readContents(em, tenant.id, ids, ['PAPER_ONLY', 'EITHER'])) contents.set(content.id, content);
    });
    if (rows.length === 0) return;
    let addresses: Map<string, PaperAddress>;
    try {
      addresses = await adapters.population.lookupAddresses([...new Set(rows.map((r) => r.recipient_number))]);
    } catch (error) {
      if (!this.isAdapterError(error)) throw error;
      return this.failed(tenant.id, claimId, rows, error, result);
    }
    // Render every letter first (CPU only), then record them all in one transaction.
    const rendered: Array<{
      job: Claimed;
      content: MessageContent;
      letter: Awaited<ReturnType<typeof renderPrintLetter>> | null;
      withheld?: string;
    }> = [];
    for (const job of rows) {
      const address = addresses.get(job.recipient_number);
      const content = contents.get(job.message_id)!;
      if (!address || 'withheld' in address) {
        rendered.push({ job, content, letter: null, withheld: address?.withheld });
        continue;
      }
      const letter = await renderPrintLetter({
        senderName: settings.senderName,
        address,
        subject: content.subject,
        body: content.bodyFormat === 'HTML' ? htmlToText(content.body ?? '') : (content.body ?? ''),
        supportInfo: content.supportInfo,
        date: this.now(),
        attachments: content.attachments.map((a) => a.content),
      });
      rendered.push({ job, content, letter });
    }
    await this.database.transaction(async (em) => {
      const unaddressed = rendered.filter((r) => !r.letter);
      result.finished += await this.finishMany(
        em,
        tenant.id,
        claimId,
        unaddressed.map(({ job, withheld }) => ({
          messageId: job.message_id,
          status: 'NOT_SENT' as const,
          channel: null,
          detail: withheld ?? 'No postal address in the population register',
        })),
      );
      // Per send batch (a claim usually holds letters of one): lock or open its print batch, move the
      // letters to PRINT under the claim, then add those that moved with one insert.
      const bySendBatch = new Map<string | null, Array<{ job: Claimed; letter: { pdf: Buffer; pageCount: number } }>>();
      for (const { job, content, letter } of rendered) {
        if (!letter) continue;
        const group = bySendBatch.get(content.sendBatchId) ?? [];
        group.push({ job, letter });
        bySendBatch.set(content.sendBatchId, group);
      }
      for (const [sendBatchId, group] of bySendBatch) {
        const [batch] = await em.query(
          `SELECT id, letter_count FROM mail_print_batch WHERE tenant_id = $1 AND status = 'OPEN' AND send_batch_id IS NOT DISTINCT FROM $2
            ORDER BY created_at LIMIT 1 FOR UPDATE`,
          [tenant.id, sendBatchId],
        );
        const printBatch =
          batch ??
          (
            await em.query(
              `INSERT INTO mail_print_batch (tenant_id, send_batch_id, created_at) VALUES ($1, $2, $3) RETURNING id, letter_count`,
              [tenant.id, sendBatchId, this.now()],
            )
          )[0];
        const moved = await this.advanceMany(
          em,
          tenant.id,
          claimId,
          group.map(({ job }) => ({ messageId: job.message_id, stage: 'PRINT', printBatchId: printBatch.id })),
        );
        const letters = group.filter(({ job }) => moved.has(job.message_id));
        if (letters.length === 0) continue;
        const base = Number(printBatch.letter_count);
        const params: unknown[] = [tenant.id, printBatch.id, this.now()];
        const values = letters.map(({ job, letter }, i) => {
          params.push(job.message_id, base + i + 1, letter.pageCount, sha256Hex(letter.pdf), letter.pdf);
          const p = params.length - 4;
          return `($1, $${p}, $2, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $3)`;
        });
        await em.query(
          `INSERT INTO mail_print_letter (tenant_id, message_id, print_batch_id, sequence, page_count, sha256, pdf, created_at) VALUES ${values.join(', ')}`,
          params,
        );
        await em.query(`UPDATE mail_print_batch SET letter_count = $3 WHERE tenant_id = $1 AND id = $2`, [
          tenant.id,
          printBatch.id,
          base + letters.length,
        ]);
        result.printed += letters.length;
      }
    });
  }

  /**
   * Hands complete print batches to the print provider. A batch is complete when none of the
   * letters that could still join it is undecided: for a bulk send, when every recipient has been
   * expanded and passed reachability and address lookup; for single letters, when none is
   * in those steps (or the batch has waited maxPrintBatchAgeMs). Closing first means no letter
   * joins a batch that is being handed over.
   */
  private async releasePrintBatches(
    tenant: Tenant,
    settings: DigitalMailSettings,
    adapters: DigitalMailAdapters,
    result: RoundResult,
  ): Promise<void> {
    const maxAge = this.options.maxPrintBatchAgeMs ?? 3_600_000;
    await this.database.transaction(async (em) =>
      em.query(
        `UPDATE mail_print_batch p SET status = 'CLOSED'
            WHERE p.tenant_id = $1 AND p.status = 'OPEN' AND p.letter_count > 0
              AND (p.created_at <= $2 OR (
                NOT EXISTS (SELECT 1 FROM mail_delivery d WHERE d.tenant_id = p.tenant_id AND d.completed_at IS NULL
                               AND d.stage IN ('REACHABILITY', 'PAPER') AND d.send_batch_id IS NOT DISTINCT FROM p.send_batch_id)
                AND NOT EXISTS (SELECT 1 FROM mail_send_batch b WHERE b.tenant_id = p.tenant_id AND b.id = p.send_batch_id AND b.expanded < b.total)))
            RETURNING p.id`,
        [tenant.id, new Date(this.now().getTime() - maxAge)],
      ),
    );
    const closed: Array<{ id: string; letter_count: number }> = await this.database.transaction((em) =>
      em.query(`SELECT id, letter_count FROM mail_print_batch WHERE tenant_id = $1 AND status = 'CLOSED' ORDER BY created_at`, [tenant.id]),
    );
    for (const batch of closed) {
      let location: string;
      try {
        ({ location } = await adapters.print.release(
          { batchId: batch.id, tenantSlug: tenant.slug, senderName: settings.senderName, letterCount: Number(batch.letter_count) },
          this.lettersOf(tenant.id, batch.id),
        ));
      } catch (error) {
        // The batch stays CLOSED and is handed over again next round.
        this.options.onError?.(error as Error, { tenantId: tenant.id, step: 'print' });
        continue;
      }
      await this.database.transaction(async (em) => {
        const [released] = normaliseRows(
          await em.query(
            `UPDATE mail_print_batch SET status = 'RELEASED', location = $3, released_at = $4 WHERE tenant_id = $1 AND id = $2 AND status = 'CLOSED' RETURNING id`,
            [tenant.id, batch.id, location, this.now()],
          ),
        );
        if (!released) return;
        // Chunked, so a batch of tens of thousands of letters never sits in memory at once.
        // Two statements per chunk of 1,000 letters (finish, events), never a statement per letter.
        for (;;) {
          const chunk: Array<{ message_id: string }> = await em.query(
            `SELECT message_id FROM mail_delivery WHERE tenant_id = $1 AND print_batch_id = $2 AND completed_at IS NULL ORDER BY message_id LIMIT 1000`,
            [tenant.id, batch.id],
          );
          if (chunk.length === 0) break;
          result.finished += await this.finishMany(
            em,
            tenant.id,
            null,
            chunk.map(({ message_id }) => ({
              messageId: message_id,
              status: 'SENT' as const,
              channel: 'paper' as const,
              detail: null,
              transactionId: `print-batch:${batch.id}`,
            })),
          );
        }
        result.released++;
      });
    }
  }

  private async *lettersOf(tenantId: string, batchId: string): AsyncIterable<PrintLetter> {
    let after = 0;
    for (;;) {
      const rows: Array<{ message_id: string; sequence: number; pdf: unknown; page_count: number; sha256: string }> =
        await this.database.transaction((em) =>
          em.query(
            `SELECT message_id, sequence, pdf, page_count, sha256 FROM mail_print_letter WHERE tenant_id = $1 AND print_batch_id = $2 AND sequence > $3 ORDER BY sequence LIMIT 20`,
            [tenantId, batchId, after],
          ),
        );
      if (rows.length === 0) return;
      for (const row of rows) {
        after = row.sequence;
        yield { sequence: row.sequence, messageId: row.message_id, pdf: toBuffer(row.pdf), pageCount: row.page_count, sha256: row.sha256 };
      }
    }
  }
}

/** node-pg answers an UPDATE ... RETURNING through TypeORM as [rows, count]; a SELECT as rows. */
function normaliseRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

const toBuffer = (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array));

interface MessageContent {
  id: string;
  subject: string;
  body: string | null;
  bodyFormat: 'TEXT' | 'HTML';
  supportInfo: Record<string, string>;
  sendBatchId: string | null;
  attachments: Array<{ filename: string; sha256: string; content: Buffer }>;
}

interface MessageContentRow {
  id: string;
  subject: string;
  body: string | null;
  body_format: MessageContent['bodyFormat'];
  support_info: Record<string, string>;
  send_batch_id: string | null;
}

interface AttachmentContentRow {
  message_id: string;
  filename: string;
  sha256: string;
  content: unknown;
}

async function readContents(em: EntityManager, tenantId: string, ids: string[], modes: string[]): Promise<MessageContent[]> {
  const messages = await em.query(
    `SELECT id, subject, body, body_format, support_info, send_batch_id FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, ids],
  );
  const attachments = await em.query(
    `SELECT message_id, filename, sha256, content FROM mail_attachment
      WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND delivery_mode = ANY($3::varchar[]) AND content IS NOT NULL ORDER BY position`,
    [tenantId, ids, modes],
  );
  return messages.map((m: MessageContentRow) => ({
    id: m.id,
    subject: m.subject,
    body: m.body,
    bodyFormat: m.body_format,
    supportInfo: m.support_info,
    sendBatchId: m.send_batch_id,
    attachments: attachments
      .filter((a: AttachmentContentRow) => a.message_id === m.id)
      .map((a: AttachmentContentRow) => ({ filename: a.filename, sha256: a.sha256, content: toBuffer(a.content) })),
  }));
}
