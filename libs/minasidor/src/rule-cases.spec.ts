import { randomUUID } from 'node:crypto';
import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES, RuleCaseOpenedData, RuleDecisionMadeData } from '@kommuna/shared-service-contracts';
import { MinasidorValidationError } from './errors';
import { caseInput, createWorld, inTenant, person, SCHEMA, World } from './testing/fixture';

describe("Mina sidor: cases and proactive decisions from a municipality's rules", () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });
  const partyOf = (index: number) => w.parties.partyIdFor('person', person(index).personnummer);
  const emit = (tenant: World['sundsvall'], type: string, data: object) =>
    inTenant(tenant, () => db().transaction((em) => recordEvent(em, { type, source: '/rules', data })));
  const dispatch = () => new OutboxDispatcher(db(), w.minasidor.eventHandlers()).drain();
  const firing = () => ({ firingId: randomUUID(), ruleKey: 'seniorkort-75', ruleVersion: 3, inboundEventId: randomUUID() });

  it('records a proactive decision with its reasons and legal basis on a case of its own, once however often it comes', async () => {
    const decision: RuleDecisionMadeData = {
      ...firing(),
      decisionId: randomUUID(),
      errandNumber: 'REGEL-2026-0A1B2C3D',
      caseType: 'seniorkort',
      decisionType: 'seniorkort',
      title: { sv: 'Seniorkort', en: "Seniors' travel card" },
      unit: 'kollektivtrafik',
      subjectPartyId: await partyOf(60),
      subjectKind: 'person',
      outcome: 'approval',
      automated: true,
      reasons: [
        {
          ruleId: 'seniorkort-75',
          text: { sv: 'Du har fyllt 75 år', en: 'You have turned 75' },
          legalBasis: { sfs: '2017:725', chapter: '2', section: '1' },
        },
      ],
      legalBasis: { sfs: '2017:900', section: '28' },
      decidedAt: '2026-05-02T08:00:00.000Z',
      appealInstructions: { sv: 'Överklaga inom tre veckor', en: 'Appeal within three weeks' },
      validFrom: '2026-05-02',
      validTo: '2031-05-02',
    };
    await emit(w.sundsvall, EVENT_TYPES.ruleDecisionMade, decision);
    await emit(w.sundsvall, EVENT_TYPES.ruleDecisionMade, decision);
    await dispatch();
    const { cases } = await w.minasidor.citizens.myCases(await partyOf(60));
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ errandNumber: 'REGEL-2026-0A1B2C3D', unit: 'kollektivtrafik', municipality: { slug: 'sundsvall' } });
    expect(cases[0].status.label.sv).toBe('Beslut finns');
    expect(cases[0].decisions).toEqual([
      expect.objectContaining({
        externalDecisionId: decision.decisionId,
        outcome: 'approval',
        automated: true,
        legalBasis: { sfs: '2017:900', chapter: null, section: '28' },
        reasons: decision.reasons,
        appealInstructions: decision.appealInstructions,
        validFrom: '2026-05-02',
        validTo: '2031-05-02',
      }),
    ]);
    // Another resident, and Timrå, see nothing of it.
    expect((await w.minasidor.citizens.myCases(await partyOf(61))).cases).toEqual([]);
  });

  it("opens a case in the municipality's turn with the rule's message", async () => {
    const opened: RuleCaseOpenedData = {
      ...firing(),
      errandNumber: 'REGEL-2026-11112222',
      caseType: 'hembesok',
      title: { sv: 'Extra hembesök', en: 'Extra home visit' },
      unit: 'hemtjanst',
      subjectPartyId: await partyOf(62),
      subjectKind: 'person',
      message: { sv: 'Vi kommer på ett extra besök i dag.', en: 'We will pay you an extra visit today.' },
      openedAt: '2026-05-02T07:00:00.000Z',
    };
    await emit(w.timra, EVENT_TYPES.ruleCaseOpened, opened);
    await dispatch();
    const [view] = (await w.minasidor.citizens.myCases(await partyOf(62))).cases;
    expect(view).toMatchObject({ errandNumber: 'REGEL-2026-11112222', whoseTurn: 'municipality', municipality: { slug: 'timra' } });
    expect(JSON.stringify(view.timeline)).toContain('Vi kommer på ett extra besök i dag.');
  });

  it("keeps the rules' source for the event path: a municipal system cannot write a case under it", async () => {
    await expect(
      inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase({ ...caseInput(person(63)), source: 'rules' })),
    ).rejects.toBeInstanceOf(MinasidorValidationError);
  });
});
