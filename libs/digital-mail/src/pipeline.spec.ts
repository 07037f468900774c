import * as fs from 'node:fs';
import * as path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import {
  DeliveryWorker,
  DigitalMailAdapters,
  FolderPrintProvider,
  HttpPopulationRegister,
  MessageService,
  MessageView,
  MinaMeddelandenOperator,
  minaMeddelanden,
  RetentionPurger,
  Sender,
  SendBatchService,
  StatisticsService,
  TemplateService,
  WHOLE_MUNICIPALITY,
} from './index';
import { digitalMailService, inTenant, pdfBase64, rowsOf, tempDir, TestClock, TEST_SCHEMA } from './testing/fixtures';
import { SimulatorProcess, startSimulatorProcess } from './testing/simulator-process';
import { minorPersonnummer } from './testing/minor';

const staff: Sender = { kind: 'user', id: 'staff-1' };
const system: Sender = { kind: 'system', id: 'sundsvall-system' };
// The unit rules have their own test (units.spec.ts); the pipeline acts for the whole municipality.
const all = WHOLE_MUNICIPALITY;

describe('digital mail: acceptance and delivery pipeline', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let simulator: SimulatorProcess;
  let sundsvall: Tenant;
  let timra: Tenant;
  let directory: TenantDirectory;
  let printDir: string;
  let adapters: DigitalMailAdapters;
  let messages: MessageService;
  const clock = new TestClock();

  beforeAll(async () => {
    simulator = await startSimulatorProcess();
    [sundsvall, timra] = await createTestTenants(
      db(),
      { slug: 'sundsvall', organisationsnummer: '212000-2411', services: digitalMailService() },
      { slug: 'timra', services: digitalMailService({ paperFallback: false }) },
    );
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config, timra.config]);
    printDir = tempDir();
    adapters = {
      mailbox: new MinaMeddelandenOperator({
        recipientServiceUrl: `${simulator.url}${minaMeddelanden.SIMULATOR_RECIPIENT_PATH}`,
        credentials: minaMeddelanden.developmentCredentials,
        timeoutMs: 5000,
      }),
      population: new HttpPopulationRegister({ baseUrl: simulator.url, timeoutMs: 5000 }),
      print: new FolderPrintProvider(printDir),
    };
    messages = new MessageService(db(), directory);
  });
  afterAll(async () => {
    await simulator?.stop();
  });
  beforeEach(async () => {
    await simulator.reset();
    await simulator.configure({
      reachableShare: 0,
      reachable: [],
      unreachable: [],
      under18: [],
      noAddress: [],
      rejectedSenders: [],
      refusingRecipients: [],
      failNextRequests: 0,
      transientFaultRate: 0,
    });
  });

  // A step's unexpected error is reported, not thrown: every test checks that none happened.
  let workerErrors: string[] = [];
  afterEach(() => {
    expect(workerErrors).toEqual([]);
    workerErrors = [];
  });
  const worker = (options = {}) =>
    new DeliveryWorker(db(), directory, adapters, {
      now: clock.now,
      maxAttempts: 3,
      backoffMs: (n) => 60_000 * 2 ** (n - 1),
      onError: (error, context) => workerErrors.push(`${context.step}: ${error.message}`),
      ...options,
    });
  const send = (tenant: Tenant, input: Record<string, unknown>, sender = staff) =>
    inTenant(tenant, () => messages.send({ subject: 'Beslut', body: 'Du har fått ett beslut.', ...input } as any, sender, all));
  const statusEvents = (tenant: Tenant, messageId: string) =>
    rowsOf(db(), tenant, `SELECT data FROM outbox_event WHERE tenant_id = $1 AND type = $2 AND subject = $3 ORDER BY occurred_at, id`, [
      tenant.id,
      EVENT_TYPES.mailDeliveryStatusChanged,
      messageId,
    ]).then((rows) => rows.map((r) => r.data));
  const count = async (tenant: Tenant, table: string) =>
    Number((await rowsOf(db(), tenant, `SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [tenant.id]))[0].n);

  it('delivers to a reachable recipient digitally, exactly once, and records the operator transaction', async () => {
    const recipient = testPersonnummer(1);
    await simulator.configure({ reachable: [recipient] });
    const attachment = await pdfBase64();
    const accepted = await send(sundsvall, {
      recipient,
      department: 'socialtjanst',
      externalReferences: { caseId: 'SKM-2025-1' },
      attachments: [
        { filename: 'beslut.pdf', contentBase64: attachment, deliveryMode: 'EITHER' },
        { filename: 'pappersbilaga.pdf', contentBase64: attachment, deliveryMode: 'PAPER_ONLY' },
      ],
    });
    expect(accepted).toMatchObject({ status: 'PENDING', channel: null, sentBy: 'staff-1', sentByKind: 'user', department: 'socialtjanst' });
    expect(accepted.attachments.map((a) => a.deliveryMode)).toEqual(['EITHER', 'PAPER_ONLY']);

    const round = await worker().drain();
    expect(round).toMatchObject({ sentDigitally: 1 });
    const sent = await inTenant(sundsvall, () => messages.get(accepted.id, all));
    const records = await simulator.records();
    expect(sent).toMatchObject({ status: 'SENT', channel: 'digital', operatorTransactionId: records.deliveries[0].transactionId });
    expect(sent.mailboxOperator).toMatch(/Kivra|Min myndighetspost|Billo|Fortnox/);
    // Only the digital-allowed attachment went digitally; the letter arrived once.
    expect(records.deliveries).toEqual([
      expect.objectContaining({ messageId: accepted.id, recipient, subject: 'Beslut', attachmentCount: 1 }),
    ]);
    expect(records.deliveryCounts[accepted.id]).toEqual({ accepted: 1, requests: 1 });
    // The department's support info, PENDING then SENT as events, and the number cleared once done.
    const [row] = await rowsOf(
      db(),
      sundsvall,
      `SELECT m.support_info, d.recipient_number FROM mail_message m JOIN mail_delivery d ON d.message_id = m.id WHERE m.id = $1`,
      [accepted.id],
    );
    expect(row).toEqual({ support_info: { text: 'Ring socialtjänsten' }, recipient_number: null });
    const events = await statusEvents(sundsvall, accepted.id);
    expect(events.map((e) => [e.status, e.channel])).toEqual([
      ['PENDING', null],
      ['SENT', 'digital'],
    ]);
    expect(events[1]).toMatchObject({ recipientPartyId: accepted.recipientPartyId, externalReferences: { caseId: 'SKM-2025-1' } });
    expect(JSON.stringify(events)).not.toContain(recipient);
  });

  it('falls back to paper: address lookup, a print-ready PDF, and a print batch released as a whole', async () => {
    const [withMailbox, without1, without2] = [testPersonnummer(2), testPersonnummer(3), testPersonnummer(4)];
    await simulator.configure({ reachable: [withMailbox] });
    const attachment = await pdfBase64(2);
    const sent: MessageView[] = [];
    for (const recipient of [withMailbox, without1, without2]) {
      sent.push(
        await send(sundsvall, {
          recipient,
          bodyFormat: 'HTML',
          body: '<p>Hej!</p><p>Ditt <strong>beslut</strong> bifogas.</p>',
          attachments: [
            { filename: 'digital.pdf', contentBase64: attachment, deliveryMode: 'DIGITAL_ONLY' },
            { filename: 'papper.pdf', contentBase64: attachment, deliveryMode: 'EITHER' },
          ],
        }),
      );
    }
    await worker().drain();
    const [digital, paper1, paper2] = await inTenant(sundsvall, () => Promise.all(sent.map((m) => messages.get(m.id, all))));
    expect(digital).toMatchObject({ status: 'SENT', channel: 'digital' });
    for (const paper of [paper1, paper2]) {
      expect(paper).toMatchObject({
        status: 'SENT',
        channel: 'paper',
        statusDetail: 'The recipient has no digital mailbox; sent on paper',
      });
    }
    expect(paper1.operatorTransactionId).toBe(paper2.operatorTransactionId);
    const batchId = paper1.operatorTransactionId!.replace('print-batch:', '');
    const folder = path.join(printDir, 'sundsvall', batchId);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ batchId, tenant: 'sundsvall', letterCount: 2 });
    expect(manifest.letters.map((l: { messageId: string }) => l.messageId).sort()).toEqual([paper1.id, paper2.id].sort());
    for (const letter of manifest.letters) {
      const doc = await PDFDocument.load(fs.readFileSync(path.join(folder, letter.file)));
      // One letter page plus the two pages of the EITHER attachment; the DIGITAL_ONLY one stays out.
      expect(doc.getPageCount()).toBe(3);
      expect(letter.pages).toBe(3);
    }
    expect(fs.readdirSync(path.join(printDir, 'sundsvall')).filter((f) => f.startsWith('.'))).toEqual([]);
    const [batch] = await rowsOf(db(), sundsvall, `SELECT status, letter_count, location FROM mail_print_batch WHERE id = $1`, [batchId]);
    expect(batch).toEqual({ status: 'RELEASED', letter_count: 2, location: folder });
    expect((await simulator.records()).deliveries.map((d) => d.recipient)).toEqual([withMailbox]);
  });

  it('ends with the right status when neither digital nor paper is possible', async () => {
    // The minor is a child's number: the sender computes the age from it, as Mina meddelanden requires.
    const [noMailbox, minor, refusing, noAddress] = [testPersonnummer(5), minorPersonnummer(6), testPersonnummer(7), testPersonnummer(8)];
    await simulator.configure({ under18: [minor], reachable: [refusing], refusingRecipients: [refusing], noAddress: [noAddress] });
    const inTimra = await Promise.all([noMailbox, minor, refusing].map((recipient) => send(timra, { recipient })));
    const paperButNoAddress = await send(sundsvall, { recipient: noAddress });
    const notOnPaper = await send(sundsvall, { recipient: noMailbox, allowPaper: false });
    await worker().drain();
    const statuses = await inTenant(timra, () => Promise.all(inTimra.map((m) => messages.get(m.id, all))));
    expect(statuses.map((m) => m.status)).toEqual(['NO_CONTACT_SETTINGS_FOUND', 'NOT_SENT', 'NO_CONTACT_WANTED']);
    expect(statuses[1].statusDetail).toContain('under 18');
    expect(await inTenant(sundsvall, () => messages.get(paperButNoAddress.id, all))).toMatchObject({
      status: 'NOT_SENT',
      statusDetail: 'No postal address in the population register',
    });
    expect(await inTenant(sundsvall, () => messages.get(notOnPaper.id, all))).toMatchObject({ status: 'NO_CONTACT_SETTINGS_FOUND' });
    expect((await simulator.records()).deliveries).toEqual([]);
  });

  it('retries transient faults with backoff, then succeeds', async () => {
    const recipient = testPersonnummer(9);
    await simulator.configure({ reachable: [recipient], failNextRequests: 2 });
    const accepted = await send(sundsvall, { recipient });
    const w = worker();
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    // Not due yet: a round now does nothing for it.
    expect(await w.runOnce()).toMatchObject({ retried: 0, checked: 0 });
    let [row] = await rowsOf(db(), sundsvall, `SELECT status, attempts, last_error FROM mail_delivery WHERE message_id = $1`, [
      accepted.id,
    ]);
    expect(row).toEqual({ status: 'PENDING', attempts: 1, last_error: 'Reachability service answered 503' });
    clock.advance(61_000);
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    clock.advance(121_000);
    await w.drain();
    [row] = await rowsOf(db(), sundsvall, `SELECT status, channel FROM mail_delivery WHERE message_id = $1`, [accepted.id]);
    expect(row).toEqual({ status: 'SENT', channel: 'digital' });
    expect((await simulator.records()).faultsInjected).toBe(2);
  });

  it('gives up on an unreachable operator after the last attempt: FAILED with the reason', async () => {
    const recipient = testPersonnummer(10);
    await simulator.configure({ reachable: [recipient] });
    const accepted = await send(sundsvall, { recipient });
    const deadOperator: DigitalMailAdapters = {
      ...adapters,
      mailbox: new MinaMeddelandenOperator({
        recipientServiceUrl: 'http://127.0.0.1:9/Recipient/v3',
        credentials: minaMeddelanden.developmentCredentials,
        timeoutMs: 2000,
      }),
    };
    const w = new DeliveryWorker(db(), directory, deadOperator, { now: clock.now, maxAttempts: 3, backoffMs: () => 1000 });
    for (let attempt = 0; attempt < 3; attempt++) {
      await w.runOnce();
      clock.advance(1500);
    }
    const failed = await inTenant(sundsvall, () => messages.get(accepted.id, all));
    expect(failed).toMatchObject({ status: 'FAILED', channel: null, attempts: 3 });
    expect(failed.statusDetail).toMatch(/^Reachability service unreachable: .*\(gave up after 3 attempts\)$/);
    const events = await statusEvents(sundsvall, accepted.id);
    expect(events.map((e) => e.status)).toEqual(['PENDING', 'FAILED']);
  });

  it('a sender refused at delivery ends as the check would have ended it (its status without paper, on paper when allowed), never retried', async () => {
    const recipient = testPersonnummer(11);
    await simulator.configure({ reachable: [recipient], rejectedSenders: ['212000-2411'] });
    const accepted = await send(sundsvall, { recipient, allowPaper: false });
    await worker().drain();
    // The reachability answer says the sender is not accepted; without paper, nothing is sent.
    expect(await inTenant(sundsvall, () => messages.get(accepted.id, all))).toMatchObject({ status: 'NO_CONTACT_WANTED' });
    // Reachable and accepted at the check, but the operator refuses the sender at delivery (applicationFault):
    // the same answer as at the check, so the same status (not FAILED: the letter is not at fault), one request.
    await simulator.configure({ rejectedSenders: [] });
    const second = await send(sundsvall, { recipient, subject: 'Andra', allowPaper: false });
    const refusedOnDelivery: DigitalMailAdapters = {
      ...adapters,
      mailbox: {
        checkReachability: (sender, recipients) => adapters.mailbox.checkReachability(sender, recipients),
        async deliver(request) {
          await simulator.configure({ rejectedSenders: ['212000-2411'] });
          return adapters.mailbox.deliver(request);
        },
      },
    };
    await new DeliveryWorker(db(), directory, refusedOnDelivery, { now: clock.now }).drain();
    const refused = await inTenant(sundsvall, () => messages.get(second.id, all));
    expect(refused).toMatchObject({ status: 'NO_CONTACT_WANTED', channel: null });
    expect(refused.statusDetail).toContain('SENDER_NOT_ACCEPTED');
    expect(refused.statusDetail).toContain('paper is not allowed');
    expect((await simulator.records()).deliveryCounts[second.id]).toEqual({ accepted: 0, requests: 1 });
    // With paper allowed, the refused letter goes on to paper, as it would have after the check.
    await simulator.configure({ rejectedSenders: [] });
    const third = await send(sundsvall, { recipient, subject: 'Tredje' });
    await new DeliveryWorker(db(), directory, refusedOnDelivery, { now: clock.now }).drain();
    const onPaper = await inTenant(sundsvall, () => messages.get(third.id, all));
    expect(onPaper.status).not.toBe('FAILED');
    expect(onPaper.statusDetail).toContain('SENDER_NOT_ACCEPTED');
    expect(onPaper.statusDetail).toContain('sent on paper');
    expect((await simulator.records()).deliveryCounts[third.id]).toEqual({ accepted: 0, requests: 1 });
  });

  it('a worker that dies after delivering leaves its lease; the next one redelivers and the operator keeps one letter', async () => {
    const recipient = testPersonnummer(12);
    await simulator.configure({ reachable: [recipient] });
    const accepted = await send(sundsvall, { recipient });
    const crashing: DigitalMailAdapters = {
      ...adapters,
      mailbox: {
        checkReachability: (s, r) => adapters.mailbox.checkReachability(s, r),
        async deliver(request) {
          await adapters.mailbox.deliver(request);
          throw new Error('process killed before the result was recorded');
        },
      },
    };
    const errors: string[] = [];
    await new DeliveryWorker(db(), directory, crashing, {
      now: clock.now,
      leaseMs: 60_000,
      onError: (e) => errors.push(e.message),
    }).runOnce();
    expect(errors).toEqual(['process killed before the result was recorded']);
    expect((await simulator.records()).deliveryCounts[accepted.id]).toEqual({ accepted: 1, requests: 1 });
    expect((await inTenant(sundsvall, () => messages.get(accepted.id, all))).status).toBe('PENDING');
    // Within the lease nobody takes it; after it, another worker does.
    expect(await worker().runOnce()).toMatchObject({ sentDigitally: 0 });
    clock.advance(61_000);
    expect(await worker().drain()).toMatchObject({ sentDigitally: 1 });
    const records = await simulator.records();
    expect(records.deliveryCounts[accepted.id]).toEqual({ accepted: 1, requests: 2 });
    expect(records.deliveries).toHaveLength(1);
    expect(await inTenant(sundsvall, () => messages.get(accepted.id, all))).toMatchObject({
      status: 'SENT',
      operatorTransactionId: records.deliveries[0].transactionId,
    });
  });

  describe('bad input: a clear error and nothing stored', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an invalid personnummer', { recipient: '199001019801' }, 'INVALID_RECIPIENT'],
      ['a subject over 255 characters', { subject: 'x'.repeat(256) }, 'VALIDATION_FAILED'],
      ['unsafe HTML', { bodyFormat: 'HTML', body: '<p>Hej</p><script>steal()</script>' }, 'UNSAFE_HTML'],
      [
        'a disguised non-PDF',
        { attachments: [{ filename: 'beslut.pdf', contentBase64: Buffer.from('MZ\x90\x00 not a pdf').toString('base64') }] },
        'ATTACHMENT_NOT_PDF',
      ],
      [
        'an oversized attachment',
        {
          attachments: [
            {
              filename: 'big.pdf',
              contentBase64: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(6 * 1024 * 1024)]).toString('base64'),
            },
          ],
        },
        'ATTACHMENT_TOO_LARGE',
      ],
      ['support text over 1024 characters', { supportInfo: { text: 'x'.repeat(1025) } }, 'VALIDATION_FAILED'],
      ['a character a paper letter cannot print, when paper is allowed', { body: 'Avgiften är ≤ 500 kr' }, 'VALIDATION_FAILED'],
    ];
    it.each(cases)('%s', async (_name, input, code) => {
      const before = await count(sundsvall, 'mail_message');
      await expect(send(sundsvall, { recipient: testPersonnummer(20), ...input })).rejects.toMatchObject({ code });
      expect(await count(sundsvall, 'mail_message')).toBe(before);
    });

    it('names the field and the characters a paper letter cannot print, and takes them when the letter stays digital', async () => {
      await expect(
        send(sundsvall, { recipient: testPersonnummer(23), subject: 'Beslut ŉ', body: 'Avgiften är ≤ 500 kr' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: {
          problems: [
            { field: 'subject', message: 'cannot be printed on a paper letter: "ŉ" (U+0149)' },
            { field: 'body', message: 'cannot be printed on a paper letter: "≤" (U+2264)' },
          ],
        },
      });
      // Mina meddelanden carries any Unicode text: a digital-only letter is accepted as written.
      const digital = await send(sundsvall, { recipient: testPersonnummer(23), body: 'Avgiften är ≤ 500 kr', allowPaper: false });
      expect(digital.status).toBe('PENDING');
    });

    it('a missing support text (none in tenant.yaml, department or request)', async () => {
      const [bare] = await createTestTenants(db(), { slug: 'utan-support', services: digitalMailService({ supportInfo: undefined }) });
      const local = new TenantDirectory(db());
      await local.sync([bare.config]);
      await expect(
        inTenant(bare, () =>
          new MessageService(db(), local).send({ recipient: testPersonnummer(21), subject: 's', body: 'b' }, staff, all),
        ),
      ).rejects.toMatchObject({
        code: 'SUPPORT_INFO_MISSING',
      });
      expect(await count(bare, 'mail_message')).toBe(0);
    });
  });

  it('idempotency: the same key and payload give the same message; another payload is a CONFLICT', async () => {
    const input = { recipient: testPersonnummer(22), idempotencyKey: 'case-77-decision' };
    const first = await send(sundsvall, input, system);
    const again = await send(sundsvall, input, system);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ sentBy: 'sundsvall-system', sentByKind: 'system', idempotencyKey: 'case-77-decision' });
    await expect(send(sundsvall, { ...input, subject: 'Annat beslut' }, system)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(
      Number((await rowsOf(db(), sundsvall, `SELECT count(*) AS n FROM mail_message WHERE idempotency_key = 'case-77-decision'`))[0].n),
    ).toBe(1);
    // The same key in another municipality is another message.
    const elsewhere = await send(timra, input, system);
    expect(elsewhere.id).not.toBe(first.id);
  });

  it("keeps municipalities apart: one tenant cannot read another's letters", async () => {
    const letter = await send(sundsvall, { recipient: testPersonnummer(23) });
    await expect(inTenant(timra, () => messages.get(letter.id, all))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await inTenant(timra, () => messages.list(all))).map((m) => m.id)).not.toContain(letter.id);
  });

  it('bulk send: rejects a batch with bad rows naming them, then delivers a valid one with mixed outcomes', async () => {
    const templates = new TemplateService(db());
    const batches = new SendBatchService(db(), directory, templates);
    const template = await inTenant(sundsvall, () =>
      templates.save(
        {
          name: 'sophamtning',
          subject: { sv: 'Ny tömningsdag för {{name}}', en: 'New collection day for {{name}}' },
          body: { sv: 'Hej {{name}}! Ny dag: {{day}}.', en: 'Hi {{name}}! New day: {{day}}.' },
        },
        staff,
        all,
      ),
    );
    expect(template).toMatchObject({ version: 1, placeholders: ['name', 'day'] });

    const before = await count(sundsvall, 'mail_batch_recipient');
    await expect(
      inTenant(sundsvall, () =>
        batches.create(
          { template: { name: 'sophamtning' } },
          [
            { recipient: testPersonnummer(30), values: { name: 'A', day: 'måndag' } },
            { recipient: '199001019801', values: { name: 'B', day: 'tisdag' } },
            { recipient: testPersonnummer(31), values: { name: 'C' } },
            { recipient: testPersonnummer(30), values: { name: 'A', day: 'måndag' } },
          ],
          staff,
          all,
        ),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: {
        problems: [
          { field: 'recipients[1].recipient', message: expect.any(String) },
          { field: 'recipients[2].values', message: 'missing day' },
          { field: 'recipients[3].recipient', message: 'repeats the recipient of recipients[0]' },
        ],
      },
    });
    expect(await count(sundsvall, 'mail_batch_recipient')).toBe(before);
    expect(await count(sundsvall, 'mail_send_batch')).toBe(0);

    const recipients = Array.from({ length: 40 }, (_v, i) => testPersonnummer(100 + i));
    await simulator.configure({ reachable: recipients.slice(0, 25), noAddress: recipients.slice(35) });
    // One recipient is a known party already; the expansion finds the others' parties or creates them in one statement.
    const knownParty = await new PartyRegister(db()).partyIdFor('person', recipients[0]);
    const csv = ['recipient;name;day', ...recipients.map((r, i) => `${r};Person ${i};onsdag`)].join('\n');
    const accepted = await inTenant(sundsvall, () =>
      batches.createFromCsv({ template: { name: 'sophamtning' }, department: 'miljo' }, csv, system, all),
    );
    expect(accepted).toMatchObject({ total: 40, accepted: 0, pending: 40, completed: false });

    const w = worker({ expandChunkSize: 15, digitalBatchSize: 7, paperBatchSize: 4 });
    await w.runOnce();
    const midway = await inTenant(sundsvall, () => batches.progress(accepted.id, all));
    expect(midway.accepted).toBe(15);
    expect(midway.completed).toBe(false);
    // No print batch short of full (maxPrintBatchLetters) is released while letters of the mailing could still join it.
    expect(
      Number(
        (
          await rowsOf(db(), sundsvall, `SELECT count(*) AS n FROM mail_print_batch WHERE send_batch_id = $1 AND status = 'RELEASED'`, [
            accepted.id,
          ])
        )[0].n,
      ),
    ).toBe(0);
    await w.drain();
    const done = await inTenant(sundsvall, () => batches.progress(accepted.id, all));
    expect(done).toMatchObject({
      total: 40,
      accepted: 40,
      pending: 0,
      sentDigitally: 25,
      sentOnPaper: 10,
      notDelivered: 5,
      failed: 0,
      completed: true,
    });
    const printBatches = await rowsOf(db(), sundsvall, `SELECT status, letter_count FROM mail_print_batch WHERE send_batch_id = $1`, [
      accepted.id,
    ]);
    expect(printBatches).toEqual([{ status: 'RELEASED', letter_count: 10 }]);
    const records = await simulator.records();
    const batchLetters = records.deliveries.filter((d) => recipients.includes(d.recipient));
    expect(batchLetters).toHaveLength(25);
    expect(batchLetters.every((d) => records.deliveryCounts[d.messageId].accepted === 1)).toBe(true);
    expect(batchLetters.find((d) => d.recipient === recipients[3])?.subject).toBe('Ny tömningsdag för Person 3');
    expect(records.reachabilityCalls.every((c) => c.recipientCount <= 1000)).toBe(true);
    // Each letter belongs to its recipient's party, and has exactly two status events (PENDING, then its final status).
    const letters = await rowsOf(
      db(),
      sundsvall,
      `SELECT m.id, m.recipient_party_id, (m.external_references->>'sendBatchRow')::int AS row, d.status FROM mail_message m
         JOIN mail_delivery d ON d.tenant_id = m.tenant_id AND d.message_id = m.id WHERE m.send_batch_id = $1 ORDER BY 3`,
      [accepted.id],
    );
    expect(letters.map((l: any) => l.row)).toEqual(recipients.map((_r, i) => i + 1));
    const register = new PartyRegister(db());
    for (const letter of letters) expect(letter.recipient_party_id).toBe(await register.partyIdFor('person', recipients[letter.row - 1]));
    expect(letters[0].recipient_party_id).toBe(knownParty);
    expect(new Set(letters.map((l: any) => l.recipient_party_id)).size).toBe(40);
    const events = await rowsOf(db(), sundsvall, `SELECT subject, data FROM outbox_event WHERE type = $1 AND subject = ANY($2::text[])`, [
      EVENT_TYPES.mailDeliveryStatusChanged,
      letters.map((l: any) => l.id),
    ]);
    for (const letter of letters) {
      const own = events.filter((e: any) => e.subject === letter.id).map((e: any) => e.data);
      expect(own.map((d: any) => d.status).sort()).toEqual(['PENDING', letter.status].sort());
      expect(
        own.every((d: any) => d.recipientPartyId === letter.recipient_party_id && d.externalReferences.sendBatchRow === String(letter.row)),
      ).toBe(true);
    }
    // Expanded rows no longer hold identity numbers.
    expect(
      Number((await rowsOf(db(), sundsvall, `SELECT count(*) AS n FROM mail_batch_recipient WHERE recipient_number IS NOT NULL`))[0].n),
    ).toBe(0);
  });

  it('templates are versioned and previewable in Swedish and English', async () => {
    const templates = new TemplateService(db());
    await inTenant(timra, async () => {
      await templates.save(
        {
          name: 'paminnelse',
          subject: { sv: 'Påminnelse', en: 'Reminder' },
          body: { sv: '<p>Hej {{name}}</p>', en: '<p>Hi {{name}}</p>' },
          bodyFormat: 'HTML',
        },
        staff,
        all,
      );
      const v2 = await templates.save(
        {
          name: 'paminnelse',
          subject: { sv: 'Påminnelse 2', en: 'Reminder 2' },
          body: { sv: '<p>Hej {{name}}!</p>', en: '<p>Hi {{name}}!</p>' },
          bodyFormat: 'HTML',
        },
        staff,
        all,
      );
      expect(v2.version).toBe(2);
      expect((await templates.list(all)).find((t) => t.name === 'paminnelse')?.version).toBe(2);
      expect(await templates.preview({ name: 'paminnelse', version: 1 }, 'en', { name: '<Eva>' }, all)).toEqual({
        subject: 'Reminder',
        body: '<p>Hi &lt;Eva&gt;</p>',
        bodyFormat: 'HTML',
      });
      await expect(templates.preview({ name: 'paminnelse' }, 'sv', {}, all)).rejects.toMatchObject({ code: 'TEMPLATE_VALUES_MISSING' });
      await expect(
        templates.save({ name: 'x', subject: { sv: 's', en: 's' }, body: { sv: '<img src=x>', en: 'e' }, bodyFormat: 'HTML' }, staff, all),
      ).rejects.toMatchObject({ code: 'UNSAFE_HTML' });
    });
  });

  it('statistics per department and month, and retention purges content but keeps the metadata', async () => {
    const stats = await inTenant(sundsvall, () => new StatisticsService(db()).monthly(all));
    const total = stats.reduce((sum, s) => sum + s.total, 0);
    expect(total).toBe(await count(sundsvall, 'mail_delivery'));
    const miljo = stats.find((s) => s.department === 'miljo');
    expect(miljo).toMatchObject({ total: 40, sentDigitally: 25, sentOnPaper: 10, notDelivered: 5, failed: 0 });
    expect(miljo!.month).toMatch(/^\d{4}-\d{2}$/);

    const purger = (daysAhead: number) => new RetentionPurger(db(), directory, () => new Date(Date.now() + daysAhead * 86_400_000));
    expect((await purger(364).purgeAll()).sundsvall).toBe(0);
    const purged = (await purger(366).purgeAll()).sundsvall;
    const finished = Number((await rowsOf(db(), sundsvall, `SELECT count(*) AS n FROM mail_delivery WHERE completed_at IS NOT NULL`))[0].n);
    expect(purged).toBe(finished);
    const left = await rowsOf(
      db(),
      sundsvall,
      `SELECT (SELECT count(*) FROM mail_message m JOIN mail_delivery d ON d.message_id = m.id WHERE d.completed_at IS NOT NULL AND m.body IS NOT NULL) AS bodies,
              (SELECT count(*) FROM mail_attachment WHERE content IS NOT NULL) AS attachments,
              (SELECT count(*) FROM mail_print_letter WHERE pdf IS NOT NULL) AS pdfs`,
    );
    expect(left[0]).toEqual({ bodies: '0', attachments: '0', pdfs: '0' });
    // Metadata stays: statistics are unchanged.
    expect(await inTenant(sundsvall, () => new StatisticsService(db()).monthly(all))).toEqual(stats);
    expect((await purger(400).purgeAll()).sundsvall).toBe(0);
  });
});
