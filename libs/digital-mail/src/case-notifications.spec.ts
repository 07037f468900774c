import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { CaseNotificationData, EVENT_TYPES, FormSubmissionReceivedData } from '@kommuna/shared-service-contracts';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { CaseNotificationHandler, MessageService, ResidentNotices, WHOLE_MUNICIPALITY } from './index';
import { digitalMailService, inTenant, rowsOf, TEST_SCHEMA } from './testing/fixtures';

describe('notices of Mina sidor events in the digital mailbox', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let withoutMail: Tenant;
  let directory: TenantDirectory;
  let partyId: string;

  beforeAll(async () => {
    [sundsvall, withoutMail] = await createTestTenants(
      db(),
      { slug: 'sundsvall', services: digitalMailService() },
      { slug: 'utan-post', services: {} },
    );
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config, withoutMail.config]);
    partyId = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(7));
  });

  const notify = (tenant: Tenant, type: string) =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        recordEvent<CaseNotificationData>(em, {
          type,
          source: '/minasidor',
          data: {
            caseId: '5f0e8a52-2a0c-4d0a-9a51-7c1d1a2b3c4d',
            errandNumber: 'SKM-2026-000042',
            subjectPartyId: partyId,
            title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
            statusLabel: { sv: 'Beslut finns', en: 'Decision made' },
            occurredAt: '2026-11-25T10:00:00.000Z',
          },
        }),
      ),
    );

  it('sends one digital-only notice per event, saying where to read more and nothing of the content', async () => {
    const handler = new CaseNotificationHandler(directory);
    const eventId = await notify(sundsvall, EVENT_TYPES.caseDecisionRecorded);
    await new OutboxDispatcher(db(), [handler]).drain();

    const messages = await rowsOf(
      db(),
      sundsvall,
      `SELECT id, recipient_party_id, subject, body, allow_paper, idempotency_key, sent_by, external_references FROM mail_message`,
    );
    expect(messages).toEqual([
      expect.objectContaining({
        recipient_party_id: partyId,
        subject: 'Det finns ett beslut i ditt ärende: SKM-2026-000042',
        allow_paper: false,
        idempotency_key: `case-notice:${eventId}`,
        sent_by: 'minasidor-notices',
        external_references: { caseId: '5f0e8a52-2a0c-4d0a-9a51-7c1d1a2b3c4d', errandNumber: 'SKM-2026-000042' },
      }),
    ]);
    expect(messages[0].body).toContain('Logga in på Mina sidor');
    expect(messages[0].body).not.toContain(testPersonnummer(7));
    // The letter enters the ordinary delivery pipeline.
    expect(await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM mail_delivery WHERE message_id = $1`, [messages[0].id])).toEqual([
      { n: 1 },
    ]);

    // The same event delivered again (at least once) sends nothing more.
    const [event] = await rowsOf(
      db(),
      sundsvall,
      `SELECT id, tenant_id, type, source, subject, data, occurred_at, attempts FROM outbox_event WHERE id = $1`,
      [eventId],
    );
    await inTenant(sundsvall, () =>
      db().transaction((em) =>
        handler.handle(
          {
            id: event.id,
            tenantId: event.tenant_id,
            type: event.type,
            source: event.source,
            subject: event.subject,
            data: event.data,
            occurredAt: event.occurred_at,
            attempts: 0,
          },
          em,
        ),
      ),
    );
    expect(await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM mail_message`)).toEqual([{ n: 1 }]);
  });

  const received = (tenant: Tenant, overrides: Partial<FormSubmissionReceivedData>) =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        recordEvent<FormSubmissionReceivedData>(em, {
          type: EVENT_TYPES.formSubmissionReceived,
          source: '/e-forms',
          data: {
            submissionId: '0b7a3c1e-5d1f-4c55-8f0e-2b9d6c7a1e42',
            formSlug: 'parkeringstillstand',
            formVersion: '1.0',
            caseType: 'parkeringstillstand',
            errandNumber: 'PTS-2026-000007',
            title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
            unit: 'socialtjanst',
            subjectPartyId: partyId,
            subjectKind: 'person',
            submittedAt: '2026-11-25T10:00:00.000Z',
            ...overrides,
          },
        }),
      ),
    );

  it("sends a notice of receipt when the form's rule asks for one in digital mail, and only then", async () => {
    const before = await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM mail_message`);
    const eventId = await received(sundsvall, { notices: [{ channel: 'digital-mail', recipient: 'applicant' }] });
    await received(sundsvall, { notices: [] }); // the form says nothing about receipt
    await received(sundsvall, {}); // nor does an event without the rule
    await received(sundsvall, {
      notices: [
        { channel: 'email', recipient: 'applicant' },
        { channel: 'digital-mail', recipient: 'unit' },
      ],
    }); // not digital mail to the applicant
    await received(sundsvall, { notices: [{ channel: 'digital-mail', recipient: 'applicant' }], subjectPartyId: null, subjectKind: null }); // anonymous: nobody to tell
    await new OutboxDispatcher(db(), [new CaseNotificationHandler(directory)]).drain();

    const messages = await rowsOf(
      db(),
      sundsvall,
      `SELECT recipient_party_id, subject, body, allow_paper, department, idempotency_key, external_references FROM mail_message WHERE idempotency_key = $1`,
      [`case-notice:${eventId}`],
    );
    expect(messages).toEqual([
      expect.objectContaining({
        recipient_party_id: partyId,
        subject: 'Vi har tagit emot ditt ärende: PTS-2026-000007',
        allow_paper: false,
        department: 'socialtjanst',
        external_references: { submissionId: '0b7a3c1e-5d1f-4c55-8f0e-2b9d6c7a1e42', errandNumber: 'PTS-2026-000007' },
      }),
    ]);
    expect(messages[0].body).toContain('Logga in på Mina sidor');
    expect(await rowsOf(db(), sundsvall, `SELECT count(*)::int AS n FROM mail_message`)).toEqual([{ n: before[0].n + 1 }]);
  });

  it('sends nothing for a municipality that does not use digital mail', async () => {
    await notify(withoutMail, EVENT_TYPES.caseStatusChanged);
    expect(await new OutboxDispatcher(db(), [new CaseNotificationHandler(directory)]).drain()).toBe(1);
    expect(await rowsOf(db(), withoutMail, `SELECT count(*)::int AS n FROM mail_message`)).toEqual([{ n: 0 }]);
  });

  it("lists a resident's own notices for Mina sidor, newest first: not another person's, not a case worker's letter, not another municipality's", async () => {
    const notices = new ResidentNotices(db());
    const mine = await inTenant(sundsvall, () => notices.of(partyId));
    expect(mine.map((n) => [n.subject, n.errandNumber])).toEqual([
      ['Vi har tagit emot ditt ärende: PTS-2026-000007', 'PTS-2026-000007'],
      ['Det finns ett beslut i ditt ärende: SKM-2026-000042', 'SKM-2026-000042'],
    ]);
    expect(mine[0]).toEqual({
      id: expect.any(String),
      subject: expect.any(String),
      errandNumber: 'PTS-2026-000007',
      sentAt: expect.any(Date),
      status: expect.any(String),
    });
    // A case worker's letter to the same person is read in the mailbox, not listed as a notice.
    await inTenant(sundsvall, () =>
      new MessageService(db(), directory).send(
        { recipient: testPersonnummer(7), subject: 'Kallelse till möte', body: 'Välkommen den 3 mars.', allowPaper: false },
        { kind: 'user', id: 'handlaggare' },
        WHOLE_MUNICIPALITY,
      ),
    );
    expect(await inTenant(sundsvall, () => notices.of(partyId))).toHaveLength(2);
    const someoneElse = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(8));
    expect(await inTenant(sundsvall, () => notices.of(someoneElse))).toEqual([]);
    expect(await inTenant(withoutMail, () => notices.of(partyId))).toEqual([]);
  });
});
