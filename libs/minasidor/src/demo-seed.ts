import { requestContext } from '@kommuna/platform-tenancy';
import type { CaseUpsert, DecisionRecord, MunicipalityMessage, StatusUpdate } from './case-intake';
import type { Minasidor } from './minasidor';

/** The demo citizens of dev-idp (Skatteverket test numbers): medborgare-anna and medborgare-erik. */
export const DEMO_CITIZENS = { anna: '199001019802', erik: '197110109878' } as const;
/** dev-idp's company representative foretag-lena, and the demo company she represents. */
export const DEMO_REPRESENTATIVE = { lena: '196502029884', company: '556016-0680' } as const;

interface DemoCase {
  municipality: string;
  create: Omit<CaseUpsert, 'source'>;
  updates?: Array<Omit<StatusUpdate, 'source' | 'externalCaseId'>>;
  decision?: Omit<DecisionRecord, 'source' | 'externalCaseId'>;
  messages?: Array<Omit<MunicipalityMessage, 'source' | 'externalCaseId'>>;
}

const SOURCE = 'demo-verksamhetssystem';
const at = (iso: string) => new Date(iso);

const DEMO_CASES: DemoCase[] = [
  {
    municipality: 'sundsvall',
    create: {
      externalCaseId: 'demo-bygglov-1',
      errandNumber: 'SBN-2025-0412',
      caseType: 'bygglov',
      unit: 'bygg',
      title: { sv: 'Bygglov för altan', en: 'Building permit for a deck' },
      subject: { personnummer: DEMO_CITIZENS.anna },
      status: 'received',
      statusOccurredAt: at('2025-09-02T08:15:00Z'),
    },
    updates: [
      {
        status: 'in_progress',
        occurredAt: at('2025-09-05T12:00:00Z'),
        text: { sv: 'En handläggare har börjat granska ansökan.', en: 'A case officer has started reviewing the application.' },
      },
    ],
    messages: [
      {
        externalMessageId: 'demo-bygglov-1-m1',
        sentAt: at('2025-09-05T12:05:00Z'),
        body: 'Hej Anna! Vi har börjat handlägga din ansökan och återkommer inom fyra veckor.',
      },
    ],
  },
  {
    municipality: 'sundsvall',
    create: {
      externalCaseId: 'demo-forskola-1',
      errandNumber: 'BUN-2025-1187',
      caseType: 'forskoleplats',
      unit: 'skola',
      title: { sv: 'Ansökan om förskoleplats', en: 'Application for a preschool place' },
      subject: { personnummer: DEMO_CITIZENS.anna },
      status: 'received',
      statusOccurredAt: at('2025-08-11T09:00:00Z'),
    },
    decision: {
      externalDecisionId: 'demo-forskola-1-beslut',
      decisionType: 'forskoleplats',
      outcome: 'approval',
      automated: true,
      legalBasis: { sfs: '2010:800', chapter: '8', section: '14' },
      decidedAt: at('2025-08-11T09:00:05Z'),
      validFrom: '2025-10-01',
      reasons: [
        {
          ruleId: 'forskola.vardnadshavare-folkbokford',
          text: { sv: 'Barnet är folkbokfört i kommunen.', en: 'The child is registered in the municipality.' },
        },
      ],
      documents: [{ name: 'Beslut förskoleplats.pdf', ref: 'demo-forskola-1-beslut.pdf' }],
      appealInstructions: {
        sv: 'Du kan överklaga beslutet till förvaltningsrätten. Skicka överklagandet till kommunen inom tre veckor från att du fick del av beslutet.',
        en: 'You may appeal to the administrative court. Send the appeal to the municipality within three weeks of receiving the decision.',
      },
    },
  },
  {
    municipality: 'timra',
    create: {
      externalCaseId: 'demo-parkering-1',
      errandNumber: 'TK-2025-0733',
      caseType: 'parkeringstillstand',
      unit: 'trafik',
      title: { sv: 'Parkeringstillstånd för rörelsehindrade', en: 'Disabled parking permit' },
      subject: { personnummer: DEMO_CITIZENS.anna },
      status: 'received',
      statusOccurredAt: at('2025-09-20T10:30:00Z'),
    },
    updates: [
      {
        status: 'completion_requested',
        occurredAt: at('2025-09-24T07:45:00Z'),
        whoseTurn: 'citizen',
        text: {
          sv: 'Vi behöver ett läkarintyg för att kunna pröva ansökan.',
          en: 'We need a medical certificate to assess the application.',
        },
      },
    ],
    messages: [
      {
        externalMessageId: 'demo-parkering-1-m1',
        sentAt: at('2025-09-24T07:46:00Z'),
        body: 'Hej! Skicka gärna in ett läkarintyg senast den 15 oktober.',
      },
    ],
  },
  {
    municipality: 'timra',
    create: {
      externalCaseId: 'demo-kompost-1',
      errandNumber: 'TK-2025-0802',
      caseType: 'hemkompostering',
      unit: 'miljo',
      title: { sv: 'Anmälan om hemkompostering', en: 'Notification of home composting' },
      subject: { personnummer: DEMO_CITIZENS.anna },
      status: 'draft',
      statusOccurredAt: at('2025-09-28T18:00:00Z'),
    },
  },
  {
    municipality: 'timra',
    create: {
      externalCaseId: 'demo-bistand-1',
      errandNumber: 'SOC-2025-2210',
      caseType: 'ekonomiskt-bistand',
      unit: 'socialtjanst',
      title: { sv: 'Ansökan om ekonomiskt bistånd', en: 'Application for financial assistance' },
      subject: { personnummer: DEMO_CITIZENS.erik },
      status: 'received',
      statusOccurredAt: at('2025-09-01T13:00:00Z'),
    },
    updates: [{ status: 'in_progress', occurredAt: at('2025-09-03T08:00:00Z') }],
    decision: {
      externalDecisionId: 'demo-bistand-1-beslut',
      decisionType: 'forsorjningsstod',
      outcome: 'approval',
      automated: false,
      legalBasis: { sfs: '2001:453', chapter: '4', section: '1' },
      decidedAt: at('2025-09-10T14:00:00Z'),
      validFrom: '2025-09-01',
      validTo: '2025-09-30',
      appealInstructions: {
        sv: 'Du kan överklaga beslutet till förvaltningsrätten inom tre veckor.',
        en: 'You may appeal to the administrative court within three weeks.',
      },
    },
  },
  {
    municipality: 'sundsvall',
    create: {
      externalCaseId: 'demo-skolskjuts-1',
      errandNumber: 'BUN-2025-0950',
      caseType: 'skolskjuts',
      unit: 'skola',
      title: { sv: 'Ansökan om skolskjuts', en: 'Application for school transport' },
      subject: { personnummer: DEMO_CITIZENS.erik },
      status: 'received',
      statusOccurredAt: at('2025-06-10T09:00:00Z'),
    },
    updates: [
      { status: 'closed', occurredAt: at('2025-07-01T09:00:00Z'), text: { sv: 'Ärendet är avslutat.', en: 'The case is closed.' } },
    ],
  },
  {
    municipality: 'sundsvall',
    create: {
      externalCaseId: 'demo-serveringstillstand-1',
      errandNumber: 'SBN-2025-0301',
      caseType: 'serveringstillstand',
      unit: 'tillstand',
      title: { sv: 'Serveringstillstånd', en: 'Alcohol licence' },
      subject: { organisationsnummer: DEMO_REPRESENTATIVE.company },
      status: 'received',
      statusOccurredAt: at('2025-09-15T11:00:00Z'),
    },
    updates: [{ status: 'in_progress', occurredAt: at('2025-09-18T11:00:00Z') }],
  },
];

/**
 * Demo cases for the demo citizens in Sundsvall and Timrå (and a company case for the demo
 * representative, whose power of attorney is in the Mina ombud simulator's demo data), written
 * the way a municipal system writes them. Idempotent: every write is
 * keyed, so running it at each start changes nothing after the first. Municipalities that are
 * not members of this installation are skipped.
 */
export async function seedDemoCases(
  minasidor: Minasidor,
  tenants: { findBySlug(slug: string): { id: string; slug: string } | undefined },
): Promise<number> {
  let seeded = 0;
  for (const demo of DEMO_CASES) {
    const tenant = tenants.findBySlug(demo.municipality);
    if (!tenant) continue;
    const key = { source: SOURCE, externalCaseId: demo.create.externalCaseId };
    await requestContext.run({ requestId: 'minasidor-demo-seed', tenantId: tenant.id, tenantSlug: tenant.slug }, async () => {
      const result = await minasidor.intake.upsertCase({ ...demo.create, source: SOURCE });
      if (result.created) seeded++;
      for (const update of demo.updates ?? []) await minasidor.intake.recordStatus({ ...update, ...key });
      if (demo.decision) await minasidor.intake.recordDecision({ ...demo.decision, ...key });
      for (const message of demo.messages ?? []) await minasidor.intake.postMessage({ ...message, ...key });
    });
  }
  return seeded;
}
