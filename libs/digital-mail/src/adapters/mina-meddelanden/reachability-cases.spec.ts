import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { DeliveryWorker, MessageService, Sender, WHOLE_MUNICIPALITY } from '../../index';
import { digitalMailService, inTenant, tempDir, TestClock, TEST_SCHEMA } from '../../testing/fixtures';
import { minorPersonnummer } from '../../testing/minor';
import { SimulatorProcess, startSimulatorProcess } from '../../testing/simulator-process';
import { adaptersForTenant } from '../for-tenant';

// Letters to every reachability case, through the real pipeline and the adapters npm start
// composes (adaptersForTenant without endpoints: the simulator's SOAP services, a development
// certificate): each ends in its own status, and only the reachable one reaches an operator.
describe('Mina meddelanden: a letter to each reachability case, through the delivery pipeline', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  const staff: Sender = { kind: 'user', id: 'staff-1' };
  const clock = new TestClock();
  let simulator: SimulatorProcess;
  let timra: Tenant;
  let directory: TenantDirectory;
  let messages: MessageService;
  let worker: DeliveryWorker;
  const workerErrors: string[] = [];

  const cases = {
    reachable: testPersonnummer(201),
    notRegistered: testPersonnummer(202),
    pending: testPersonnummer(203),
    anonymous: testPersonnummer(204),
    senderRejected: testPersonnummer(205),
    minor: minorPersonnummer(206),
    unknownOperator: testPersonnummer(207),
  };

  beforeAll(async () => {
    simulator = await startSimulatorProcess();
    // Timrå sends no paper: every case ends in its own final status.
    [timra] = await createTestTenants(db(), {
      slug: 'timra',
      organisationsnummer: '212000-2270',
      services: digitalMailService({ paperFallback: false }),
    });
    directory = new TenantDirectory(db());
    await directory.sync([timra.config]);
    messages = new MessageService(db(), directory);
    worker = new DeliveryWorker(
      db(),
      directory,
      adaptersForTenant({ simulatorUrl: simulator.url, printDir: tempDir(), timeoutMs: 10_000 }),
      {
        now: clock.now,
        onError: (error) => workerErrors.push(error.message),
      },
    );
    await simulator.configure({
      reachableShare: 0,
      reachable: [cases.reachable, cases.senderRejected, cases.minor],
      unreachable: [cases.notRegistered],
      pending: [cases.pending],
      anonymous: [cases.anonymous],
      refusingRecipients: [cases.senderRejected],
      unknownOperator: [cases.unknownOperator],
    });
  });
  afterAll(async () => {
    await simulator?.stop();
  });

  it('ends each case in its status: sent, no mailbox, pending, anonymous, sender refused, minor, unknown operator', async () => {
    const sent = Object.fromEntries(
      await Promise.all(
        Object.entries(cases).map(async ([name, recipient]) => [
          name,
          await inTenant(timra, () =>
            messages.send({ recipient, subject: 'Beslut', body: 'Du har fått ett beslut.' } as never, staff, WHOLE_MUNICIPALITY),
          ),
        ]),
      ),
    ) as Record<keyof typeof cases, { id: string }>;
    await worker.drain();
    expect(workerErrors).toEqual([]);
    const outcome = async (name: keyof typeof cases) => {
      const m = await inTenant(timra, () => messages.get(sent[name].id, WHOLE_MUNICIPALITY));
      return { status: m.status, channel: m.channel, detail: m.statusDetail };
    };
    expect(await outcome('reachable')).toMatchObject({ status: 'SENT', channel: 'digital' });
    expect(await outcome('notRegistered')).toMatchObject({
      status: 'NO_CONTACT_SETTINGS_FOUND',
      detail: expect.stringContaining('no digital mailbox'),
    });
    expect(await outcome('pending')).toMatchObject({ status: 'NO_CONTACT_SETTINGS_FOUND' });
    expect(await outcome('anonymous')).toMatchObject({ status: 'NO_CONTACT_SETTINGS_FOUND' });
    expect(await outcome('senderRejected')).toMatchObject({ status: 'NO_CONTACT_WANTED' });
    expect(await outcome('minor')).toMatchObject({ status: 'NOT_SENT', detail: expect.stringContaining('under 18') });
    expect(await outcome('unknownOperator')).toMatchObject({ status: 'NO_CONTACT_SETTINGS_FOUND' });

    const records = await simulator.records();
    expect(records.deliveries.map((d) => d.recipient)).toEqual([cases.reachable]);
    expect(records.deliveryCounts[sent.reachable.id]).toEqual({ accepted: 1, requests: 1 });
    // One isReachable call for the seven letters, in the Recipient service's form of the sender.
    expect(records.reachabilityCalls).toEqual([{ senderOrgNr: '212000-2270', recipientCount: 7 }]);
  });
});
