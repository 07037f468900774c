import { useTestDatabase } from '@kommuna/platform-testing';
import { isSafeDocumentUrl } from './index';
import { caseInput, createWorld, inTenant, person, SCHEMA, World } from './testing/fixture';

/**
 * Issue 23, fault 4 (Mina sidor): recordCaseDecision took javascript: and data:text/html document
 * links and myCases showed them. Only https links (and the platform's own root-relative links)
 * are taken, and a link stored before that is not one is never shown.
 */
describe("decision documents' links", () => {
  const db = useTestDatabase(SCHEMA);
  let w: World;
  beforeAll(async () => {
    w = await createWorld(db());
  });

  const UNSAFE = [
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'http://example.se/beslut.pdf',
    'file:///etc/passwd',
    '//evil.example/beslut.pdf',
    '/\\evil.example/beslut.pdf',
    'https://user:password@example.se/beslut.pdf',
    'https://example.se/beslut.pdf\u0000',
    'beslut.pdf',
  ];
  const SAFE = ['https://dokument.sundsvall.se/arenden/4711/beslut.pdf?v=2', '/documents/4711/beslut.pdf'];

  it('tells safe links from unsafe ones', () => {
    expect(UNSAFE.filter(isSafeDocumentUrl)).toEqual([]);
    expect(SAFE.filter(isSafeDocumentUrl)).toEqual(SAFE);
  });

  it('refuses a decision with an unsafe document link, names the field, and stores nothing', async () => {
    const input = caseInput(person(300));
    const { caseId } = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
    for (const [i, url] of UNSAFE.entries()) {
      const decision = {
        ...input,
        externalDecisionId: `unsafe-${i}`,
        decisionType: 'bistand',
        outcome: 'approval' as const,
        decidedAt: new Date('2025-03-01T00:00:00Z'),
        documents: [
          { name: 'Beslut.pdf', url: 'https://example.se/ok.pdf' },
          { name: 'Bilaga.pdf', url },
        ],
      };
      await expect(inTenant(w.sundsvall, () => w.minasidor.intake.recordDecision(decision))).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'documents.1.url' })],
      });
    }
    const shown = await w.minasidor.citizens.myCase(await w.parties.partyIdFor('person', person(300).personnummer), caseId);
    expect(shown.decisions).toEqual([]);
    expect(shown.status.internalStatus).toBe('received');

    await inTenant(w.sundsvall, () =>
      w.minasidor.intake.recordDecision({
        ...input,
        externalDecisionId: 'safe',
        decisionType: 'bistand',
        outcome: 'approval',
        decidedAt: new Date('2025-03-01T00:00:00Z'),
        documents: SAFE.map((url, i) => ({ name: `Dokument ${i}`, url })),
      }),
    );
    const decided = await w.minasidor.citizens.myCase(await w.parties.partyIdFor('person', person(300).personnummer), caseId);
    expect(decided.decisions[0].documents.map((d) => d.url)).toEqual(SAFE);
  });

  it('never shows a link stored before the check (myCases, myCase, myData) but keeps the document', async () => {
    const input = caseInput(person(301));
    const { caseId } = await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(input));
    const me = await w.parties.partyIdFor('person', person(301).personnummer);
    // As a row written before links were checked.
    const documents = [
      { name: 'Beslut.pdf', url: 'javascript:alert(document.cookie)', ref: 'beslut-1', checksum: 'sha256:ab' },
      { name: 'Bilaga.html', url: 'data:text/html,<script>alert(1)</script>' },
      { name: 'Kopia.pdf', url: 'https://dokument.sundsvall.se/kopia.pdf' },
    ];
    await inTenant(w.sundsvall, () =>
      db().transaction((em) =>
        em.query(
          `INSERT INTO minasidor_decision (tenant_id, case_id, subject_party_id, external_decision_id, decision_type, outcome, decided_at, documents)
           VALUES ($1, $2, $3, 'old', 'bistand', 'approval', now(), $4)`,
          [w.sundsvall.id, caseId, me, JSON.stringify(documents)],
        ),
      ),
    );
    const expected = [
      { name: 'Beslut.pdf', ref: 'beslut-1', checksum: 'sha256:ab' },
      { name: 'Bilaga.html' },
      { name: 'Kopia.pdf', url: 'https://dokument.sundsvall.se/kopia.pdf' },
    ];
    const listed = (await w.minasidor.citizens.myCases(me)).cases.find((c) => c.id === caseId)!;
    expect(listed.decisions[0].documents).toEqual(expected);
    expect((await w.minasidor.citizens.myCase(me, caseId)).decisions[0].documents).toEqual(expected);
    const exported: any = await w.minasidor.myData.export(me);
    expect(exported.cases[0].decisions[0].documents).toEqual(expected);
    expect(JSON.stringify(exported)).not.toMatch(/javascript:|data:text/);
  });
});
