import { randomUUID } from 'node:crypto';
import { AuditLog } from '@kommuna/platform-audit';
import { requestContext } from '@kommuna/platform-tenancy';
import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { useTestDatabase } from '@kommuna/platform-testing';
import {
  EVENT_TYPES,
  FormCompletionProvidedData,
  FormDecisionMadeData,
  FormSubmissionReceivedData,
} from '@kommuna/shared-service-contracts';
import { CaseClosedError, CaseConflictError, CaseNotFoundError, CaseView, MinasidorValidationError, UnitRequiredError } from './index';
import {
  automatedApproval,
  caseInput,
  countStatements,
  createWorld,
  inTenant,
  person,
  SCHEMA,
  submissionReceived,
  World,
} from './testing/fixture';

describe('Mina sidor', () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });

  const partyOf = (index: number) => w.parties.partyIdFor('person', person(index).personnummer);
  const outbox = (tenant: World['sundsvall'], type?: string) =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        em.query(
          `SELECT type, subject, data, published_at FROM outbox_event WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY occurred_at, id`,
          [tenant.id, type ?? null],
        ),
      ),
    );

  describe('the citizen view across municipalities', () => {
    it("shows a citizen their cases from both municipalities, each labelled, and nothing of anyone else's", async () => {
      const a = await inTenant(w.sundsvall, () =>
        w.minasidor.intake.upsertCase(caseInput(person(1), { title: { sv: 'Bygglov', en: 'Building permit' } })),
      );
      const b = await inTenant(w.timra, () =>
        w.minasidor.intake.upsertCase(caseInput(person(1), { title: { sv: 'Parkering', en: 'Parking' } })),
      );
      await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(person(2))));
      await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(2))));

      const page = await w.minasidor.citizens.myCases(await partyOf(1));
      expect(page.cases.map((c) => [c.id, c.municipality.slug, c.title.sv, c.status.label.sv]).sort()).toEqual(
        [
          [a.caseId, 'sundsvall', 'Bygglov', 'Inskickat'],
          [b.caseId, 'timra', 'Parkering', 'Inskickat'],
        ].sort(),
      );
      expect(page.cases.find((c) => c.id === b.caseId)?.municipality.names).toEqual(w.timra.names);
      expect(page.cases[0].timeline).toEqual([
        expect.objectContaining({ kind: 'received', becameCurrent: true, whoseTurn: 'municipality' }),
      ]);
    });

    it("keeps to the citizen's own cases even when the request also names a municipality", async () => {
      const me = await partyOf(1);
      const mine = await requestContext.run({ tenantId: w.timra.id, tenantSlug: 'timra', subjectId: me }, () =>
        w.minasidor.citizens.myCases(me),
      );
      expect(new Set(mine.cases.map((c) => c.subjectPartyId))).toEqual(new Set([me]));
      expect(mine.cases.map((c) => c.municipality.slug).sort()).toEqual(['sundsvall', 'timra']);
    });

    it("answers NOT_FOUND for another person's case, and for a case id that is no case", async () => {
      const other = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(3))));
      const me = await partyOf(1);
      await expect(w.minasidor.citizens.myCase(me, other.caseId)).rejects.toBeInstanceOf(CaseNotFoundError);
      await expect(w.minasidor.citizens.myCase(me, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(w.minasidor.citizens.reply(me, other.caseId, 'hej')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await w.minasidor.citizens.myCase(await partyOf(3), other.caseId)).id).toBe(other.caseId);
    });

    it('pages with a cursor, filters by municipality and status, and shows drafts only when asked', async () => {
      const citizen = person(10);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const tenant = i % 2 ? w.timra : w.sundsvall;
        ids.push((await inTenant(tenant, () => w.minasidor.intake.upsertCase(caseInput(citizen)))).caseId);
      }
      const draft = await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(citizen, { status: 'draft' })));
      const me = await partyOf(10);

      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await w.minasidor.citizens.myCases(me, { first: 2, after });
        seen.push(...page.cases.map((c) => c.id));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen).toEqual([...ids].reverse());
      expect((await w.minasidor.citizens.myCases(me, { includeDrafts: true, first: 50 })).cases.map((c) => c.id)).toContain(draft.caseId);
      const drafts = await w.minasidor.citizens.myCases(me, { includeDrafts: true, statuses: ['saved'] });
      expect(drafts.cases.map((c) => [c.id, c.status.label])).toEqual([[draft.caseId, { sv: 'Sparat', en: 'Saved' }]]);
      const inTimra = await w.minasidor.citizens.myCases(me, { municipality: 'timra' });
      expect(inTimra.cases.map((c) => c.id).sort()).toEqual([ids[1], ids[3]].sort());
      await expect(w.minasidor.citizens.myCases(me, { after: 'bm9wZQ' })).rejects.toBeInstanceOf(MinasidorValidationError);
      await expect(w.minasidor.citizens.myCases(me, { first: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(w.minasidor.citizens.myCases(me, { municipality: 'gotham' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    });

    it('loads a page with the same, small number of statements whatever its size (no N+1)', async () => {
      const citizen = person(20);
      for (let i = 0; i < 20; i++) {
        const tenant = i % 2 ? w.timra : w.sundsvall;
        await inTenant(tenant, async () => {
          const c = caseInput(citizen);
          await w.minasidor.intake.upsertCase(c);
          await w.minasidor.intake.recordStatus({ ...c, status: 'in_progress', occurredAt: new Date(Date.UTC(2025, 5, 1, 0, i)) });
          await w.minasidor.intake.postMessage({ ...c, externalMessageId: 'm1', body: 'Hej' });
          await w.minasidor.intake.recordDecision({
            ...c,
            externalDecisionId: 'd1',
            decisionType: 't',
            outcome: 'approval',
            decidedAt: new Date(Date.UTC(2025, 6, 1)),
          });
        });
      }
      const me = await partyOf(20);
      const five = await countStatements(db(), () => w.minasidor.citizens.myCases(me, { first: 5 }));
      const twenty = await countStatements(db(), () => w.minasidor.citizens.myCases(me, { first: 20 }));
      expect(five.result.cases).toHaveLength(5);
      expect(twenty.result.cases).toHaveLength(20);
      expect(
        twenty.result.cases.every(
          (c) => c.timeline.length === 3 && c.decisions.length === 1 && c.messages.length === 1 && c.unreadCount === 1,
        ),
      ).toBe(true);
      // START TRANSACTION, set_config, the page with its details, COMMIT.
      expect(twenty.statements).toHaveLength(five.statements.length);
      expect(five.statements).toHaveLength(4);
    });
  });

  describe('municipal systems', () => {
    it("records a system's status update in the timeline and makes it the case's status", async () => {
      const input = caseInput(person(30));
      const { caseId } = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
      const result = await inTenant(w.sundsvall, () =>
        w.minasidor.intake.recordStatus({
          ...input,
          status: 'utredning',
          occurredAt: new Date('2025-03-01T10:00:00Z'),
          text: { sv: 'Utredning pågår', en: 'Under investigation' },
        }),
      );
      expect(result).toMatchObject({ caseId, outcome: 'current', replayed: false });
      const view = await w.minasidor.citizens.myCase(await partyOf(30), caseId);
      expect(view.status).toMatchObject({
        internalStatus: 'utredning',
        status: 'in_progress',
        label: { sv: 'Under behandling', en: 'In progress' },
      });
      expect(view.timeline.map((e) => [e.kind, e.text?.sv ?? null])).toEqual([
        ['received', null],
        ['status_changed', 'Utredning pågår'],
      ]);
      const [notice] = (await outbox(w.sundsvall, EVENT_TYPES.caseStatusChanged)).filter((e: any) => e.subject === caseId);
      expect(notice.data).toMatchObject({ caseId, subjectPartyId: await partyOf(30), statusLabel: { sv: 'Under behandling' } });
      expect(JSON.stringify(notice.data)).not.toContain(person(30).personnummer);
    });

    it('changes nothing when the same writes are replayed', async () => {
      const input = caseInput(person(31));
      const update = { ...input, status: 'in_progress', occurredAt: new Date('2025-03-02T10:00:00Z') };
      const decision = {
        ...input,
        externalDecisionId: 'B-1',
        decisionType: 'bistand',
        outcome: 'approval' as const,
        decidedAt: new Date('2025-03-03T10:00:00Z'),
      };
      const message = { ...input, externalMessageId: 'M-1', body: 'Beslut skickat' };
      const writeAll = () =>
        inTenant(w.timra, async () => [
          await w.minasidor.intake.upsertCase(input),
          await w.minasidor.intake.recordStatus(update),
          await w.minasidor.intake.recordDecision(decision),
          await w.minasidor.intake.postMessage(message),
        ]);
      const first = await writeAll();
      const snapshot = async () => ({
        view: await w.minasidor.citizens.myCase(await partyOf(31), first[0].caseId),
        events: (await outbox(w.timra)).length,
      });
      const before = await snapshot();
      const again = await writeAll();
      expect(again.map((r) => r.replayed)).toEqual([true, true, true, true]);
      expect(await snapshot()).toEqual(before);
      expect(before.view.status.label.sv).toBe('Beslut finns');
      expect(before.view.timeline.map((e) => e.kind)).toEqual(['received', 'in_progress', 'decided']);
    });

    it('keeps an out-of-order status update as history without overwriting the newer status', async () => {
      const input = caseInput(person(32));
      await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
      await inTenant(w.sundsvall, () =>
        w.minasidor.intake.recordStatus({ ...input, status: 'closed', occurredAt: new Date('2025-04-10T00:00:00Z') }),
      );
      const late = await inTenant(w.sundsvall, () =>
        w.minasidor.intake.recordStatus({ ...input, status: 'in_progress', occurredAt: new Date('2025-04-01T00:00:00Z') }),
      );
      expect(late.outcome).toBe('history');
      const view = await w.minasidor.citizens.myCase(await partyOf(32), late.caseId);
      expect(view.status).toMatchObject({ internalStatus: 'closed', label: { sv: 'Avslutat', en: 'Closed' } });
      expect(view.status.changedAt.toISOString()).toBe('2025-04-10T00:00:00.000Z');
      expect(view.timeline.map((e) => [e.kind, e.becameCurrent])).toEqual([
        ['received', true],
        ['in_progress', false],
        ['closed', true],
      ]);
    });

    it("cannot reach another municipality's case: the key addresses only the caller's municipality", async () => {
      const input = caseInput(person(33));
      const sundsvallCase = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
      await expect(
        inTenant(w.timra, () =>
          w.minasidor.intake.recordStatus({ ...input, status: 'closed', occurredAt: new Date('2030-01-01T00:00:00Z') }),
        ),
      ).rejects.toBeInstanceOf(CaseNotFoundError);
      // The same key in Timrå is Timrå's own case; Sundsvall's is untouched.
      const timraCase = await inTenant(w.timra, () => w.minasidor.intake.upsertCase({ ...input, title: { sv: 'Timrås', en: "Timrå's" } }));
      expect(timraCase.caseId).not.toBe(sundsvallCase.caseId);
      const sundsvallView = await w.minasidor.citizens.myCase(await partyOf(33), sundsvallCase.caseId);
      expect([sundsvallView.title.sv, sundsvallView.status.internalStatus, sundsvallView.municipality.slug]).toEqual([
        input.title.sv,
        'received',
        'sundsvall',
      ]);
      // Row-level security: Timrå's context does not even see Sundsvall's rows, whatever the query.
      const visible = await inTenant(w.timra, () =>
        db().transaction((em) => em.query(`SELECT id FROM minasidor_case WHERE id = $1`, [sundsvallCase.caseId])),
      );
      expect(visible).toEqual([]);
    });

    it('refuses bad input with field errors and never repeats an identity number', async () => {
      const bad = caseInput({ personnummer: '199001019803' });
      const error = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(bad)).catch((e) => e);
      expect(error).toBeInstanceOf(MinasidorValidationError);
      expect(error.message).not.toContain('199001019803');
      await expect(
        inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(1), { source: 'e-forms' }))),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput({})))).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(
        inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(1), { title: { sv: '', en: 'x' }, unit: 'Bad Unit' }))),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'unit' })]) });
      const input = caseInput(person(34));
      await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
      await expect(inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase({ ...input, subject: person(35) }))).rejects.toBeInstanceOf(
        CaseConflictError,
      );
    });
  });

  describe('e-forms submissions', () => {
    const submission = (index: number, overrides: Partial<FormSubmissionReceivedData> = {}) =>
      submissionReceived(w.parties, index, overrides);
    const emit = (type: string, data: object) =>
      inTenant(w.timra, () => db().transaction((em) => recordEvent(em, { type, source: '/e-forms', data })));
    const dispatch = () => new OutboxDispatcher(db(), w.minasidor.eventHandlers()).drain();
    /** E-forms asks for a medical certificate on the submission. */
    const requestCompletion = (data: FormSubmissionReceivedData) =>
      emit(EVENT_TYPES.formCompletionRequested, {
        submissionId: data.submissionId,
        errandNumber: data.errandNumber,
        requestedAt: '2025-05-02T08:00:00.000Z',
        subjectPartyId: data.subjectPartyId,
        message: { sv: 'Bifoga läkarintyg', en: 'Attach a medical certificate' },
      });

    it('turns a submission into a case, once, however often the event is delivered', async () => {
      const data = await submission(40);
      await emit(EVENT_TYPES.formSubmissionReceived, data);
      await emit(EVENT_TYPES.formSubmissionReceived, data); // delivered twice
      await dispatch();
      const page = await w.minasidor.citizens.myCases(await partyOf(40));
      expect(page.cases).toHaveLength(1);
      expect(page.cases[0]).toMatchObject({
        source: 'e-forms',
        externalCaseId: data.submissionId,
        submissionId: data.submissionId,
        errandNumber: 'TK-40',
        unit: 'trafik',
        municipality: { slug: 'timra' },
      });
      expect(page.cases[0].timeline).toHaveLength(1);
    });

    it('records an automated decision sent in the same transaction as its submission, in either order', async () => {
      const data = await submission(41);
      const decision = automatedApproval(data, 'auto-1');
      await inTenant(w.timra, () =>
        db().transaction(async (em) => {
          await recordEvent(em, { type: EVENT_TYPES.formDecisionMade, source: '/e-forms', data: decision });
          await recordEvent(em, { type: EVENT_TYPES.formSubmissionReceived, source: '/e-forms', data });
        }),
      );
      await dispatch();
      const [view] = (await w.minasidor.citizens.myCases(await partyOf(41))).cases;
      expect(view.status.label.sv).toBe('Beslut finns');
      expect(view.decisions).toEqual([
        expect.objectContaining({
          externalDecisionId: 'auto-1',
          outcome: 'approval',
          automated: true,
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
          reasons: decision.reasons,
        }),
      ]);
      const notices = (await outbox(w.timra, EVENT_TYPES.caseDecisionRecorded)).filter((e: any) => e.subject === view.id);
      expect(notices).toHaveLength(1);
    });

    it("marks a completion request as the citizen's turn, and ignores anonymous submissions", async () => {
      const data = await submission(42);
      await emit(EVENT_TYPES.formSubmissionReceived, data);
      await requestCompletion(data);
      const anonymous = await submission(43, { subjectPartyId: null, subjectKind: null });
      await emit(EVENT_TYPES.formSubmissionReceived, anonymous);
      await dispatch();
      const [view] = (await w.minasidor.citizens.myCases(await partyOf(42))).cases;
      expect([view.status.label.sv, view.whoseTurn, view.timeline[1].text?.sv]).toEqual([
        'Komplettering behövs',
        'citizen',
        'Bifoga läkarintyg',
      ]);
      const eforms = (await outbox(w.timra)).filter((e: any) => e.type.startsWith('se.kommuna.eforms'));
      expect(eforms.length).toBeGreaterThan(0);
      expect(eforms.filter((e: any) => e.published_at === null)).toEqual([]);
      const anonymousCase = await inTenant(w.timra, () =>
        db().transaction((em) => w.minasidor.intake.findCase(em, { source: 'e-forms', externalCaseId: anonymous.submissionId })),
      );
      expect(anonymousCase).toBeUndefined();
    });

    it("shows the completion as given: the municipality's turn again, with no notice for what the citizen did", async () => {
      const data = await submission(44);
      await emit(EVENT_TYPES.formSubmissionReceived, data);
      await requestCompletion(data);
      await dispatch();
      const provided: FormCompletionProvidedData = {
        submissionId: data.submissionId,
        errandNumber: data.errandNumber,
        providedAt: '2025-05-03T08:00:00.000Z',
        subjectPartyId: data.subjectPartyId,
      };
      await emit(EVENT_TYPES.formCompletionProvided, provided);
      await emit(EVENT_TYPES.formCompletionProvided, provided); // delivered twice
      await dispatch();
      const [view] = (await w.minasidor.citizens.myCases(await partyOf(44))).cases;
      expect([view.status.label.sv, view.whoseTurn]).toEqual(['Inskickat', 'municipality']);
      expect(view.timeline.map((e) => [e.kind, e.text?.sv ?? null])).toEqual([
        ['received', null],
        ['completion_requested', 'Bifoga läkarintyg'],
        ['completion_provided', 'Du har skickat in kompletteringen.'],
      ]);
      const statusNotices = (await outbox(w.timra, EVENT_TYPES.caseStatusChanged)).filter((e: any) => e.subject === view.id);
      expect(statusNotices).toHaveLength(1); // the request's, not the citizen's own answer
    });

    it('shows a decision with its validity and its document link, never an unsafe link', async () => {
      const data = await submission(45);
      await emit(EVENT_TYPES.formSubmissionReceived, data);
      const decision: FormDecisionMadeData = {
        submissionId: data.submissionId,
        errandNumber: data.errandNumber,
        decisionId: 'manual-45',
        decisionType: 'parkeringstillstand',
        outcome: 'approval',
        automated: false,
        decidedAt: '2025-05-04T08:00:00.000Z',
        subjectPartyId: data.subjectPartyId,
        reasons: [{ ruleId: 'manual', text: { sv: 'Behovet är styrkt', en: 'The need is established' } }],
        validFrom: '2025-05-04',
        validTo: '2028-05-03',
        documents: [
          { name: 'Beslut TK-45.pdf', url: '/e-forms/decisions/manual-45/document.pdf', ref: 'e-forms/decision/manual-45' },
          { name: 'Elak.pdf', url: 'javascript:alert(1)' },
        ],
      };
      await emit(EVENT_TYPES.formDecisionMade, decision);
      await dispatch();
      const [view] = (await w.minasidor.citizens.myCases(await partyOf(45))).cases;
      expect(view.decisions).toEqual([
        expect.objectContaining({
          externalDecisionId: 'manual-45',
          validFrom: '2025-05-04',
          validTo: '2028-05-03',
          documents: [
            { name: 'Beslut TK-45.pdf', url: '/e-forms/decisions/manual-45/document.pdf', ref: 'e-forms/decision/manual-45' },
            { name: 'Elak.pdf' },
          ],
        }),
      ]);
      const [stored] = await inTenant(w.timra, () =>
        db().transaction((em) => em.query(`SELECT documents FROM minasidor_decision WHERE external_decision_id = 'manual-45'`)),
      );
      expect(JSON.stringify(stored.documents)).not.toContain('javascript');
    });
  });

  describe('messages', () => {
    it('lets the citizen read and reply until the case is closed', async () => {
      const input = caseInput(person(50));
      const { caseId } = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
      await inTenant(w.sundsvall, () =>
        w.minasidor.intake.postMessage({ ...input, externalMessageId: 'q1', body: 'Kan du skicka kontoutdrag?' }),
      );
      const me = await partyOf(50);
      expect((await w.minasidor.citizens.myCase(me, caseId)).unreadCount).toBe(1);
      expect(await w.minasidor.citizens.markMessagesRead(me, caseId)).toBe(1);
      const replied = await w.minasidor.citizens.reply(me, caseId, '  Här kommer de.  ');
      expect(replied.unreadCount).toBe(0);
      expect(replied.messages.map((m) => [m.author, m.body, m.readAt === null])).toEqual([
        ['municipality', 'Kan du skicka kontoutdrag?', false],
        ['citizen', 'Här kommer de.', true],
      ]);
      expect((await outbox(w.sundsvall, EVENT_TYPES.caseMessagePosted)).filter((e: any) => e.subject === caseId)).toHaveLength(1);
      // Sundsvall maps its own "vilande" to Avslutat: closed is closed whatever the internal word.
      await inTenant(w.sundsvall, () =>
        w.minasidor.intake.recordStatus({ ...input, status: 'vilande', occurredAt: new Date('2026-01-01T00:00:00Z') }),
      );
      await expect(w.minasidor.citizens.reply(me, caseId, 'En sak till')).rejects.toBeInstanceOf(CaseClosedError);
      await expect(w.minasidor.citizens.reply(me, caseId, '   ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  // Company mode reads Mina ombud: representations.spec.ts, against the simulator.

  describe('staff view', () => {
    it("shows a case worker their own unit's cases only, and records every case read", async () => {
      const school = caseInput(person(70), { unit: 'skola' });
      const social = caseInput(person(70), { unit: 'socialtjanst' });
      const schoolCase = await inTenant(w.timra, () => w.minasidor.intake.upsertCase(school));
      const socialCase = await inTenant(w.timra, () => w.minasidor.intake.upsertCase(social));
      const teacher = { subject: 'staff-skola-1', unit: 'skola' };

      const listed = await inTenant(w.timra, () => w.minasidor.staff.list(teacher, { first: 100 }));
      expect(listed.cases.map((c) => c.id)).toContain(schoolCase.caseId);
      expect(listed.cases.every((c) => c.unit === 'skola' && c.municipality.slug === 'timra')).toBe(true);
      await expect(inTenant(w.timra, () => w.minasidor.staff.read(teacher, socialCase.caseId))).rejects.toBeInstanceOf(CaseNotFoundError);
      // The same unit in another municipality does not see Timrå's case either.
      await expect(inTenant(w.sundsvall, () => w.minasidor.staff.read(teacher, schoolCase.caseId))).rejects.toBeInstanceOf(
        CaseNotFoundError,
      );
      await expect(inTenant(w.timra, () => w.minasidor.staff.list({ subject: 'x' }))).rejects.toBeInstanceOf(UnitRequiredError);

      const read = await inTenant(w.timra, () => w.minasidor.staff.read(teacher, schoolCase.caseId));
      expect(read.id).toBe(schoolCase.caseId);
      const reads = await inTenant(w.timra, () => w.minasidor.staff.readsOf(schoolCase.caseId));
      expect(reads).toEqual([expect.objectContaining({ staffSubject: 'staff-skola-1', staffUnit: 'skola' })]);
      expect(await inTenant(w.timra, () => w.minasidor.staff.readsOf(socialCase.caseId))).toEqual([]);
      // The read is also in Timrå's hash-chained audit trail, and only there.
      const audit = new AuditLog(db());
      expect(await inTenant(w.timra, () => audit.list({ action: 'minasidor.case.read' }))).toEqual([
        expect.objectContaining({
          actor: 'staff:staff-skola-1',
          targetId: schoolCase.caseId,
          details: { unit: 'skola', errandNumber: read.errandNumber },
        }),
      ]);
      expect(await inTenant(w.timra, () => audit.verify())).toMatchObject({ intact: true });
      expect(await inTenant(w.sundsvall, () => audit.list({ action: 'minasidor.case.read' }))).toEqual([]);
      // The audit is append-only for the app.
      await expect(
        inTenant(w.timra, () =>
          db().transaction((em) =>
            em.query(`UPDATE minasidor_staff_case_read SET staff_subject = 'someone-else' WHERE tenant_id = $1`, [w.timra.id]),
          ),
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(
        inTenant(w.timra, () =>
          db().transaction((em) => em.query(`DELETE FROM minasidor_staff_case_read WHERE tenant_id = $1`, [w.timra.id])),
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it("pages through its unit's cases newest first with a cursor, each once, and nothing of another unit or municipality", async () => {
      const unit = 'bygglov-paging';
      const mine: string[] = [];
      for (let i = 0; i < 7; i++)
        mine.push((await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(person(700 + i), { unit })))).caseId);
      await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(person(710), { unit })));
      await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(person(711), { unit: 'miljo-paging' })));
      // A later event moves an older case to the top of the inbox.
      await inTenant(w.timra, () =>
        db().transaction((em) =>
          em.query(`UPDATE minasidor_case SET updated_at = now() + interval '1 minute' WHERE tenant_id = $1 AND id = $2`, [
            w.timra.id,
            mine[2],
          ]),
        ),
      );
      const staff = { subject: 'staff-bygglov-1', unit };
      const pages: CaseView[][] = [];
      let after: string | null = null;
      do {
        const page = await inTenant(w.timra, () => w.minasidor.staff.list(staff, { first: 3, after }));
        pages.push(page.cases);
        after = page.hasNextPage ? page.endCursor : null;
      } while (after);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      const seen = pages.flat();
      expect(seen.map((c) => c.id).sort()).toEqual([...mine].sort());
      expect(seen[0].id).toBe(mine[2]);
      const key = (c: CaseView) => `${c.updatedAt.toISOString()} ${c.id}`;
      expect(seen.map(key)).toEqual(seen.map(key).sort().reverse());
      expect(seen.every((c) => c.unit === unit && c.municipality.slug === 'timra')).toBe(true);
    });
  });

  describe('a case worker writes to the resident', () => {
    it("on an e-forms errand of their unit: the message reaches the resident's thread with a notice; another unit finds nothing; audited", async () => {
      const submissionId = randomUUID();
      // Resolved before the transaction: on the embedded database the register shares its one session.
      const subjectPartyId = await partyOf(85);
      await inTenant(w.timra, () =>
        db().transaction((em) =>
          recordEvent(em, {
            type: EVENT_TYPES.formSubmissionReceived,
            source: '/e-forms',
            data: {
              submissionId,
              formSlug: 'parkeringstillstand',
              formVersion: '1',
              caseType: 'parkeringstillstand',
              errandNumber: 'TK-MSG-1',
              title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
              unit: 'trafik',
              subjectPartyId,
              subjectKind: 'person',
              submittedAt: '2025-05-01T08:00:00.000Z',
            },
          }),
        ),
      );
      await new OutboxDispatcher(db(), w.minasidor.eventHandlers()).drain();
      const officer = { subject: 'staff-trafik-1', unit: 'trafik' };
      const teacher = { subject: 'staff-skola-2', unit: 'skola' };

      const found = await inTenant(w.timra, () => w.minasidor.staff.readSubmissionCase(officer, submissionId));
      expect(found).toMatchObject({ submissionId, errandNumber: 'TK-MSG-1', unit: 'trafik' });
      expect(await inTenant(w.timra, () => w.minasidor.staff.readSubmissionCase(teacher, submissionId))).toBeNull();
      expect(await inTenant(w.sundsvall, () => w.minasidor.staff.readSubmissionCase(officer, submissionId))).toBeNull();

      const written = await inTenant(w.timra, () => w.minasidor.staff.message(officer, found!.id, '  Vi behöver ett läkarintyg.  '));
      expect(written.messages.map((m) => [m.author, m.body])).toEqual([['municipality', 'Vi behöver ett läkarintyg.']]);
      const resident = await w.minasidor.citizens.myCase(await partyOf(85), found!.id);
      expect([resident.unreadCount, resident.messages.map((m) => m.body)]).toEqual([1, ['Vi behöver ett läkarintyg.']]);
      // The resident is told, as for any message of the municipality.
      expect((await outbox(w.timra, EVENT_TYPES.caseMessagePosted)).filter((e: any) => e.subject === found!.id)).toHaveLength(1);

      await expect(inTenant(w.timra, () => w.minasidor.staff.message(teacher, found!.id, 'Hej'))).rejects.toBeInstanceOf(CaseNotFoundError);
      await expect(inTenant(w.timra, () => w.minasidor.staff.message(officer, found!.id, '   '))).rejects.toBeInstanceOf(
        MinasidorValidationError,
      );
      await expect(inTenant(w.timra, () => w.minasidor.staff.message({ subject: 'x' }, found!.id, 'Hej'))).rejects.toBeInstanceOf(
        UnitRequiredError,
      );
      expect((await w.minasidor.citizens.myCase(await partyOf(85), found!.id)).messages).toHaveLength(1);
      const audit = new AuditLog(db());
      expect(await inTenant(w.timra, () => audit.list({ action: 'minasidor.case.message.sent' }))).toEqual([
        expect.objectContaining({
          actor: 'staff:staff-trafik-1',
          targetId: found!.id,
          details: { unit: 'trafik', errandNumber: 'TK-MSG-1' },
        }),
      ]);
    });
  });

  describe('my data (GDPR art. 15)', () => {
    it("exports everything about the person from every municipality and nothing of anyone else's", async () => {
      const mine = [caseInput(person(80)), caseInput(person(80))];
      await inTenant(w.sundsvall, async () => {
        await w.minasidor.intake.upsertCase(mine[0]);
        await w.minasidor.intake.postMessage({ ...mine[0], externalMessageId: 'x', body: 'Till dig' });
        await w.minasidor.intake.recordDecision({
          ...mine[0],
          externalDecisionId: 'd',
          decisionType: 't',
          outcome: 'rejection',
          decidedAt: new Date('2025-02-02T00:00:00Z'),
        });
      });
      await inTenant(w.timra, () => w.minasidor.intake.upsertCase(mine[1]));
      await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(person(81), { title: { sv: 'Inte min', en: 'Not mine' } })));
      // A row the retired register (issue 23) recorded: history, exported with the rest.
      const organisation = await w.parties.partyIdFor('organisation', '5566778899');
      await db().dataSource.query(
        `INSERT INTO minasidor_representation (organisation_party_id, person_party_id, valid_from, source, registered_by_tenant_id, registered_by)
         VALUES ($1, $2, now(), 'municipality', $3, 'test')`,
        [organisation, await partyOf(80), w.timra.id],
      );

      const me = await partyOf(80);
      const exported: any = await w.minasidor.myData.export(me);
      expect(exported.party).toMatchObject({ partyId: me, kind: 'person', identityNumber: person(80).personnummer });
      expect(exported.cases.map((c: any) => [c.external_case_id, c.municipality.slug]).sort()).toEqual(
        [
          [mine[0].externalCaseId, 'sundsvall'],
          [mine[1].externalCaseId, 'timra'],
        ].sort(),
      );
      const first = exported.cases.find((c: any) => c.external_case_id === mine[0].externalCaseId);
      expect([first.messages.length, first.decisions.length, first.timeline.length, first.statusLabel.sv]).toEqual([
        1,
        1,
        2,
        'Beslut finns',
      ]);
      expect(exported.representations).toEqual([expect.objectContaining({ organisationsnummer: '556677-8899' })]);
      expect(JSON.stringify(exported)).not.toContain('Inte min');
      expect(JSON.stringify(exported)).not.toContain(await partyOf(81));
    });
  });
});
