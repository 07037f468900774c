import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { OutboxEvent } from '@kommuna/platform-events';
import { tenantTableProblems, tenantTableSecurity, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES, FormSubmissionReceivedData } from '@kommuna/shared-service-contracts';
import { automatedApproval, createWorld, inTenant, SCHEMA, submissionReceived, World } from './testing/fixture';

/**
 * An e-forms event that comes before its submission's case waits in Mina sidor's own table
 * (minasidor_waiting_submission_event), never read from the outbox: these tests hand the events to
 * Mina sidor's handler directly, with nothing in outbox_event at all.
 */
describe('e-forms events that come before their case', () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });

  const handler = () => w.minasidor.eventHandlers()[0];
  const event = (type: string, data: object): OutboxEvent => ({
    id: randomUUID(),
    tenantId: w.timra.id,
    type,
    source: '/e-forms',
    subject: null,
    data,
    occurredAt: new Date('2025-05-01T08:00:00.000Z'),
    attempts: 0,
  });
  const handleIn = (tenant: World['timra'], e: OutboxEvent, beforeCommit: () => Promise<unknown> = async () => undefined) =>
    inTenant(tenant, () =>
      db().transaction(async (em) => {
        await handler().handle(e, em);
        await beforeCommit();
      }),
    );
  const inTimra = <T>(work: (em: EntityManager) => Promise<T>) => inTenant(w.timra, () => db().transaction(work));
  const waiting = (tenant: World['timra']) =>
    inTenant(tenant, () =>
      db().transaction((em) => em.query(`SELECT event_id, submission_id, type FROM minasidor_waiting_submission_event`)),
    );

  const submission = (index: number) => submissionReceived(w.parties, index);
  const caseOf = async (data: FormSubmissionReceivedData) =>
    (await w.minasidor.citizens.myCases(data.subjectPartyId as string)).cases.find((c) => c.externalCaseId === data.submissionId);

  it('keeps a decision that comes first, once however often it is delivered, and applies it when the submission makes the case', async () => {
    const data = await submission(60);
    const decision = event(EVENT_TYPES.formDecisionMade, automatedApproval(data, 'auto-60'));
    await handleIn(w.timra, decision);
    await handleIn(w.timra, decision); // delivered twice
    expect(await waiting(w.timra)).toEqual([
      { event_id: decision.id, submission_id: data.submissionId, type: EVENT_TYPES.formDecisionMade },
    ]);
    expect(await caseOf(data)).toBeUndefined();
    expect(await inTimra((em) => em.query(`SELECT count(*)::int AS n FROM outbox_event`))).toEqual([{ n: 0 }]);

    await handleIn(w.timra, event(EVENT_TYPES.formSubmissionReceived, data));
    const view = await caseOf(data);
    expect(view?.status.label.sv).toBe('Beslut finns');
    expect(view?.decisions.map((d) => [d.externalDecisionId, d.outcome, d.automated])).toEqual([['auto-60', 'approval', true]]);
    expect(await waiting(w.timra)).toEqual([]);

    // Delivered once more after the case exists: nothing new, nothing waits.
    await handleIn(w.timra, decision);
    expect((await caseOf(data))?.decisions).toHaveLength(1);
    expect(await waiting(w.timra)).toEqual([]);
  });

  it("keeps a waiting event to its municipality: Sundsvall's context neither sees nor takes Timrå's", async () => {
    const data = await submission(61);
    const decision = event(EVENT_TYPES.formDecisionMade, automatedApproval(data, 'auto-61'));
    await handleIn(w.timra, decision);
    expect(await waiting(w.sundsvall)).toEqual([]);
    // The same submission id arriving in Sundsvall makes Sundsvall's case, without Timrå's decision.
    await handleIn(w.sundsvall, { ...event(EVENT_TYPES.formSubmissionReceived, data), tenantId: w.sundsvall.id });
    const sundsvallCase = (await w.minasidor.citizens.myCases(data.subjectPartyId as string)).cases.find(
      (c) => c.municipality.slug === 'sundsvall',
    );
    expect(sundsvallCase?.decisions).toEqual([]);
    expect(await waiting(w.timra)).toHaveLength(1);

    const [table] = (await tenantTableSecurity(db())).filter((t) => t.table === 'minasidor_waiting_submission_event');
    expect(table).toMatchObject({ enabled: true, forced: true });
    expect(tenantTableProblems(table)).toEqual([]);
  });

  it('applies the decision whichever of two concurrent transactions commits first (on PostgreSQL they overlap)', async () => {
    // The submission's case is made and, while that transaction is still open, the decision comes.
    const first = await submission(62);
    let caseMade!: () => void;
    const made = new Promise<void>((resolve) => (caseMade = resolve));
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    const making = handleIn(w.timra, event(EVENT_TYPES.formSubmissionReceived, first), async () => {
      caseMade();
      await pause();
    });
    await Promise.race([made, making]);
    await Promise.all([making, handleIn(w.timra, event(EVENT_TYPES.formDecisionMade, automatedApproval(first, 'auto-62')))]);
    expect((await caseOf(first))?.decisions.map((d) => d.externalDecisionId)).toEqual(['auto-62']);

    // The decision waits and, while that transaction is still open, the submission makes the case.
    const second = await submission(63);
    let parked!: () => void;
    const waited = new Promise<void>((resolve) => (parked = resolve));
    const waitingDecision = handleIn(w.timra, event(EVENT_TYPES.formDecisionMade, automatedApproval(second, 'auto-63')), async () => {
      parked();
      await pause();
    });
    await Promise.race([waited, waitingDecision]);
    await Promise.all([waitingDecision, handleIn(w.timra, event(EVENT_TYPES.formSubmissionReceived, second))]);
    expect((await caseOf(second))?.decisions.map((d) => d.externalDecisionId)).toEqual(['auto-63']);
    expect((await waiting(w.timra)).filter((row: { submission_id: string }) => row.submission_id === second.submissionId)).toEqual([]);
  });
});
