import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { DigitalDeliveryRequest, DigitalMailAdapters, ReachabilityResult } from '../adapters/types';
import { MessageService, Sender } from '../message.service';
import { WHOLE_MUNICIPALITY } from '../access';
import { SendBatchService } from '../send-batch.service';
import { TemplateService } from '../template.service';
import { digitalMailService, inTenant, rowsOf, saveTemplate, TEST_SCHEMA } from '../testing/fixtures';
import { DeliveryWorker } from './delivery-worker';
import { StepScheduler, StepUnit } from './step-scheduler';

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
    await saveTemplate(
      db(),
      sundsvall,
      {
        name: 'utskick',
        subject: { sv: 'Hej {{name}}', en: 'Hello {{name}}' },
        body: { sv: 'Information till {{name}}.', en: 'Information for {{name}}.' },
      },
      staff,
    );
  });

  /**
   * Sundsvall's bulk send of BACKLOG letters (personnummer from `firstNumber` on), Timrå's single
   * letter, and a worker that delivers them in claims of 50 (no paper, so no render threads).
   */
  async function backlogAndSingle(firstNumber: number, singleNumber: number) {
    await inTenant(sundsvall, () =>
      new SendBatchService(db(), directory, new TemplateService(db())).create(
        { template: { name: 'utskick' } },
        Array.from({ length: BACKLOG }, (_, i) => ({ recipient: testPersonnummer(firstNumber + i), values: { name: `Mottagare ${i}` } })),
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const single = await inTenant(timra, () =>
      new MessageService(db(), directory).send(
        { recipient: testPersonnummer(singleNumber), subject: 'Beslut', body: 'Du har fått ett beslut.' } as never,
        staff,
        WHOLE_MUNICIPALITY,
      ),
    );
    const errors: string[] = [];
    const worker = new DeliveryWorker(db(), directory, adapters, {
      expandChunkSize: 250,
      reachabilityBatchSize: 100,
      digitalBatchSize: 50,
      renderThreads: 0,
      onError: (error, context) => errors.push(`${context.step}: ${error.message}`),
    });
    return { single, errors, worker };
  }

  it("delivers one municipality's single letter in the first round while another's 1,000 wait their turn", async () => {
    const { single, errors, worker } = await backlogAndSingle(2000, 5);
    // Round 1: each municipality gets one claim per step. Timrå's letter goes all the way; of
    // Sundsvall's backlog one chunk is expanded and one claim (no larger than a digital claim)
    // checked and delivered.
    const first = await worker.runOnce();
    const backlog = () => delivered.filter((d) => d.messageId !== single.id);
    expect(delivered.filter((d) => d.messageId === single.id)).toHaveLength(1);
    expect(backlog()).toHaveLength(50);
    expect(first).toMatchObject({ expanded: 250, checked: 51, sentDigitally: 51 });
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

  it("the background task delivers one municipality's single letter within the first two claims of another's bulk send, each letter once", async () => {
    delivered.length = 0;
    const { single, errors, worker } = await backlogAndSingle(4000, 6);
    const task = worker.task(20);
    task.start();
    try {
      while (delivered.length < BACKLOG + 1 && errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await task.stop();
    }
    expect(errors).toEqual([]);
    // Of Sundsvall's 20 claims of 50, at most the one under way when Timrå's reachability step got a
    // place and the one that started before it (a tie: neither had claimed yet) go first.
    expect(delivered.findIndex((d) => d.messageId === single.id)).toBeLessThanOrEqual(100);
    expect(delivered).toHaveLength(BACKLOG + 1);
    expect(new Set(delivered.map((d) => d.messageId)).size).toBe(BACKLOG + 1);
  });
});

/**
 * The background task's scheduler alone, with units the test finishes by hand: what is asserted is
 * the order units get a free place in, not timing. Sundsvall's five steps always have work;
 * Timrå's letter becomes due while they fill every place.
 */
describe('StepScheduler: claims across municipalities', () => {
  const steps = ['expand', 'reachability', 'digital', 'paper', 'print'];
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function harness(concurrency: number) {
    const started: string[] = [];
    const pending = new Map<string, (work: number) => void>();
    let due = ['sundsvall'];
    let checked = false;
    const scheduler = new StepScheduler({
      name: 'test',
      steps,
      concurrency,
      pollMs: 5,
      dueTenants: async () => due,
      run: (unit: StepUnit) =>
        new Promise<number>((resolve) => {
          const key = `${unit.tenantId}:${unit.step}`;
          // Timrå has one letter: work for reachability, then (once checked) for digital delivery.
          if (unit.tenantId === 'timra' && !(unit.step === 'reachability' && !checked) && !(unit.step === 'digital' && checked)) {
            resolve(0);
            return;
          }
          started.push(key);
          pending.set(key, (work) => {
            if (key === 'timra:reachability') checked = true;
            resolve(work);
          });
        }),
    });
    const finish = async (key: string, work = 1) => {
      const resolve = pending.get(key);
      if (!resolve) throw new Error(`${key} is not running (running: ${[...pending.keys()].join(', ')})`);
      pending.delete(key);
      resolve(work);
      await wait(30);
    };
    return { scheduler, started, pending, finish, becomeDue: (...ids: string[]) => (due = ids) };
  }

  it('gives a free place to the municipality that waits, so no step of the bulk send claims twice before its letter is through', async () => {
    const h = harness(5);
    let stop = false;
    const loop = h.scheduler.runUntilIdle(() => !stop);
    await wait(30);
    // Sundsvall's five steps fill the five places (claims that did work are listed).
    expect(h.started).toEqual(steps.map((s) => `sundsvall:${s}`));
    h.becomeDue('sundsvall', 'timra');
    await wait(30);
    expect(h.started).toHaveLength(5);
    // Sundsvall's digital claim finishes: the place goes to Timrå, not to Sundsvall's next digital claim.
    await h.finish('sundsvall:digital');
    expect(h.started.slice(5)).toEqual(['timra:reachability']);
    // The next free place: Timrå has nothing else yet, so Sundsvall's longest-waiting step takes it.
    await h.finish('sundsvall:paper');
    expect(h.started.slice(6)).toEqual(['sundsvall:digital']);
    // Timrå's letter checked: its digital delivery takes the place its check freed, before any of Sundsvall's steps.
    await h.finish('timra:reachability');
    expect(h.started.slice(7)).toEqual(['timra:digital']);
    // From Timrå's letter becoming due to its delivery, each of Sundsvall's steps claimed at most once.
    const sundsvallClaims = h.started.slice(5).filter((k) => k.startsWith('sundsvall:'));
    expect(new Set(sundsvallClaims).size).toBe(sundsvallClaims.length);
    stop = true;
    for (const key of [...h.pending.keys()]) await h.finish(key, 0);
    await loop;
  });

  it('returns when every due unit found nothing, each having claimed once', async () => {
    let runs = 0;
    const scheduler = new StepScheduler({
      name: 'test',
      steps,
      concurrency: 3,
      pollMs: 60_000,
      dueTenants: async () => ['sundsvall', 'timra'],
      run: async () => {
        runs++;
        return 0;
      },
    });
    expect(await scheduler.runUntilIdle()).toBe(0);
    expect(runs).toBe(10);
  });
});
