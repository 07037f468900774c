import { PartyRegister, Tenant } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { MailScope, MonthlyStatistics, StatisticsService, unitOf, unitScope, WHOLE_MUNICIPALITY } from './index';
import { countByMonth, MonthGrouping } from './statistics.service';
import { digitalMailService, inTenant, TEST_SCHEMA } from './testing/fixtures';

/**
 * The month as the statistics spelled and grouped it before IDX_mail_delivery_created (to_char
 * per letter, sorted): the answers must stay exactly these.
 */
const REFERENCE_GROUPING: MonthGrouping = { month: `to_char(created_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM')`, groupBy: '1, 2' };

describe('digital-mail monthly statistics', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let timra: Tenant;
  let statistics: StatisticsService;

  /** Letters at instants around month ends in Stockholm time (summer and winter time), every status, three units and none. */
  const INSTANTS = [
    '2025-01-31T22:59:59.999Z', // 23:59 on 31 January in Stockholm (CET)
    '2025-01-31T23:00:00.000Z', // 00:00 on 1 February
    '2025-03-30T00:30:00.000Z', // the night summer time starts
    '2025-03-31T21:59:59.999Z', // 23:59 on 31 March (CEST)
    '2025-03-31T22:00:00.000Z', // 00:00 on 1 April
    '2025-10-26T01:30:00.000Z', // the night summer time ends
    '2025-10-31T22:59:59.999Z', // 23:59 on 31 October (CET again)
    '2025-10-31T23:00:00.000Z',
    '2025-12-31T23:00:00.000Z', // 1 January 2026 in Stockholm, still 2025 in UTC
    '2026-06-15T10:00:00.000Z',
  ];
  const OUTCOMES: Array<[string, string | null, string]> = [
    ['SENT', 'digital', 'DONE'],
    ['SENT', 'paper', 'DONE'],
    ['FAILED', null, 'DONE'],
    ['NOT_SENT', null, 'DONE'],
    ['NO_CONTACT_WANTED', null, 'DONE'],
    ['PENDING', null, 'DIGITAL'],
  ];
  const UNITS = ['socialtjanst', 'skola', 'miljo', null];

  async function letters(tenant: Tenant, count: number, salt: number): Promise<void> {
    const party = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(600 + salt));
    await inTenant(tenant, () =>
      db().transaction(async (em) => {
        for (let i = 0; i < count; i++) {
          const at = INSTANTS[(i * 7 + salt) % INSTANTS.length];
          const [status, channel, stage] = OUTCOMES[(i * 5 + salt) % OUTCOMES.length];
          const unit = UNITS[(i * 3 + salt) % UNITS.length];
          const [{ id }] = await em.query(
            `INSERT INTO mail_message (tenant_id, recipient_party_id, recipient_kind, subject, body, body_format, language, support_info,
                                       department, sent_by, sent_by_kind, payload_hash, created_at)
             VALUES ($1, $2, 'person', 'Brev', 'Text', 'TEXT', 'sv', '{}'::jsonb, $3, 'test', 'system', md5($4) || md5($4), $5) RETURNING id`,
            [tenant.id, party, unit, `${salt}-${i}`, at],
          );
          await em.query(
            `INSERT INTO mail_delivery (tenant_id, message_id, recipient_party_id, status, channel, stage, department, attempts,
                                        next_attempt_at, created_at, updated_at, completed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $8, $9)`,
            [tenant.id, id, party, status, channel, stage, unit, at, stage === 'DONE' ? at : null],
          );
        }
      }),
    );
  }

  const reference = (tenant: Tenant, scope: MailScope, range: { from?: Date; to?: Date }): Promise<MonthlyStatistics[]> =>
    inTenant(tenant, () => db().transaction((em) => countByMonth(em, REFERENCE_GROUPING, tenant.id, range, unitOf(scope))));

  beforeAll(async () => {
    [sundsvall, timra] = await createTestTenants(
      db(),
      { slug: 'sundsvall', services: digitalMailService() },
      { slug: 'timra', services: digitalMailService() },
    );
    statistics = new StatisticsService(db());
    await letters(sundsvall, 240, 1);
    await letters(timra, 60, 2);
  });

  it('answers exactly as before, per Stockholm month and unit, for every scope and range', async () => {
    const ranges = [
      {},
      { from: new Date('2025-02-01T00:00:00Z'), to: new Date('2025-11-01T00:00:00Z') },
      { from: new Date('2025-01-31T23:00:00Z') },
      { to: new Date('2025-03-31T22:00:00Z') },
    ];
    const scopes = [WHOLE_MUNICIPALITY, unitScope('socialtjanst'), unitScope('skola'), unitScope('bygglov')];
    for (const range of ranges) {
      for (const scope of scopes) {
        const expected = await reference(sundsvall, scope, range);
        expect(await inTenant(sundsvall, () => statistics.monthly(scope, range))).toEqual(expected);
      }
    }
    // The boundaries fall where Stockholm's months do, and Timrå's letters are not counted.
    const all = await inTenant(sundsvall, () => statistics.monthly(WHOLE_MUNICIPALITY));
    expect(new Set(all.map((r) => r.month))).toEqual(
      new Set(['2025-01', '2025-02', '2025-03', '2025-04', '2025-10', '2025-11', '2026-01', '2026-06']),
    );
    expect(all.reduce((sum, r) => sum + r.total, 0)).toBe(240);
    expect(all.some((r) => r.department === null)).toBe(true);
    expect(all.reduce((sum, r) => sum + r.pending + r.failed + r.notDelivered + r.sentDigitally + r.sentOnPaper, 0)).toBe(240);
  });
});
