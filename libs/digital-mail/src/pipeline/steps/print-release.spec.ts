import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { WHOLE_MUNICIPALITY } from '../../access';
import { FolderPrintProvider } from '../../adapters/folder-print-provider';
import { DigitalMailAdapters, PrintBatchDescription, PrintLetter } from '../../adapters/types';
import { MessageService, Sender } from '../../message.service';
import { SendBatchService } from '../../send-batch.service';
import { TemplateService } from '../../template.service';
import { digitalMailService, inTenant, rowsOf, saveTemplate, tempDir, TEST_SCHEMA } from '../../testing/fixtures';
import { DeliveryWorker } from '../delivery-worker';

const staff: Sender = { kind: 'user', id: 'staff-1' };

/**
 * Releasing a print batch finishes its letters in chunks, each its own transaction, and then the
 * batch, so a worker can die between the hand-over and the last chunk: the next round hands the
 * batch over again (the provider takes it by its id) and finishes what is left, once. The
 * operator and the population register are in-process stand-ins (nobody has a digital mailbox,
 * everybody an address); the print provider records the batches it was handed.
 */
describe('digital mail: releasing print batches', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let directory: TenantDirectory;
  const handed: Array<{ batch: PrintBatchDescription; letters: number }> = [];
  /** Every letter handed to the provider, by message id, with the batch it came in. */
  const handedLetters: Array<{ batchId: string; messageId: string }> = [];
  let printerDown = false;
  const adapters: DigitalMailAdapters = {
    mailbox: {
      checkReachability: async (_sender: string, recipients: string[]) =>
        recipients.map((recipientId) => ({ recipientId, reachable: false, mailboxOperator: null, senderAccepted: false })),
      deliver: async () => {
        throw new Error('nobody has a digital mailbox in this test');
      },
    },
    population: {
      lookupAddresses: async (ids: string[]) =>
        new Map(ids.map((id) => [id, { name: `Person ${id.slice(-4)}`, street: 'Storgatan 1', postalCode: '852 30', city: 'Sundsvall' }])),
    } as unknown as DigitalMailAdapters['population'],
    print: {
      release: async (batch: PrintBatchDescription, letters: AsyncIterable<PrintLetter>) => {
        if (printerDown) throw new Error('the print provider is down');
        let count = 0;
        for await (const letter of letters) {
          if (letter.pdf.length > 0) count++;
          handedLetters.push({ batchId: batch.batchId, messageId: letter.messageId });
        }
        handed.push({ batch, letters: count });
        return { location: `print/${batch.batchId}` };
      },
    },
  };

  beforeAll(async () => {
    [sundsvall] = await createTestTenants(db(), { slug: 'sundsvall', services: digitalMailService() });
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config]);
    await saveTemplate(
      db(),
      sundsvall,
      { name: 'utskick', subject: { sv: 'Hej', en: 'Hello' }, body: { sv: 'Information.', en: 'Information.' } },
      staff,
    );
  });

  it("finishes a handed-over batch's letters once, also after a worker died between the hand-over and its last letters", async () => {
    const messages = new MessageService(db(), directory);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await inTenant(sundsvall, () =>
            messages.send(
              { recipient: testPersonnummer(300 + i), subject: 'Beslut', body: 'Du har fått ett beslut.' } as never,
              staff,
              WHOLE_MUNICIPALITY,
            ),
          )
        ).id,
      );
    const errors: string[] = [];
    const worker = new DeliveryWorker(db(), directory, adapters, {
      onError: (error, context) => errors.push(`${context.step}: ${error.message}`),
    });
    // The provider is down: the complete batch is closed but stays with us.
    printerDown = true;
    await worker.drain(3);
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set(['print: the print provider is down']));
    errors.length = 0;
    const [batch] = await rowsOf(db(), sundsvall, `SELECT id, status, letter_count FROM mail_print_batch`);
    expect(batch).toMatchObject({ status: 'CLOSED', letter_count: 3 });

    // A worker handed the batch over, finished one chunk (here: one letter) and died before the rest.
    await rowsOf(
      db(),
      sundsvall,
      `UPDATE mail_delivery SET status = 'SENT', channel = 'paper', stage = 'DONE', completed_at = now(), recipient_number = NULL,
              operator_transaction_id = 'print-batch:' || print_batch_id WHERE message_id = $1`,
      [ids[0]],
    );
    printerDown = false;
    // The next round hands the batch over again, whole, and finishes the two letters still open.
    expect(await worker.runOnce()).toMatchObject({ finished: 2, released: 1 });
    expect(handed).toEqual([{ batch: expect.objectContaining({ batchId: batch.id, letterCount: 3 }), letters: 3 }]);
    expect((await rowsOf(db(), sundsvall, `SELECT status FROM mail_print_batch WHERE id = $1`, [batch.id]))[0].status).toBe('RELEASED');
    const letters = await rowsOf(
      db(),
      sundsvall,
      `SELECT message_id, status, channel, stage, operator_transaction_id FROM mail_delivery ORDER BY message_id`,
    );
    expect(letters).toEqual(
      [...ids].sort().map((id) => ({
        message_id: id,
        status: 'SENT',
        channel: 'paper',
        stage: 'DONE',
        operator_transaction_id: `print-batch:${batch.id}`,
      })),
    );
    // One status event for each letter the round finished.
    const [{ n }] = await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM outbox_event WHERE data->>'status' = 'SENT'`);
    expect(n).toBe(2);
    // Nothing left: another round finishes nothing, and the released batch is not handed over again.
    expect(await worker.drain()).toMatchObject({ finished: 0, released: 0 });
    expect(handed).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("hands a large send's paper letters over in full batches while the send goes on, each letter once", async () => {
    const TOTAL = 30;
    const send = await inTenant(sundsvall, () =>
      new SendBatchService(db(), directory, new TemplateService(db())).create(
        { template: { name: 'utskick' } },
        Array.from({ length: TOTAL }, (_, i) => ({ recipient: testPersonnummer(1000 + i), values: {} })),
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const errors: string[] = [];
    // Expansion paced to 10 letters ahead, paper claims of 5, print batches of 10.
    const worker = new DeliveryWorker(db(), directory, adapters, {
      expandChunkSize: 10,
      maxWaitingLetters: 10,
      paperBatchSize: 5,
      maxPrintBatchLetters: 10,
      renderThreads: 0,
      onError: (error, context) => errors.push(`${context.step}: ${error.message}`),
    });
    const progress = async () => {
      const [row] = await rowsOf(
        db(),
        sundsvall,
        `SELECT b.expanded, (SELECT count(*)::int FROM mail_delivery d WHERE d.send_batch_id = b.id AND d.status = 'SENT' AND d.channel = 'paper') AS sent
           FROM mail_send_batch b WHERE b.id = $1`,
        [send.id],
      );
      return row as { expanded: number; sent: number };
    };
    await worker.runOnce();
    await worker.runOnce();
    // Two rounds: a third of the send is not even expanded yet, and its first full print batch is handed over already.
    const midway = await progress();
    expect(midway.expanded).toBeLessThan(TOTAL);
    expect(midway.sent).toBeGreaterThanOrEqual(10);

    await worker.drain();
    expect(errors).toEqual([]);
    expect(await progress()).toEqual({ expanded: TOTAL, sent: TOTAL });
    const batches = await rowsOf(
      db(),
      sundsvall,
      `SELECT id, status, letter_count FROM mail_print_batch WHERE send_batch_id = $1 ORDER BY created_at`,
      [send.id],
    );
    expect(batches.map((b) => b.status)).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(batches.map((b) => b.letter_count)).toEqual([10, 10, 10]);
    // Every letter of the send reached the provider exactly once, in the batch its delivery records.
    const ids = new Set(batches.map((b) => b.id));
    const mine = handedLetters.filter((l) => ids.has(l.batchId));
    const deliveries = await rowsOf(
      db(),
      sundsvall,
      `SELECT message_id, operator_transaction_id FROM mail_delivery WHERE send_batch_id = $1`,
      [send.id],
    );
    expect(mine).toHaveLength(TOTAL);
    expect(new Set(mine.map((l) => l.messageId)).size).toBe(TOTAL);
    expect(new Set(mine.map((l) => `print-batch:${l.batchId} ${l.messageId}`))).toEqual(
      new Set(deliveries.map((d) => `${d.operator_transaction_id} ${d.message_id}`)),
    );
  });

  it('puts every paper letter of a send in exactly one print folder when two workers release its batches side by side', async () => {
    const TOTAL = 60;
    const send = await inTenant(sundsvall, () =>
      new SendBatchService(db(), directory, new TemplateService(db())).create(
        { template: { name: 'utskick' } },
        Array.from({ length: TOTAL }, (_, i) => ({ recipient: testPersonnummer(2000 + i), values: {} })),
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const printDir = tempDir();
    const errors: string[] = [];
    const replica = () =>
      new DeliveryWorker(
        db(),
        directory,
        { ...adapters, print: new FolderPrintProvider(printDir) },
        {
          expandChunkSize: 20,
          paperBatchSize: 5,
          maxPrintBatchLetters: 10,
          renderThreads: 0,
          onError: (error, context) => errors.push(`${context.step}: ${error.message}`),
        },
      );
    // Two replicas' rounds side by side: both look for CLOSED batches and hand them over.
    await Promise.all([replica().drain(), replica().drain()]);
    expect(errors).toEqual([]);
    const deliveries = await rowsOf(
      db(),
      sundsvall,
      `SELECT message_id, status, channel, operator_transaction_id FROM mail_delivery WHERE send_batch_id = $1`,
      [send.id],
    );
    expect(deliveries.filter((d) => d.status !== 'SENT' || d.channel !== 'paper')).toEqual([]);
    // The print folders: each letter in one batch's manifest and file, the batch its delivery records.
    const tenantDir = path.join(printDir, 'sundsvall');
    const inFolders = fs.readdirSync(tenantDir).flatMap((folder) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(tenantDir, folder, 'manifest.json'), 'utf8'));
      return manifest.letters.map((letter: { messageId: string; file: string }) => {
        expect(
          fs
            .readFileSync(path.join(tenantDir, folder, letter.file))
            .subarray(0, 5)
            .toString(),
        ).toBe('%PDF-');
        return `print-batch:${folder} ${letter.messageId}`;
      });
    });
    expect(inFolders.sort()).toEqual(deliveries.map((d) => `${d.operator_transaction_id} ${d.message_id}`).sort());
  });
});
