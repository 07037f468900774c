import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, pdfText, useTestDatabase } from '@kommuna/platform-testing';
import { adaptersForTenant, DeliveryWorker, MessageService, MessageView, Sender, WHOLE_MUNICIPALITY } from './index';
import { digitalMailService, inTenant, rowsOf, tempDir, TestClock, TEST_SCHEMA } from './testing/fixtures';
import { FORWARDING_ADDRESS, NAVET_PEOPLE, SEKRETESS_ADDRESS } from './testing/navet-people';
import { SimulatorProcess, startSimulatorProcess } from './testing/simulator-process';

const { erik: ERIK, skyddad: SKYDDAD, sekretess: SEKRETESS, deceased: DECEASED, emigrated: EMIGRATED } = NAVET_PEOPLE;
const { samordningsnummer: SAMORDNINGSNUMMER } = NAVET_PEOPLE;
const FORWARDING = FORWARDING_ADDRESS;

const staff: Sender = { kind: 'user', id: 'staff-1' };

/**
 * Issue 25 item 2 through the whole paper path: the tenant's adapters (Navet in the simulator),
 * the delivery worker, the print batch on disk. Protected people's letters are held or go to
 * Skatteverket as the tenant says; deceased and emigrated people get none, with the reason.
 */
describe('digital mail: protected identities, the deceased and the emigrated on the paper path', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let simulator: SimulatorProcess;
  let holding: Tenant;
  let forwarding: Tenant;
  let directory: TenantDirectory;
  let printDir: string;
  let messages: MessageService;
  const clock = new TestClock();
  const workerErrors: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulatorProcess();
    await simulator.configure({ reachableShare: 0, reachable: [], unreachable: [] });
    [holding, forwarding] = await createTestTenants(
      db(),
      { slug: 'sundsvall', services: digitalMailService() },
      {
        slug: 'timra',
        services: digitalMailService({
          protectedIdentityLetters: 'via-skatteverket-forwarding',
          skatteverketForwardingAddress: FORWARDING,
        }),
      },
    );
    directory = new TenantDirectory(db());
    await directory.sync([holding.config, forwarding.config]);
    printDir = tempDir();
    messages = new MessageService(db(), directory);
  });
  afterAll(async () => {
    await simulator?.stop();
  });

  const send = (tenant: Tenant, recipient: string) =>
    inTenant(tenant, () =>
      messages.send({ recipient, subject: 'Beslut', body: 'Du har fått ett beslut.' } as any, staff, WHOLE_MUNICIPALITY),
    );
  const view = (tenant: Tenant, id: string): Promise<MessageView> => inTenant(tenant, () => messages.get(id, WHOLE_MUNICIPALITY));
  const drain = () =>
    new DeliveryWorker(db(), directory, adaptersForTenant({ simulatorUrl: simulator.url, printDir, timeoutMs: 5000 }), {
      now: clock.now,
      onError: (error, context) => workerErrors.push(`${context.step}: ${error.message}`),
    }).drain();
  /** The released print batches on disk: <printDir>/<tenant>/<batch>/ with the PDFs and manifest.json. */
  const batchFolders = (): string[] =>
    fs.readdirSync(printDir).flatMap((tenant) =>
      fs
        .readdirSync(path.join(printDir, tenant))
        .filter((batch) => !batch.startsWith('.'))
        .map((batch) => path.join(printDir, tenant, batch)),
    );
  /** Every printed letter's text, by message id. */
  const printed = (): Map<string, string> => {
    const letters = new Map<string, string>();
    for (const folder of batchFolders()) {
      const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
      for (const letter of manifest.letters) letters.set(letter.messageId, pdfText(fs.readFileSync(path.join(folder, letter.file))));
    }
    return letters;
  };

  let sent: Record<string, { tenant: Tenant; id: string }>;
  beforeAll(async () => {
    sent = {};
    for (const [name, tenant, recipient] of [
      ['held-skyddad', holding, SKYDDAD],
      ['held-sekretess', holding, SEKRETESS],
      ['deceased', holding, DECEASED],
      ['emigrated', holding, EMIGRATED],
      ['erik', holding, ERIK],
      ['samordningsnummer', holding, SAMORDNINGSNUMMER],
      ['forwarded-skyddad', forwarding, SKYDDAD],
      ['forwarded-sekretess', forwarding, SEKRETESS],
    ] as const) {
      sent[name] = { tenant, id: (await send(tenant, recipient)).id };
    }
    await drain();
  });
  afterAll(() => expect(workerErrors).toEqual([]));

  it('holds letters to protected identities where the tenant says hold: not printed, a marker as the status', async () => {
    for (const name of ['held-skyddad', 'held-sekretess']) {
      const letter = await view(sent[name].tenant, sent[name].id);
      expect(letter).toMatchObject({ status: 'NOT_SENT', channel: null });
      expect(letter.statusDetail).toMatch(/protected personal data.*held, not printed/);
      expect(printed().has(sent[name].id)).toBe(false);
    }
  });

  it("sends them through Skatteverket's forwarding where the tenant says so, never to where they live", async () => {
    const letters = printed();
    for (const [name, line] of [
      ['forwarded-skyddad', 'Sara Nilsson, 19850709-9805'],
      ['forwarded-sekretess', 'Johan Larsson, 19760825-9813'],
    ]) {
      expect(await view(sent[name].tenant, sent[name].id)).toMatchObject({ status: 'SENT', channel: 'paper' });
      const text = letters.get(sent[name].id) ?? '';
      expect(text).toContain(line);
      expect(text).toContain('c/o Skatteverket, Särskild postförmedling');
      expect(text).toMatch(/403 20\s+GÖTEBORG/);
    }
  });

  it('sends no paper letter to the deceased or the emigrated, and the status says why', async () => {
    expect(await view(holding, sent.deceased.id)).toMatchObject({ status: 'NOT_SENT', statusDetail: expect.stringMatching(/deceased/) });
    expect(await view(holding, sent.emigrated.id)).toMatchObject({ status: 'NOT_SENT', statusDetail: expect.stringMatching(/emigrated/) });
    expect(printed().has(sent.deceased.id)).toBe(false);
    expect(printed().has(sent.emigrated.id)).toBe(false);
  });

  it('still prints to the demo citizen Erik and to a samordningsnummer at their registered addresses', async () => {
    const letters = printed();
    expect(letters.get(sent.erik.id)).toContain('Bergsgatan 4');
    expect(letters.get(sent.samordningsnummer.id)).toContain('c/o Eva Johansson');
    expect(await view(holding, sent.erik.id)).toMatchObject({ status: 'SENT', channel: 'paper' });
  });

  it('leaves a protected address nowhere: not in a print batch, a status, an error, an event or a stored letter', async () => {
    const files = batchFolders().flatMap((folder) => fs.readdirSync(folder).map((file) => path.join(folder, file)));
    expect(files.filter((file) => file.endsWith('.pdf')).length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const content = file.endsWith('.pdf') ? pdfText(fs.readFileSync(file)) : fs.readFileSync(file, 'utf8');
      expect(content).not.toContain(SEKRETESS_ADDRESS);
    }
    for (const tenant of [holding, forwarding]) {
      const rows = await rowsOf(
        db(),
        tenant,
        `SELECT d.status_detail, d.last_error, (SELECT string_agg(data::text, ' ') FROM outbox_event e WHERE e.tenant_id = d.tenant_id) AS events
           FROM mail_delivery d WHERE d.tenant_id = $1`,
        [tenant.id],
      );
      expect(JSON.stringify(rows)).not.toContain(SEKRETESS_ADDRESS);
      const pdfs = await rowsOf(db(), tenant, `SELECT pdf FROM mail_print_letter WHERE tenant_id = $1`, [tenant.id]);
      for (const { pdf } of pdfs) expect(pdfText(pdf)).not.toContain(SEKRETESS_ADDRESS);
    }
  });
});
