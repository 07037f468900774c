import { RecipientRefusedError } from '../../adapters/types';
import { ClaimedDelivery, DeliveryMove, DeliveryOutcome } from '../delivery-queue';
import { MessageContent, readContents } from '../message-content';
import { isAdapterError, recordFailure, StepContext } from './step-context';

/**
 * Step 2a: delivers claimed letters to the recipients' digital mailboxes. One call per letter,
 * `concurrency` at a time (each is its own idempotent delivery, keyed by the message id), then
 * every outcome recorded in one transaction: a round trip and a commit per letter made bulk sends slow.
 */
export async function deliverDigitally(ctx: StepContext, batchSize: number, concurrency: number): Promise<void> {
  const { tenant, queue, result } = ctx;
  const contents = new Map<string, MessageContent>();
  const claim = await queue.claim(tenant.id, 'DIGITAL', batchSize, async (em, ids) => {
    for (const content of await readContents(em, tenant.id, ids, ['DIGITAL_ONLY', 'EITHER'])) contents.set(content.id, content);
  });
  const { claimId, rows } = claim;
  if (rows.length === 0) return;
  const delivered: Array<{ job: ClaimedDelivery; transactionId: string }> = [];
  const failures: Array<{ job: ClaimedDelivery; error: Error }> = [];
  const refusals: Array<{ job: ClaimedDelivery; error: RecipientRefusedError }> = [];
  let next = 0;
  const deliverNext = async (): Promise<void> => {
    while (next < rows.length) {
      const job = rows[next++];
      const content = contents.get(job.message_id)!;
      try {
        const { transactionId } = await ctx.adapters.mailbox.deliver({
          messageId: job.message_id,
          senderOrgNr: tenant.config.organisationsnummer,
          senderName: ctx.settings.senderName,
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
        if (!isAdapterError(error)) throw error;
        // The recipient's side refused (not the letter): routed as the reachability check would have.
        if (error instanceof RecipientRefusedError && error.deliveryStatus !== 'FAILED') refusals.push({ job, error });
        else failures.push({ job, error });
      }
    }
  };
  const settled = await queue.whileHeld(tenant.id, claim, () =>
    Promise.allSettled(Array.from({ length: Math.min(concurrency, rows.length) }, deliverNext)),
  );
  // Record what was delivered even when an unexpected error stopped a lane (its jobs' leases expire and are retried).
  if (delivered.length > 0) {
    const done = await ctx.database.transaction((em) =>
      queue.finishMany(
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
  if (refusals.length > 0) await routeRefusals(ctx, claimId, refusals);
  for (const { job, error } of failures) await recordFailure(ctx, claimId, [job], error);
  const crashed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (crashed) throw crashed.reason;
}

/**
 * Letters the recipient's mailbox refused at delivery: to paper where paper is allowed (the
 * municipality's setting and the letter's), otherwise finished with the status the refusal amounts
 * to — never FAILED, which would tell the sender the letter was at fault.
 */
async function routeRefusals(ctx: StepContext, claimId: string, refusals: Array<{ job: ClaimedDelivery; error: RecipientRefusedError }>) {
  const { tenant, queue, result } = ctx;
  await ctx.database.transaction(async (em) => {
    const ids = refusals.map((r) => r.job.message_id);
    const paperAllowed = new Set<string>(
      ctx.settings.paperFallback
        ? (
            (await em.query(`SELECT id FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND allow_paper`, [
              tenant.id,
              ids,
            ])) as Array<{
              id: string;
            }>
          ).map((m) => m.id)
        : [],
    );
    const moves: DeliveryMove[] = [];
    const finals: DeliveryOutcome[] = [];
    for (const { job, error } of refusals) {
      if (paperAllowed.has(job.message_id))
        moves.push({ messageId: job.message_id, stage: 'PAPER', detail: `${error.message}; sent on paper` });
      else
        finals.push({
          messageId: job.message_id,
          status: error.deliveryStatus,
          channel: null,
          detail: `${error.message}; paper is not allowed for this letter`,
        });
    }
    await queue.advanceMany(em, tenant.id, claimId, moves);
    result.finished += await queue.finishMany(em, tenant.id, claimId, finals);
  });
}
