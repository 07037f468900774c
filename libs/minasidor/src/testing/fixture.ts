import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { buildTenantConfig, inTenant, testPersonnummer } from '@kommuna/platform-testing';
import { FormDecisionMadeData, FormSubmissionReceivedData } from '@kommuna/shared-service-contracts';
import { Minasidor, MINASIDOR_DATABASE_SCHEMA, RepresentationOptions } from '../index';

export const SCHEMA: DatabaseSchema = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(MINASIDOR_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...MINASIDOR_DATABASE_SCHEMA.migrations],
};

export interface World {
  minasidor: Minasidor;
  directory: TenantDirectory;
  parties: PartyRegister;
  sundsvall: Tenant;
  timra: Tenant;
}

/**
 * Two municipalities: Sundsvall with its own status mapping (as in its tenant.yaml), Timrå with
 * defaults; with their real organisationsnummer, which Mina ombud knows them by.
 */
export async function createWorld(db: Database, representation: RepresentationOptions = {}): Promise<World> {
  const directory = new TenantDirectory(db);
  const [sundsvall, timra] = await directory.sync([
    buildTenantConfig({
      slug: 'sundsvall',
      organisationsnummer: '212000-2411',
      services: {
        minasidor: {
          stage: 'production',
          settings: { statusLabels: { utredning: 'Under behandling', vilande: 'Avslutat', received: 'Inskickat' } },
        },
      },
    }),
    buildTenantConfig({
      slug: 'timra',
      organisationsnummer: '212000-2395',
      services: { minasidor: { stage: 'production', settings: {} } },
    }),
  ]);
  const parties = new PartyRegister(db);
  return { minasidor: new Minasidor(db, directory, parties, representation), directory, parties, sundsvall, timra };
}

// Specs take it from here with the rest of the fixture.
export { inTenant };

export const person = (index: number) => ({ personnummer: testPersonnummer(index) });

let sequence = 0;
/** A case as a municipal system would send it. */
export function caseInput(subject: { personnummer?: string; organisationsnummer?: string }, overrides: Record<string, unknown> = {}) {
  sequence++;
  return {
    source: 'procapita',
    externalCaseId: `ext-${sequence}`,
    errandNumber: `E-${sequence}`,
    caseType: 'bistand',
    title: { sv: `Ärende ${sequence}`, en: `Case ${sequence}` },
    unit: 'socialtjanst',
    subject,
    statusOccurredAt: new Date(Date.UTC(2025, 0, 1, 0, sequence)),
    ...overrides,
  };
}

/** Counts the SQL statements the app role sends while `work` runs (every query runner's queries). */
export async function countStatements<T>(db: Database, work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const dataSource = db.dataSource as any;
  const original = dataSource.createQueryRunner;
  dataSource.createQueryRunner = function (...args: unknown[]) {
    const runner = original.apply(this, args);
    const query = runner.query.bind(runner);
    runner.query = (sql: string, ...rest: unknown[]) => {
      statements.push(sql.replace(/\s+/g, ' ').trim().slice(0, 80));
      return query(sql, ...rest);
    };
    return runner;
  };
  try {
    return { result: await work(), statements };
  } finally {
    dataSource.createQueryRunner = original;
  }
}

/** A parking-permit submission of person(index), as e-forms' submission.received event carries it. */
export async function submissionReceived(
  parties: PartyRegister,
  index: number,
  overrides: Partial<FormSubmissionReceivedData> = {},
): Promise<FormSubmissionReceivedData> {
  return {
    submissionId: `sub-${index}-${Math.random().toString(36).slice(2)}`,
    formSlug: 'parkeringstillstand',
    formVersion: '1',
    caseType: 'parkeringstillstand',
    errandNumber: `TK-${index}`,
    title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
    unit: 'trafik',
    subjectPartyId: await parties.partyIdFor('person', person(index).personnummer),
    subjectKind: 'person',
    submittedAt: '2025-05-01T08:00:00.000Z',
    ...overrides,
  };
}

/** The automated approval e-forms records in the same transaction as the submission. */
export function automatedApproval(data: FormSubmissionReceivedData, decisionId: string): FormDecisionMadeData {
  return {
    submissionId: data.submissionId,
    errandNumber: data.errandNumber,
    decisionId,
    decisionType: 'parkeringstillstand',
    outcome: 'approval',
    automated: true,
    decidedAt: '2025-05-01T08:00:01.000Z',
    subjectPartyId: data.subjectPartyId,
    reasons: [{ ruleId: 'r1', text: { sv: 'Villkoren är uppfyllda', en: 'The conditions are met' } }],
    legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
  };
}
