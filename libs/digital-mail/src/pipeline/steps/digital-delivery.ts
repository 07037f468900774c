import { ClaimedDelivery } from '../delivery-queue';
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
        failures.push({ job, error });
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
  for (const { job, error } of failures) await recordFailure(ctx, claimId, [job], error);
  const crashed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (crashed) throw crashed.reason;
}
