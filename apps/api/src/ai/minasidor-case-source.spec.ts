import type { CaseView } from '@kommuna/minasidor';
import { caseMaterialOf } from './minasidor-case-source';

// 00:30 on 8 December in Sweden; the UTC date is still the 7th.
const AFTER_SWEDISH_MIDNIGHT = new Date('2026-12-07T23:30:00Z');

const view: CaseView = {
  id: '0b6f1f0e-7d1c-4a51-9d6e-1f2a3b4c5d6e',
  tenantId: '5e0c6b1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
  municipality: { slug: 'sundsvall', names: { sv: 'Sundsvalls kommun', en: 'Sundsvall Municipality' } },
  errandNumber: 'PTS-2026-000042',
  caseType: 'parkeringstillstand',
  title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
  subjectPartyId: '7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
  subjectKind: 'person',
  unit: 'trafik',
  source: 'e-forms',
  externalCaseId: 'ext-1',
  submissionId: null,
  caseSystemReference: null,
  status: {
    status: 'decision_made',
    label: { sv: 'Beslut finns', en: 'Decision made' },
    internalStatus: 'decided',
    changedAt: AFTER_SWEDISH_MIDNIGHT,
  },
  whoseTurn: 'none',
  createdAt: AFTER_SWEDISH_MIDNIGHT,
  updatedAt: AFTER_SWEDISH_MIDNIGHT,
  timeline: [
    {
      id: 't1',
      kind: 'submitted',
      occurredAt: AFTER_SWEDISH_MIDNIGHT,
      whoseTurn: null,
      text: null,
      statusLabel: null,
      becameCurrent: true,
    },
  ],
  decisions: [
    {
      id: 'd1',
      externalDecisionId: 'ext-d1',
      decisionType: 'parkeringstillstand',
      outcome: 'approval',
      legalBasis: null,
      decidedAt: AFTER_SWEDISH_MIDNIGHT,
      validFrom: '2026-12-08',
      validTo: null,
      reasons: [],
      documents: [],
      appealInstructions: null,
      automated: false,
    },
  ],
  messages: [],
  unreadCount: 0,
};

describe('a Mina sidor case as material for the AI platform', () => {
  it("dates the status, the timeline and the decisions by the day in Sweden, not UTC's date", () => {
    const material = caseMaterialOf(view, '194511143030');
    const lines = material.sections.flatMap((s) => s.lines.map((l) => `${l.label}: ${l.text}`));
    expect(lines).toEqual([
      'Rubrik: Parkeringstillstånd',
      'Status: decided sedan 2026-12-08',
      'Tidslinje 1: 2026-12-08 submitted',
      'Beslut 1: 2026-12-08 parkeringstillstand: approval.',
    ]);
    expect(material.parties).toEqual([{ identityNumber: '194511143030' }]);
  });
});
