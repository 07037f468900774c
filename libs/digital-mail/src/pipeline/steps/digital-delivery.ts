import { RecipientRefusedError } from '../../adapters/types';
import { ClaimedDelivery, DeliveryMove, DeliveryOutcome } from '../delivery-queue';
import { MessageContent, readContents } from '../message-content';
import { isAdapterError, recordFailure, StepContext } from './step-context';
import { rowsOf } from '@kommuna/platform-persistence';
import { MailMessageEntity } from '../../entities/message.entity';

/**
 * Step 2a: delivers claimed letters to the recipients' digital mailboxes. One call per letter,
 * `concurrency` at a time (each is its own idempotent delivery, keyed by the message id), then
 * every outcome recorded in one transaction: a round trip and a commit per letter made bulk sends slow.
 */
export async function deliverDigitally(ctx: StepContext, batchSize: number, concurrency: number): Promise<void> {
  const { tenant, queue, result } = ctx;
  const contents = new Map<string, MessageContent>();
  const claim = await queue.claim(tenant.id, 'DIGITAL', batchSize, async (em, ids) => {
    for (const content of await readContents(em, tenant.id, ids, DIGITAL_MODES)) contents.set(content.id, content);
  });
  const { claimId, rows } = claim;
  if (rows.length === 0) return;
  const calls = await queue.whileHeld(tenant.id, claim, () => callOperator(ctx, rows, contents, concurrency));
  // Record what was delivered even when an unexpected error stopped a lane (its jobs' leases expire and are retried).
  if (calls.delivered.length > 0) {
    const done = await ctx.database.transaction((em) => queue.finishMany(em, tenant.id, claimId, sentOutcomes(calls.delivered)));
    result.sentDigitally += done;
    result.finished += done;
  }
  await recordUndelivered(ctx, claimId, calls);
}

/** The attachments a digital letter carries. */
export const DIGITAL_MODES = ['DIGITAL_ONLY', 'EITHER'];

/** What the operator's calls for a claim came to. */
export interface OperatorCalls {
  delivered: Array<{ job: ClaimedDelivery; transactionId: string }>;
  failures: Array<{ job: ClaimedDelivery; error: Error }>;
  refusals: Array<{ job: ClaimedDelivery; error: RecipientRefusedError }>;
  /** Not begun because the worker is stopping: handed back, not delivered. */
  notBegun: ClaimedDelivery[];
  /** An unexpected error that stopped a lane (not the operator's answer): thrown once the rest is recorded. */
  crashed?: unknown;
}

/**
 * Delivers the jobs' letters, one call each, `concurrency` at a time (each is its own idempotent
 * delivery, keyed by the message id); outside any transaction, under the claim's lease. Once the
 * worker is stopping (`ctx.stopping`) no further call begins: the calls under way finish, the rest
 * of the claim is `notBegun`, so a shutdown waits for at most `concurrency` calls, not the claim.
 */
export async function callOperator(
  ctx: StepContext,
  jobs: readonly ClaimedDelivery[],
  contents: Map<string, MessageContent>,
  concurrency: number,
): Promise<OperatorCalls> {
  const { tenant } = ctx;
  const calls: OperatorCalls = { delivered: [], failures: [], refusals: [], notBegun: [] };
  let next = 0;
  const deliverNext = async (): Promise<void> => {
    while (next < jobs.length && !ctx.stopping?.aborted) {
      const job = jobs[next++];
      const content = contents.get(job.messageId)!;
      try {
        const { transactionId } = await ctx.adapters.mailbox.deliver({
          messageId: job.messageId,
          senderOrgNr: tenant.config.organisationsnummer,
          senderName: ctx.settings.senderName,
          recipient: job.recipientNumber,
          mailboxOperator: job.mailboxOperator,
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
        calls.delivered.push({ job, transactionId });
      } catch (error) {
        if (!isAdapterError(error)) throw error;
        // The recipient's side refused (not the letter): routed as the reachability check would have.
        if (error instanceof RecipientRefusedError && error.deliveryStatus !== 'FAILED') calls.refusals.push({ job, error });
        else calls.failures.push({ job, error });
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, jobs.length) }, deliverNext));
  calls.crashed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
  calls.notBegun = jobs.slice(next);
  return calls;
}

/** SENT on the digital channel, for the letters the operator took. */
export function sentOutcomes(delivered: OperatorCalls['delivered']): DeliveryOutcome[] {
  return delivered.map(({ job, transactionId }) => ({
    messageId: job.messageId,
    status: 'SENT' as const,
    channel: 'digital' as const,
    detail: `Delivered to ${job.mailboxOperator ?? 'the digital mailbox'}`,
    transactionId,
    mailboxOperator: job.mailboxOperator,
  }));
}

/**
 * Refusals routed, failures recorded against their jobs, letters not begun handed back; then an
 * unexpected error, if a lane had one, is thrown.
 */
export async function recordUndelivered(ctx: StepContext, claimId: string, calls: OperatorCalls): Promise<void> {
  if (calls.refusals.length > 0) await routeRefusals(ctx, claimId, calls.refusals);
  if (calls.notBegun.length > 0)
    await ctx.queue.release(
      ctx.tenant.id,
      claimId,
      calls.notBegun.map((job) => job.messageId),
    );
  for (const { job, error } of calls.failures) await recordFailure(ctx, claimId, [job], error);
  if (calls.crashed !== undefined) throw calls.crashed;
}

/**
 * Letters the recipient's mailbox refused at delivery: to paper where paper is allowed (the
 * municipality's setting and the letter's), otherwise finished with the status the refusal amounts
 * to — never FAILED, which would tell the sender the letter was at fault.
 */
async function routeRefusals(ctx: StepContext, claimId: string, refusals: Array<{ job: ClaimedDelivery; error: RecipientRefusedError }>) {
  const { tenant, queue, result } = ctx;
  await ctx.database.transaction(async (em) => {
    const ids = refusals.map((r) => r.job.messageId);
    const paperAllowed = new Set<string>(
      ctx.settings.paperFallback
        ? rowsOf(
            em,
            MailMessageEntity,
            await em.query(`SELECT id FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND allow_paper`, [tenant.id, ids]),
            ['id'],
          ).map((m) => m.id)
        : [],
    );
    const moves: DeliveryMove[] = [];
    const finals: DeliveryOutcome[] = [];
    for (const { job, error } of refusals) {
      if (paperAllowed.has(job.messageId))
        moves.push({ messageId: job.messageId, stage: 'PAPER', detail: `${error.message}; sent on paper` });
      else
        finals.push({
          messageId: job.messageId,
          status: error.deliveryStatus,
          channel: null,
          detail: `${error.message}; paper is not allowed for this letter`,
        });
    }
    await queue.advanceMany(em, tenant.id, claimId, moves);
    result.finished += await queue.finishMany(em, tenant.id, claimId, finals);
  });
}
