import { MAX_REACHABILITY_BATCH, ReachabilityResult } from '../../adapters/types';
import { routeAfterReachability } from '../decide';
import { DeliveryMove, DeliveryOutcome } from '../delivery-queue';
import { isAdapterError, recordFailure, StepContext } from './step-context';

/**
 * Step 1: asks the mailbox operators which recipients have a digital mailbox, for a whole claim at
 * once, and routes each letter: to DIGITAL, to PAPER (where paper is allowed), or to its final
 * status. Every route is recorded with two statements for the whole claim (moves and final statuses).
 */
export async function checkReachability(ctx: StepContext, batchSize: number | undefined): Promise<void> {
  const { tenant, queue, result } = ctx;
  const limit = Math.min(batchSize ?? MAX_REACHABILITY_BATCH, MAX_REACHABILITY_BATCH);
  const allowPaper = new Map<string, boolean>();
  const claim = await queue.claim(tenant.id, 'REACHABILITY', limit, async (em, ids) => {
    const messages = await em.query(`SELECT id, allow_paper FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
      tenant.id,
      ids,
    ]);
    for (const m of messages) allowPaper.set(m.id, m.allow_paper === true);
  });
  const { claimId, rows } = claim;
  if (rows.length === 0) return;
  let answers: ReachabilityResult[];
  try {
    answers = await queue.whileHeld(tenant.id, claim, () =>
      ctx.adapters.mailbox.checkReachability(tenant.config.organisationsnummer, [...new Set(rows.map((r) => r.recipient_number))]),
    );
  } catch (error) {
    if (!isAdapterError(error)) throw error;
    return recordFailure(ctx, claimId, rows, error);
  }
  const byRecipient = new Map(answers.map((a) => [a.recipientId, a]));
  const moves: DeliveryMove[] = [];
  const finals: DeliveryOutcome[] = [];
  for (const job of rows) {
    const route = routeAfterReachability(
      byRecipient.get(job.recipient_number),
      ctx.settings.paperFallback && allowPaper.get(job.message_id) !== false,
    );
    result.checked++;
    if ('final' in route) finals.push({ messageId: job.message_id, status: route.final, channel: null, detail: route.detail });
    else if (route.next === 'DIGITAL') moves.push({ messageId: job.message_id, stage: 'DIGITAL', mailboxOperator: route.mailboxOperator });
    else moves.push({ messageId: job.message_id, stage: 'PAPER', detail: `${route.why}; sent on paper` });
  }
  await ctx.database.transaction(async (em) => {
    await queue.advanceMany(em, tenant.id, claimId, moves);
    result.finished += await queue.finishMany(em, tenant.id, claimId, finals);
  });
}
