import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { DigitalDeliveryRequest, DigitalMailAdapters, ReachabilityResult } from '../adapters/types';
import { Sender } from '../message.service';
import { WHOLE_MUNICIPALITY } from '../access';
import { SendBatchService } from '../send-batch.service';
import { TemplateService } from '../template.service';
import { digitalMailService, inTenant, rowsOf, saveTemplate, TEST_SCHEMA } from '../testing/fixtures';
import { DeliveryWorker } from './delivery-worker';

const staff: Sender = { kind: 'user', id: 'staff-1' };
const LETTERS = 40;
const CONCURRENCY = 4;

/**
 * A worker stopped in the middle of a claim (SIGTERM at the end of a bulk send, or a rolling
 * restart): the background task finishes the operator calls under way and hands the rest of the
 * claim back to the queue, due at once, rather than delivering every letter of it first (a claim
 * of 200 signed deliveries outlasted a shutdown's grace on a loaded machine). The operator is an
 * in-process stand-in whose deliveries wait until the test lets them answer.
 */
describe('digital mail: a stopping worker hands back the letters of its claim it has not begun', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let directory: TenantDirectory;
  const requested: string[] = [];
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const adapters: DigitalMailAdapters = {
    mailbox: {
      checkReachability: async (_sender: string, recipients: string[]): Promise<ReachabilityResult[]> =>
        recipients.map((recipientId) => ({ recipientId, reachable: true, mailboxOperator: 'Kivra', senderAccepted: true })),
      deliver: async (request: DigitalDeliveryRequest) => {
        requested.push(request.messageId);
        await answered;
        return { transactionId: `tx-${request.messageId}` };
      },
    },
    population: {
      lookupAddresses: async () => {
        throw new Error('every recipient is reachable: no paper in this test');
      },
    } as unknown as DigitalMailAdapters['population'],
    print: {
      release: async () => {
        throw new Error('no paper in this test');
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
      { name: 'utskick', subject: { sv: 'Hej', en: 'Hello' }, body: { sv: 'Hej {{name}}.', en: 'Hi.' } },
      staff,
    );
  });

  it('finishes the calls under way, hands back the rest of the claim due at once, and the next worker delivers them once', async () => {
    await inTenant(sundsvall, () =>
      new SendBatchService(db(), directory, new TemplateService(db())).create(
        { template: { name: 'utskick' } },
        Array.from({ length: LETTERS }, (_, i) => ({ recipient: testPersonnummer(7000 + i), values: { name: `Mottagare ${i}` } })),
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const errors: string[] = [];
    const options = {
      reachabilityBatchSize: LETTERS,
      digitalBatchSize: LETTERS,
      digitalConcurrency: CONCURRENCY,
      claimConcurrency: 1,
      renderThreads: 0,
      leaseMs: 600_000,
      onError: (error: Error, context: { step: string }) => errors.push(`${context.step}: ${error.message}`),
    };
    const task = new DeliveryWorker(db(), directory, adapters, options).task(10);
    task.start();
    // The whole send in one claim, its first calls waiting for the operator.
    for (let i = 0; i < 500 && requested.length < CONCURRENCY; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requested).toHaveLength(CONCURRENCY);
    const stopped = task.stop();
    answer();
    await stopped;

    // The calls under way were recorded; no other was begun.
    expect(requested).toHaveLength(CONCURRENCY);
    const rows = await rowsOf(
      db(),
      sundsvall,
      `SELECT status, stage, claim_id, attempts, completed_at IS NOT NULL AS done, next_attempt_at <= now() AS due FROM mail_delivery`,
    );
    expect(rows.filter((r) => r.done).map((r) => r.status)).toEqual(Array(CONCURRENCY).fill('SENT'));
    // The rest are back in the queue as they were before the claim: due now, unclaimed, no attempt spent.
    const handedBack = rows.filter((r) => !r.done);
    expect(handedBack).toHaveLength(LETTERS - CONCURRENCY);
    expect(handedBack.filter((r) => r.claim_id !== null || r.attempts !== 0 || !r.due || r.stage !== 'REACHABILITY')).toEqual([]);

    // Another worker takes them at once (no lease to wait out) and delivers each letter once.
    await new DeliveryWorker(db(), directory, adapters, options).drain();
    expect(errors).toEqual([]);
    expect(requested).toHaveLength(LETTERS);
    expect(new Set(requested).size).toBe(LETTERS);
    const [{ sent }] = await rowsOf(db(), sundsvall, `SELECT count(*)::int AS sent FROM mail_delivery WHERE status = 'SENT'`);
    expect(sent).toBe(LETTERS);
  });
});
