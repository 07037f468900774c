import { inChunks, returnedRows } from '@kommuna/platform-jobs';
import { Database, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { PrintLetter } from '../../adapters/types';
import { MailDeliveryEntity } from '../../entities/delivery.entity';
import { MailPrintBatchEntity, MailPrintLetterEntity } from '../../entities/print-batch.entity';
import { StepContext } from './step-context';

/**
 * Step 3: hands complete print batches to the print provider, one batch a claim. A batch is
 * complete when the paper step closed it full (`maxPrintBatchLetters`) or none of the letters that
 * could still join it is undecided: for a bulk send, when every recipient has been expanded and
 * passed reachability and address lookup; for single letters, when none is in those steps (or the
 * batch has waited `maxPrintBatchAgeMs`). Closing first means no letter joins a batch that is
 * being handed over. A batch the provider refused stays CLOSED and is handed over again later; a
 * handed-over one's letters are finished chunk by chunk (finishLetters). One batch per claim keeps
 * the step's work bounded while a large send's full batches queue up (issue 24).
 */
export async function releasePrintBatches(ctx: StepContext, maxPrintBatchAgeMs: number): Promise<void> {
  const { tenant, queue, result, settings } = ctx;
  await ctx.database.transaction(async (em) =>
    em.query(
      `UPDATE mail_print_batch p SET status = 'CLOSED'
          WHERE p.tenant_id = $1 AND p.status = 'OPEN' AND p.letter_count > 0
            AND (p.created_at <= $2 OR (
              NOT EXISTS (SELECT 1 FROM mail_delivery d WHERE d.tenant_id = p.tenant_id AND d.completed_at IS NULL
                             AND d.stage IN ('REACHABILITY', 'PAPER') AND d.send_batch_id IS NOT DISTINCT FROM p.send_batch_id)
              AND NOT EXISTS (SELECT 1 FROM mail_send_batch b WHERE b.tenant_id = p.tenant_id AND b.id = p.send_batch_id AND b.expanded < b.total)))
          RETURNING p.id`,
      [tenant.id, new Date(queue.now().getTime() - maxPrintBatchAgeMs)],
    ),
  );
  const closed = await ctx.database.transaction(async (em) =>
    rowsOf(
      em,
      MailPrintBatchEntity,
      await em.query(`SELECT id, letter_count FROM mail_print_batch WHERE tenant_id = $1 AND status = 'CLOSED' ORDER BY created_at`, [
        tenant.id,
      ]),
      ['id', 'letterCount'],
    ),
  );
  for (const batch of closed) {
    let location: string;
    try {
      ({ location } = await ctx.adapters.print.release(
        { batchId: batch.id, tenantSlug: tenant.slug, senderName: settings.senderName, letterCount: batch.letterCount },
        lettersOf(ctx.database, tenant.id, batch.id),
      ));
    } catch (error) {
      ctx.onError?.(error as Error, { tenantId: tenant.id, step: 'print' });
      continue;
    }
    // The letters first, chunk by chunk, then the batch: a worker that dies in between leaves the
    // batch CLOSED, and the next round hands it over again (the provider takes a batch by its id)
    // and finishes the letters still open.
    await finishLetters(ctx, batch.id);
    const released = await ctx.database.transaction(async (em) =>
      returnedRows(
        await em.query(
          `UPDATE mail_print_batch SET status = 'RELEASED', location = $3, released_at = $4 WHERE tenant_id = $1 AND id = $2 AND status = 'CLOSED' RETURNING id`,
          [tenant.id, batch.id, location, queue.now()],
        ),
      ),
    );
    if (released.length > 0) result.released++;
    // One batch a claim: the scheduler gives the step its next turn like any other unit.
    return;
  }
}

/**
 * A handed-over batch's letters become SENT on paper, 1,000 at a time, each chunk its own short
 * transaction (two statements: finish, events): a batch of 30,000 letters never holds a lock or a
 * connection for the whole batch, and other work gets the database between chunks. Finishing only
 * open letters makes it safe to repeat after a crash.
 */
async function finishLetters(ctx: StepContext, batchId: string): Promise<void> {
  const { tenant, queue, result } = ctx;
  await inChunks(1000, () =>
    ctx.database.transaction(async (em) => {
      const chunk = rowsOf(
        em,
        MailDeliveryEntity,
        await em.query(
          `SELECT message_id FROM mail_delivery WHERE tenant_id = $1 AND print_batch_id = $2 AND completed_at IS NULL ORDER BY message_id LIMIT 1000`,
          [tenant.id, batchId],
        ),
        ['messageId'],
      );
      const finished = await queue.finishMany(
        em,
        tenant.id,
        null,
        chunk.map(({ messageId }) => ({
          messageId,
          status: 'SENT' as const,
          channel: 'paper' as const,
          detail: null,
          transactionId: `print-batch:${batchId}`,
        })),
      );
      result.finished += finished;
      return chunk.length;
    }),
  );
}

const PRINT_LETTER_FIELDS = ['messageId', 'sequence', 'pdf', 'pageCount', 'sha256'] as const;

/** A print batch's letters in order, 20 at a time, so a large batch never sits in memory. */
async function* lettersOf(database: Database, tenantId: string, batchId: string): AsyncIterable<PrintLetter> {
  let after = 0;
  for (;;) {
    const rows = await database.transaction(async (em) =>
      rowsOf(
        em,
        MailPrintLetterEntity,
        await em.query(
          `SELECT ${selectColumns(em, MailPrintLetterEntity, { only: PRINT_LETTER_FIELDS })} FROM mail_print_letter
            WHERE tenant_id = $1 AND print_batch_id = $2 AND sequence > $3 ORDER BY sequence LIMIT 20`,
          [tenantId, batchId, after],
        ),
        PRINT_LETTER_FIELDS,
      ),
    );
    if (rows.length === 0) return;
    for (const { pdf, ...letter } of rows) {
      after = letter.sequence;
      // A letter's PDF is purged only with its content, after its batch was handed over.
      if (pdf === null) throw new Error(`Print batch ${batchId}: letter ${letter.sequence} has no PDF`);
      yield { ...letter, pdf };
    }
  }
}
