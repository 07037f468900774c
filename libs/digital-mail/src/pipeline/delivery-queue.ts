import type { EntityManager } from 'typeorm';
import { exponentialBackoff, LeaseQueue, returnedRows } from '@kommuna/platform-jobs';
import { Database, RawRow, rowsOf } from '@kommuna/platform-persistence';
import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';
import { TransientAdapterError } from '../adapters/types';
import { MailDeliveryEntity } from '../entities/delivery.entity';
import { MailMessageEntity } from '../entities/message.entity';
import { recordStatusChanges } from '../status-events';

/**
 * A delivery job as a claim returns it (MailDeliveryEntity, read with rowsOf). A claim takes open
 * deliveries only, and the recipient's number is cleared only once a delivery is final: it is there.
 */
export type ClaimedDelivery = Pick<MailDeliveryEntity, 'messageId' | 'attempts' | 'mailboxOperator'> & { recipientNumber: string };

/** The stages a delivery waits in (mail_delivery.stage); DONE is set by finishing it. */
export type DeliveryStage = 'REACHABILITY' | 'DIGITAL' | 'PAPER' | 'PRINT';

export interface DeliveryOutcome {
  messageId: string;
  status: MailDeliveryStatus;
  channel: 'digital' | 'paper' | null;
  /** Null keeps the detail already recorded (e.g. why the letter went on paper). */
  detail: string | null;
  transactionId?: string | null;
  /** The operator that took the letter (null or absent keeps the one recorded). */
  mailboxOperator?: string | null;
}

export interface DeliveryMove {
  messageId: string;
  stage: DeliveryStage;
  mailboxOperator?: string | null;
  detail?: string | null;
  /** Files the letter into a print batch at the same time. */
  printBatchId?: string | null;
}

/** What a finished delivery's status event takes from it (with its message's external references). */
const FINISHED_FIELDS = ['messageId', 'recipientPartyId', 'status', 'channel', 'statusDetail'] as const;

export const defaultDeliveryBackoffMs = exponentialBackoff({ firstMs: 30_000, maxMs: 6 * 3_600_000 });

export interface DeliveryQueueOptions {
  now?: () => Date;
  /** How long a claimed job is held before another worker may take it over (crash recovery). */
  leaseMs?: number;
  /** Attempts per step before a transient fault becomes FAILED. */
  maxAttempts?: number;
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
}

/**
 * Digital mail's delivery rows as a queue (@kommuna/platform-jobs' LeaseQueue over mail_delivery):
 * a step claims due rows of its stage and leases them, works without holding a transaction, then
 * moves them on (`advanceMany`), finishes them with their final status (`finishMany`, which also
 * records the status events) or records a failure (`fail`) — each only while its claim still
 * holds, and each one statement for the whole claim. A spent or permanent failure is the dead
 * letter here: FAILED with its reason, which the sender sees.
 */
export class DeliveryQueue {
  readonly now: () => Date;
  private readonly leases: LeaseQueue<ClaimedDelivery>;

  constructor(
    private readonly database: Database,
    options: DeliveryQueueOptions = {},
  ) {
    this.leases = new LeaseQueue<ClaimedDelivery>(
      database,
      {
        table: 'mail_delivery',
        key: 'message_id',
        returning: ['recipient_number', 'attempts', 'mailbox_operator'],
        order: 'next_attempt_at, created_at',
        touchedColumn: 'updated_at',
        entity: MailDeliveryEntity,
      },
      {
        now: options.now,
        leaseMs: options.leaseMs ?? 5 * 60_000,
        maxAttempts: options.maxAttempts ?? 8,
        backoffMs: options.backoffMs ?? defaultDeliveryBackoffMs,
      },
    );
    this.now = this.leases.now;
  }

  /** Claims up to `limit` due, open jobs of `stage`; `read` runs in the claim's transaction with their ids. */
  claim(
    tenantId: string,
    stage: DeliveryStage,
    limit: number,
    read?: (em: EntityManager, ids: string[]) => Promise<void>,
  ): Promise<{ claimId: string; rows: ClaimedDelivery[] }> {
    return this.leases.claim(tenantId, (param) => `stage = ${param(stage)} AND completed_at IS NULL`, limit, read);
  }

  /** Hands back claimed jobs not begun (a stopping worker): due again at once, no attempt counted (LeaseQueue.release). */
  release(tenantId: string, claimId: string, messageIds: readonly string[]): Promise<number> {
    return this.leases.release(tenantId, claimId, messageIds);
  }

  /** Runs a claim's work outside any transaction while renewing its lease (LeaseQueue.whileHeld). */
  whileHeld<T>(tenantId: string, claim: { claimId: string; rows: ClaimedDelivery[] }, work: () => Promise<T>): Promise<T> {
    return this.leases.whileHeld(tenantId, claim, work);
  }

  /**
   * Moves claimed jobs to their next stage in one statement (attempts start over, claim released);
   * returns the ids that moved (those whose claim still held).
   */
  async advanceMany(em: EntityManager, tenantId: string, claimId: string, moves: DeliveryMove[]): Promise<Set<string>> {
    if (moves.length === 0) return new Set();
    const rows = rowsOf(
      em,
      MailDeliveryEntity,
      returnedRows<RawRow>(
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
      ),
      ['messageId'],
    );
    return new Set(rows.map((r) => r.messageId));
  }

  /**
   * Final statuses for many jobs in one statement plus one multi-row outbox insert of their status
   * events; only jobs still under `claimId` (any open job when null) and not yet completed are
   * finished. The identity number is no longer needed and is cleared. Returns how many.
   */
  async finishMany(em: EntityManager, tenantId: string, claimId: string | null, outcomes: DeliveryOutcome[]): Promise<number> {
    if (outcomes.length === 0) return 0;
    const raw = returnedRows<RawRow>(
      await em.query(
        `UPDATE mail_delivery d SET status = u.status, channel = u.channel, status_detail = COALESCE(u.detail, d.status_detail),
                  operator_transaction_id = COALESCE(u.transaction_id, d.operator_transaction_id),
                  mailbox_operator = COALESCE(u.operator, d.mailbox_operator),
                  stage = 'DONE', completed_at = $3, updated_at = $3, claim_id = NULL, recipient_number = NULL
             FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                    AS u(message_id, status, channel, detail, transaction_id, operator), mail_message m
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
          outcomes.map((o) => o.mailboxOperator ?? null),
        ],
      ),
    );
    const messages = rowsOf(em, MailMessageEntity, raw, ['externalReferences']);
    await recordStatusChanges(
      em,
      rowsOf(em, MailDeliveryEntity, raw, FINISHED_FIELDS).map((delivery, i) => ({ ...delivery, ...messages[i] })),
    );
    return raw.length;
  }

  /**
   * A failed attempt of claimed jobs, in one transaction: a transient fault is retried with backoff
   * while attempts remain; a permanent one, or the last attempt, finishes the job FAILED with the
   * reason. Returns how many went back to the queue and how many were finished.
   */
  async fail(
    tenantId: string,
    claimId: string,
    jobs: readonly ClaimedDelivery[],
    error: Error,
  ): Promise<{ retried: number; finished: number }> {
    const transient = error instanceof TransientAdapterError;
    return this.database.transaction(async (em) => {
      const { retried, exhausted } = await this.leases.fail(
        em,
        tenantId,
        claimId,
        jobs.map((job) => ({ key: job.messageId, attempts: job.attempts })),
        error,
        transient,
      );
      const finished = await this.finishMany(
        em,
        tenantId,
        claimId,
        exhausted.map(({ key, attempt }) => ({
          messageId: key,
          status: 'FAILED' as const,
          channel: null,
          detail: transient ? `${error.message} (gave up after ${attempt} attempts)` : error.message,
        })),
      );
      return { retried: retried.length, finished };
    });
  }
}
