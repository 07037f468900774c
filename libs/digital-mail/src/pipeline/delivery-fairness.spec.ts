import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { DigitalDeliveryRequest, DigitalMailAdapters, ReachabilityResult } from '../adapters/types';
import { MessageService, Sender } from '../message.service';
import { WHOLE_MUNICIPALITY } from '../access';
import { SendBatchService } from '../send-batch.service';
import { TemplateService } from '../template.service';
import { digitalMailService, inTenant, rowsOf, TEST_SCHEMA } from '../testing/fixtures';
import { DeliveryWorker } from './delivery-worker';

const staff: Sender = { kind: 'user', id: 'staff-1' };
const BACKLOG = 1000;

/**
 * Fairness between municipalities (issue 24): while Sundsvall's bulk send of 1,000 letters waits
 * in the queue, Timrå's single letter is delivered in the first round, and each round takes at
 * most one claim of Sundsvall's letters per step (so Timrå's letter waits for at most one claim
 * of each, however large the backlog). The national operator is an in-process stand-in
 * that answers every recipient reachable and records the deliveries in the order they came: what
 * is under test is the order the queue hands work out, not the operator's protocol (pipeline.spec.ts
 * runs that against the simulator).
 */
describe('digital mail: fair delivery across municipalities', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let timra: Tenant;
  let directory: TenantDirectory;
  const delivered: Array<{ messageId: string }> = [];
  const adapters: DigitalMailAdapters = {
    mailbox: {
      checkReachability: async (_sender: string, recipients: string[]): Promise<ReachabilityResult[]> =>
        recipients.map((recipientId) => ({ recipientId, reachable: true, mailboxOperator: 'Kivra', senderAccepted: true })),
      deliver: async (request: DigitalDeliveryRequest) => {
        delivered.push({ messageId: request.messageId });
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
    [sundsvall, timra] = await createTestTenants(
      db(),
      { slug: 'sundsvall', services: digitalMailService() },
      { slug: 'timra', services: digitalMailService() },
    );
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config, timra.config]);
  });

  it("delivers one municipality's single letter in the first round while another's 1,000 wait their turn", async () => {
    const templates = new TemplateService(db());
    await inTenant(sundsvall, () =>
      templates.save(
        {
          name: 'utskick',
          subject: { sv: 'Hej {{name}}', en: 'Hello {{name}}' },
          body: { sv: 'Information till {{name}}.', en: 'Information for {{name}}.' },
        },
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    await inTenant(sundsvall, () =>
      new SendBatchService(db(), directory, templates).create(
        { template: { name: 'utskick' } },
        Array.from({ length: BACKLOG }, (_, i) => ({ recipient: testPersonnummer(2000 + i), values: { name: `Mottagare ${i}` } })),
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const single = await inTenant(timra, () =>
      new MessageService(db(), directory).send(
        { recipient: testPersonnummer(5), subject: 'Beslut', body: 'Du har fått ett beslut.' } as never,
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const errors: string[] = [];
    const worker = new DeliveryWorker(db(), directory, adapters, {
      expandChunkSize: 250,
      reachabilityBatchSize: 100,
      digitalBatchSize: 50,
      onError: (error, context) => errors.push(`${context.step}: ${error.message}`),
    });

    // Round 1: each municipality gets one claim per step. Timrå's letter goes all the way; of
    // Sundsvall's backlog one chunk is expanded, one claim checked and one claim delivered.
    const first = await worker.runOnce();
    const backlog = () => delivered.filter((d) => d.messageId !== single.id);
    expect(delivered.filter((d) => d.messageId === single.id)).toHaveLength(1);
    expect(backlog()).toHaveLength(50);
    expect(first).toMatchObject({ expanded: 250, checked: 101, sentDigitally: 51 });
    // Round 2: one more claim of Sundsvall's, no more than the batch.
    await worker.runOnce();
    expect(backlog()).toHaveLength(100);

    // The rest follows, each letter exactly once.
    await worker.drain();
    expect(errors).toEqual([]);
    expect(delivered).toHaveLength(BACKLOG + 1);
    expect(new Set(delivered.map((d) => d.messageId)).size).toBe(BACKLOG + 1);
    const [{ n }] = await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM mail_delivery WHERE status = 'SENT'`);
    expect(n).toBe(BACKLOG);
  });
});
