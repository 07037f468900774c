import { randomUUID } from 'node:crypto';
import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { EVENT_TYPES, RuleLetterRequestedData } from '@kommuna/shared-service-contracts';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { RuleLetterHandler } from './rule-letters';
import { digitalMailService, inTenant, rowsOf, saveTemplate, TEST_SCHEMA } from './testing/fixtures';

describe("letters a municipality's rules ask for", () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let timra: Tenant;
  let directory: TenantDirectory;
  let partyId: string;

  beforeAll(async () => {
    [sundsvall, timra] = await createTestTenants(
      db(),
      { slug: 'sundsvall', services: digitalMailService() },
      { slug: 'timra', services: digitalMailService() },
    );
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config, timra.config]);
    partyId = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(8));
    await saveTemplate(db(), sundsvall, {
      name: 'pollenvarning',
      subject: { sv: 'Höga pollenhalter i {{omrade}}', en: 'High pollen in {{omrade}}' },
      body: { sv: 'Hej! Höga halter i {{omrade}}.', en: 'Hi! High levels in {{omrade}}.' },
      department: 'hemtjanst',
    });
  });

  const request = (tenant: Tenant, templateName = 'pollenvarning') =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        recordEvent<RuleLetterRequestedData>(em, {
          type: EVENT_TYPES.ruleLetterRequested,
          source: '/rules',
          data: {
            firingId: randomUUID(),
            ruleKey: 'pollen-letter',
            ruleVersion: 2,
            inboundEventId: randomUUID(),
            letterId: randomUUID(),
            templateName,
            recipientPartyId: partyId,
            unit: 'hemtjanst',
            values: { omrade: 'Haga' },
            requestedAt: '2026-05-02T07:00:00.000Z',
          },
        }),
      ),
    );

  it("sends the template's newest version filled with the rule's values", async () => {
    await request(sundsvall);
    const errors: string[] = [];
    await new OutboxDispatcher(db(), [new RuleLetterHandler(directory)], { onError: (e) => errors.push(e.message) }).drain();
    expect(errors).toEqual([]);
    const messages = await rowsOf(
      db(),
      sundsvall,
      `SELECT recipient_party_id, subject, body, department, sent_by, external_references FROM mail_message`,
    );
    expect(messages).toEqual([
      expect.objectContaining({
        recipient_party_id: partyId,
        subject: 'Höga pollenhalter i Haga',
        body: 'Hej! Höga halter i Haga.',
        department: 'hemtjanst',
        sent_by: 'rule:pollen-letter',
        external_references: expect.objectContaining({ ruleKey: 'pollen-letter', ruleVersion: '2' }),
      }),
    ]);
  });

  it("keeps the event when the municipality has no such template (another municipality's does not count)", async () => {
    await request(timra);
    const errors: string[] = [];
    await new OutboxDispatcher(db(), [new RuleLetterHandler(directory)], { onError: (e) => errors.push(e.message) }).dispatchOnce();
    expect(errors).toEqual([expect.stringContaining('pollenvarning')]);
    expect(await rowsOf(db(), timra, `SELECT id FROM mail_message`)).toEqual([]);
  });
});
