import { PaperAddress } from '../../adapters/types';
import { sha256Hex } from '../../content/attachments';
import { htmlToText } from '../../content/html';
import { ClaimedDelivery } from '../delivery-queue';
import { MessageContent, readContents } from '../message-content';
import { LetterContent } from '../print-letter';
import { RenderedPrintLetter } from '../print-render-pool';
import { isAdapterError, recordFailure, StepContext } from './step-context';
import { rowOf, rowsOf } from '@kommuna/platform-persistence';
import { MailPrintBatchEntity } from '../../entities/print-batch.entity';

/**
 * Step 2b: letters going on paper. Looks up the claim's postal addresses at once, renders every
 * letter (CPU only, on the render threads), then in one transaction finishes those without an address NOT_SENT and files
 * the rest into their send batch's open print batch (stage PRINT and the PDFs with one statement each).
 *
 * A print batch is closed as soon as it holds `maxPrintBatchLetters` (so at most that plus one
 * claim), and the next claim opens another: a large send's paper letters are handed over batch by
 * batch while its digital letters are delivered, not all at its very end, and handing one over is
 * a bounded piece of work (issue 24).
 */
export async function preparePaper(ctx: StepContext, batchSize: number, maxPrintBatchLetters: number): Promise<void> {
  const { tenant, queue, result } = ctx;
  const contents = new Map<string, MessageContent>();
  const claim = await queue.claim(tenant.id, 'PAPER', batchSize, async (em, ids) => {
    for (const content of await readContents(em, tenant.id, ids, ['PAPER_ONLY', 'EITHER'])) contents.set(content.id, content);
  });
  const { claimId, rows } = claim;
  if (rows.length === 0) return;
  // Addresses and rendering take a while (a PDF each, on the render threads): the lease is renewed meanwhile.
  const rendered = await queue.whileHeld(tenant.id, claim, () => addressAndRender(ctx, rows, contents));
  if (rendered instanceof Error) return recordFailure(ctx, claimId, rows, rendered);
  await ctx.database.transaction(async (em) => {
    result.finished += await queue.finishMany(
      em,
      tenant.id,
      claimId,
      rendered
        .filter((r) => !r.letter)
        .map(({ job, notSent }) => ({
          messageId: job.messageId,
          status: 'NOT_SENT' as const,
          channel: null,
          detail: notSent ?? null,
        })),
    );
    // Per send batch (a claim usually holds letters of one): lock or open its print batch, move the
    // letters to PRINT under the claim, then add those that moved with one insert.
    const bySendBatch = new Map<string | null, Array<{ job: ClaimedDelivery; letter: { pdf: Buffer; pageCount: number } }>>();
    for (const { job, content, letter } of rendered) {
      if (!letter) continue;
      const group = bySendBatch.get(content.sendBatchId) ?? [];
      group.push({ job, letter });
      bySendBatch.set(content.sendBatchId, group);
    }
    for (const [sendBatchId, group] of bySendBatch) {
      const open = rowOf(
        em,
        MailPrintBatchEntity,
        await em.query(
          `SELECT id, letter_count FROM mail_print_batch WHERE tenant_id = $1 AND status = 'OPEN' AND send_batch_id IS NOT DISTINCT FROM $2
            ORDER BY created_at LIMIT 1 FOR UPDATE`,
          [tenant.id, sendBatchId],
        ),
        ['id', 'letterCount'],
      );
      const printBatch =
        open ??
        rowsOf(
          em,
          MailPrintBatchEntity,
          await em.query(
            `INSERT INTO mail_print_batch (tenant_id, send_batch_id, created_at) VALUES ($1, $2, $3) RETURNING id, letter_count`,
            [tenant.id, sendBatchId, queue.now()],
          ),
          ['id', 'letterCount'],
        )[0];
      const moved = await queue.advanceMany(
        em,
        tenant.id,
        claimId,
        group.map(({ job }) => ({ messageId: job.messageId, stage: 'PRINT' as const, printBatchId: printBatch.id })),
      );
      const letters = group.filter(({ job }) => moved.has(job.messageId));
      if (letters.length === 0) continue;
      const base = printBatch.letterCount;
      const params: unknown[] = [tenant.id, printBatch.id, queue.now()];
      const values = letters.map(({ job, letter }, i) => {
        params.push(job.messageId, base + i + 1, letter.pageCount, sha256Hex(letter.pdf), letter.pdf);
        const p = params.length - 4;
        return `($1, $${p}, $2, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $3)`;
      });
      await em.query(
        `INSERT INTO mail_print_letter (tenant_id, message_id, print_batch_id, sequence, page_count, sha256, pdf, created_at) VALUES ${values.join(', ')}`,
        params,
      );
      // Full: closed in the same statement, for the print step to hand over while the send goes on.
      await em.query(
        `UPDATE mail_print_batch SET letter_count = $3, status = CASE WHEN $3 >= $4::int THEN 'CLOSED' ELSE status END WHERE tenant_id = $1 AND id = $2`,
        [tenant.id, printBatch.id, base + letters.length, maxPrintBatchLetters],
      );
      result.printed += letters.length;
    }
  });
}

interface RenderedLetter {
  job: ClaimedDelivery;
  content: MessageContent;
  letter: RenderedPrintLetter | null;
  /** Why there is no letter (no address, or the register's reason it is withheld). */
  notSent?: string;
}

/**
 * The claim's addresses from the population register, then every letter rendered (CPU only);
 * an adapter's fault comes back as the error, to be recorded against the whole claim.
 */
async function addressAndRender(
  ctx: StepContext,
  rows: ClaimedDelivery[],
  contents: Map<string, MessageContent>,
): Promise<RenderedLetter[] | Error> {
  const { queue } = ctx;
  // An address, why the letter goes nowhere ({ withheld }: a protected identity held back, deceased, emigrated, unknown), or none.
  let addresses: Map<string, PaperAddress>;
  try {
    addresses = await ctx.adapters.population.lookupAddresses([...new Set(rows.map((r) => r.recipientNumber))]);
  } catch (error) {
    if (!isAdapterError(error)) throw error;
    return error;
  }
  const rendered: RenderedLetter[] = [];
  const toRender: Array<{ at: number; letter: LetterContent }> = [];
  for (const job of rows) {
    const address = addresses.get(job.recipientNumber);
    const content = contents.get(job.messageId)!;
    if (!address || 'withheld' in address) {
      rendered.push({ job, content, letter: null, notSent: address?.withheld ?? 'No postal address in the population register' });
      continue;
    }
    toRender.push({
      at: rendered.length,
      letter: {
        senderName: ctx.settings.senderName,
        address,
        subject: content.subject,
        body: content.bodyFormat === 'HTML' ? htmlToText(content.body ?? '') : (content.body ?? ''),
        supportInfo: content.supportInfo,
        date: queue.now(),
        language: content.language,
        attachments: content.attachments.map((a) => a.content),
      },
    });
    rendered.push({ job, content, letter: null });
  }
  // The PDFs on the render threads (ctx.render), the whole claim at once.
  const pdfs = await ctx.render(toRender.map((r) => r.letter));
  toRender.forEach(({ at }, i) => (rendered[at].letter = pdfs[i]));
  return rendered;
}
