import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { MessageService, SendBatchService, Sender, TemplateService, WHOLE_MUNICIPALITY } from './index';
import { expandSendBatches } from './pipeline/expand-batches';
import { digitalMailService, inTenant, rowsOf, saveTemplate, TEST_SCHEMA } from './testing/fixtures';

/**
 * Unsafe links (issue 23, fault 4): an HTML template `<a href="{{lank}}">` filled with
 * `javascript:alert(document.cookie)` was delivered, because values were only HTML-escaped and
 * the filled body was never checked. Now every letter's links are checked as delivered: refused
 * with UNSAFE_LINK at acceptance, and never delivered if one got past it.
 */
describe('links in letters', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let directory: TenantDirectory;
  let templates: TemplateService;
  let batches: SendBatchService;
  const admin: Sender = { kind: 'user', id: 'admin' };
  const all = WHOLE_MUNICIPALITY;
  const as = <T>(work: () => Promise<T>) => inTenant(sundsvall, work);
  const count = async (table: string) => Number((await rowsOf(db(), sundsvall, `SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    [sundsvall] = await createTestTenants(db(), { slug: 'sundsvall', services: digitalMailService() });
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config]);
    templates = new TemplateService(db());
    batches = new SendBatchService(db(), directory, templates);
    await saveTemplate(db(), sundsvall, {
      name: 'lank',
      bodyFormat: 'HTML',
      subject: { sv: 'Ditt beslut', en: 'Your decision' },
      body: { sv: '<p><a href="{{lank}}">Läs beslutet</a></p>', en: '<p><a href="{{lank}}">Read it</a></p>' },
    });
  });

  it('refuses a bulk send whose values make a javascript: link, naming the rows, and stores nothing', async () => {
    const rows = [
      { recipient: testPersonnummer(601), values: { lank: 'https://sundsvall.se/beslut/1' } },
      { recipient: testPersonnummer(602), values: { lank: 'javascript:alert(document.cookie)' } },
      { recipient: testPersonnummer(603), values: { lank: 'data:text/html,<script>x</script>' } },
    ];
    await expect(as(() => batches.create({ template: { name: 'lank' } }, rows, admin, all))).rejects.toMatchObject({
      code: 'UNSAFE_LINK',
      details: { problems: [{ field: 'recipients[1].values' }, { field: 'recipients[2].values' }] },
    });
    expect(await count('mail_send_batch')).toBe(0);
    expect(await count('mail_batch_recipient')).toBe(0);
    // The same template with https links is accepted.
    const accepted = await as(() => batches.create({ template: { name: 'lank' } }, [rows[0]], admin, all));
    expect(accepted.total).toBe(1);
  });

  it('refuses the preview, a direct letter with a relative link, and a template with a fixed unsafe start', async () => {
    await expect(as(() => templates.preview({ name: 'lank' }, 'sv', { lank: 'javascript:alert(1)' }, all))).rejects.toMatchObject({
      code: 'UNSAFE_LINK',
    });
    const messages = new MessageService(db(), directory);
    const before = await count('mail_message');
    await expect(
      as(() =>
        messages.send(
          { recipient: testPersonnummer(604), subject: 's', bodyFormat: 'HTML', body: '<p><a href="/minasidor">Mina sidor</a></p>' },
          admin,
          all,
        ),
      ),
    ).rejects.toMatchObject({ code: 'UNSAFE_LINK', details: { problems: [{ field: 'body' }] } });
    expect(await count('mail_message')).toBe(before);
    await expect(
      saveTemplate(db(), sundsvall, {
        name: 'relativ',
        bodyFormat: 'HTML',
        subject: { sv: 's', en: 's' },
        body: { sv: '<a href="/d/{{id}}">x</a>', en: '<a href="https://x.se/{{id}}">x</a>' },
      }),
    ).rejects.toMatchObject({ code: 'UNSAFE_LINK', details: { problems: [{ field: 'body.sv' }] } });
  });

  it('never delivers a letter whose filled-in link is unsafe, even if its row got past acceptance', async () => {
    const [batch] = await rowsOf(db(), sundsvall, `SELECT id FROM mail_send_batch`);
    // A row as a batch accepted before the check would have stored it.
    await rowsOf(db(), sundsvall, `UPDATE mail_send_batch SET total = total + 1 WHERE id = $1`, [batch.id]);
    await rowsOf(
      db(),
      sundsvall,
      `INSERT INTO mail_batch_recipient (tenant_id, send_batch_id, row_number, recipient_number, recipient_kind, "values") VALUES ($1, $2, 2, $3, 'person', $4)`,
      [sundsvall.id, batch.id, testPersonnummer(605), JSON.stringify({ lank: 'javascript:alert(document.cookie)' })],
    );
    expect(await as(() => expandSendBatches(db(), new PartyRegister(db()), sundsvall.id, 100))).toBe(2);
    const letters = await rowsOf(
      db(),
      sundsvall,
      `SELECT (m.external_references->>'sendBatchRow')::int AS row, m.body, d.status, d.stage, d.status_detail, d.recipient_number
         FROM mail_message m JOIN mail_delivery d ON d.message_id = m.id WHERE m.send_batch_id = $1 ORDER BY 1`,
      [batch.id],
    );
    expect(letters).toEqual([
      {
        row: 1,
        body: '<p><a href="https://sundsvall.se/beslut/1">Läs beslutet</a></p>',
        status: 'PENDING',
        stage: 'REACHABILITY',
        status_detail: null,
        recipient_number: testPersonnummer(601),
      },
      {
        row: 2,
        body: null,
        status: 'FAILED',
        stage: 'DONE',
        status_detail: expect.stringContaining('UNSAFE_LINK'),
        recipient_number: null,
      },
    ]);
  });
});
