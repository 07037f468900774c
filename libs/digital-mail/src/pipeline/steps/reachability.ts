import { MAX_REACHABILITY_BATCH, ReachabilityResult } from '../../adapters/types';
import { routeAfterReachability } from '../decide';
import { ClaimedDelivery, DeliveryMove, DeliveryOutcome } from '../delivery-queue';
import { MessageContent, readContents } from '../message-content';
import { callOperator, DIGITAL_MODES, OperatorCalls, recordUndelivered, sentOutcomes } from './digital-delivery';
import { isAdapterError, recordFailure, StepContext } from './step-context';
import { rowsOf } from '@kommuna/platform-persistence';
import { MailMessageEntity } from '../../entities/message.entity';

/**
 * Step 1: asks the mailbox operators which recipients have a digital mailbox, for a whole claim at
 * once, and routes each letter: to DIGITAL, to PAPER (where paper is allowed), or to its final
 * status. With `deliverConcurrency`, the letters that can go digitally are delivered in the same
 * claim (issue 24 item 4) instead of being moved to DIGITAL and claimed again: two fewer writes of
 * each letter's delivery row and one read of its content fewer. Every route and delivery is then
 * recorded in one transaction (moves, final statuses, SENT); a letter whose delivery failed is
 * retried from this step, reachability included. DIGITAL remains the stage of letters moved there
 * without delivery.
 */
export async function checkReachability(ctx: StepContext, batchSize: number | undefined, deliverConcurrency?: number): Promise<void> {
  const { tenant, queue, result } = ctx;
  const limit = Math.min(batchSize ?? MAX_REACHABILITY_BATCH, MAX_REACHABILITY_BATCH);
  const allowPaper = new Map<string, boolean>();
  const contents = new Map<string, MessageContent>();
  const claim = await queue.claim(tenant.id, 'REACHABILITY', limit, async (em, ids) => {
    const messages = rowsOf(
      em,
      MailMessageEntity,
      await em.query(`SELECT id, allow_paper FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenant.id, ids]),
      ['id', 'allowPaper'],
    );
    for (const m of messages) allowPaper.set(m.id, m.allowPaper);
    if (deliverConcurrency) for (const content of await readContents(em, tenant.id, ids, DIGITAL_MODES)) contents.set(content.id, content);
  });
  const { claimId, rows } = claim;
  if (rows.length === 0) return;
  let calls: OperatorCalls | undefined;
  const moves: DeliveryMove[] = [];
  const finals: DeliveryOutcome[] = [];
  const digital: ClaimedDelivery[] = [];
  try {
    await queue.whileHeld(tenant.id, claim, async () => {
      const answers: ReachabilityResult[] = await ctx.adapters.mailbox.checkReachability(tenant.config.organisationsnummer, [
        ...new Set(rows.map((r) => r.recipientNumber)),
      ]);
      const byRecipient = new Map(answers.map((a) => [a.recipientId, a]));
      for (const job of rows) {
        const route = routeAfterReachability(
          byRecipient.get(job.recipientNumber),
          ctx.settings.paperFallback && allowPaper.get(job.messageId) !== false,
        );
        if ('final' in route) finals.push({ messageId: job.messageId, status: route.final, channel: null, detail: route.detail });
        else if (route.next === 'PAPER') moves.push({ messageId: job.messageId, stage: 'PAPER', detail: `${route.why}; sent on paper` });
        else if (deliverConcurrency) digital.push({ ...job, mailboxOperator: route.mailboxOperator });
        else moves.push({ messageId: job.messageId, stage: 'DIGITAL', mailboxOperator: route.mailboxOperator });
      }
      if (deliverConcurrency && digital.length > 0) calls = await callOperator(ctx, digital, contents, deliverConcurrency);
    });
  } catch (error) {
    if (!isAdapterError(error)) throw error;
    return recordFailure(ctx, claimId, rows, error);
  }
  result.checked += rows.length;
  await ctx.database.transaction(async (em) => {
    await queue.advanceMany(em, tenant.id, claimId, moves);
    result.finished += await queue.finishMany(em, tenant.id, claimId, finals);
    if (calls) {
      const sent = await queue.finishMany(em, tenant.id, claimId, sentOutcomes(calls.delivered));
      result.sentDigitally += sent;
      result.finished += sent;
    }
  });
  if (calls) await recordUndelivered(ctx, claimId, calls);
}
