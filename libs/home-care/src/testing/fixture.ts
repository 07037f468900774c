import type { Readable } from 'node:stream';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig } from '@kommuna/platform-testing';
import { HOME_CARE_DATABASE_SCHEMA, HomeCare, HomeCareActor, HomeCareImportError, ImportKind, ImportResult } from '../index';

export const SCHEMA: DatabaseSchema = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(HOME_CARE_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...HOME_CARE_DATABASE_SCHEMA.migrations],
};

export interface World {
  homeCare: HomeCare;
  directory: TenantDirectory;
  sundsvall: Tenant;
  timra: Tenant;
}

/** Sundsvall (home care with its hemtjänst unit responsible) and Timrå (the default unit, socialtjanst). */
export async function createWorld(db: Database, now: () => Date = () => new Date('2025-04-10T08:00:00+02:00')): Promise<World> {
  const directory = new TenantDirectory(db);
  const [sundsvall, timra] = await directory.sync([
    buildTenantConfig({
      slug: 'sundsvall',
      kommunkod: '2281',
      names: { sv: 'Sundsvalls kommun', en: 'Municipality of Sundsvall' },
      services: { 'home-care': { stage: 'piloting', settings: { responsibleUnits: ['hemtjanst'] } } },
    }),
    buildTenantConfig({
      slug: 'timra',
      kommunkod: '2262',
      names: { sv: 'Timrå kommun', en: 'Municipality of Timrå' },
      services: { 'home-care': { stage: 'piloting', settings: {} } },
    }),
  ]);
  return { homeCare: new HomeCare(db, directory, now), directory, sundsvall, timra };
}

export const inTenant = <T>(tenant: Tenant, work: () => Promise<T>): Promise<T> =>
  requestContext.run({ requestId: 'test', tenantId: tenant.id, tenantSlug: tenant.slug }, work);

/** A statement in a municipality's transaction (row-level security applies): what the tests count and read. */
export const queryIn = <T = Record<string, unknown>>(db: Database, tenant: Tenant, sql: string, params: unknown[] = []): Promise<T[]> =>
  inTenant(tenant, () => db.transaction((em) => em.query(sql, params)));

export interface FixtureFile {
  kind: ImportKind;
  /** Its name; a name ending in .jsonl is JSON Lines, anything else CSV. Default: `<kind>.csv`. */
  fileName?: string;
  content: string | Buffer | Readable;
  /** The month the file belongs to (YYYY-MM), when the import names one. */
  month?: string;
}

/** Imports files into a municipality, in order, as its system does (Sundsvall unless told). */
export async function importFiles(world: World, files: FixtureFile[], options: { tenant?: Tenant; actor?: HomeCareActor } = {}) {
  const results: ImportResult[] = [];
  await inTenant(options.tenant ?? world.sundsvall, async () => {
    for (const file of files) {
      const fileName = file.fileName ?? `${file.kind}.csv`;
      results.push(
        await world.homeCare.importFile(options.actor ?? system, {
          kind: file.kind,
          format: fileName.endsWith('.jsonl') ? 'jsonl' : 'csv',
          fileName,
          content: file.content,
          month: file.month,
        }),
      );
    }
  });
  return results;
}

/** Imports one file that must be refused: the error, for its problems (fails the test if the file is accepted). */
export async function refusedFile(world: World, file: FixtureFile, options: { tenant?: Tenant; actor?: HomeCareActor } = {}) {
  const error = await importFiles(world, [file], options).then(
    () => new Error(`${file.fileName ?? file.kind} was accepted`),
    (e: unknown) => e,
  );
  if (!(error instanceof HomeCareImportError)) throw error;
  return error;
}

export const system: HomeCareActor = { kind: 'service', clientId: 'sundsvall-system' };
export const hemtjanst: HomeCareActor = { kind: 'staff', subject: 'anna', unit: 'hemtjanst' };

export const csv = (header: string, rows: Array<Array<string | number>>) => [header, ...rows.map((r) => r.join(';'))].join('\n') + '\n';

/** A visit in Swedish winter time (March 2025 before the 30th): day, start hh:mm, minutes. */
export function visitRow(
  id: string,
  provider: string,
  resident: string,
  type: string,
  day: number,
  start: string,
  minutes: number,
  options: { billed?: number; manual?: boolean; staff?: string; municipality?: string } = {},
) {
  const started = new Date(`2025-03-${String(day).padStart(2, '0')}T${start}:00+01:00`);
  const stopped = new Date(started.getTime() + minutes * 60_000);
  const local = (d: Date) => new Date(d.getTime() + 3_600_000).toISOString().slice(0, 19) + '+01:00';
  return [
    options.municipality ?? '2281',
    id,
    provider,
    resident,
    type,
    local(started),
    local(stopped),
    options.staff ?? 's-1',
    options.manual ? 'manual' : 'tag',
    options.billed ?? '',
  ];
}
export const VISITS_HEADER = 'municipality;visit;provider;resident;service_type;started_at;stopped_at;staff;verification;billed_minutes';
export const DECISIONS_HEADER = 'municipality;decision;resident;valid_from;valid_to;service_type;granted_minutes_per_month';
export const PROVIDERS_HEADER = 'municipality;provider;name;kind;service_type;sek_per_hour;valid_from';
export const INPATIENT_HEADER = 'municipality;period;resident;admitted_on;discharged_on';
export const INVOICES_HEADER = 'municipality;invoice;provider;month;service_type;invoiced_minutes;amount_sek';

/** Sundsvall's providers of most tests: an own unit and two LOV providers with rates from 2025. */
export const PROVIDERS_FILE = csv(PROVIDERS_HEADER, [
  ['2281', 'HT-NORR', 'Hemtjänst Norr', 'own_unit', '', '', ''],
  ['2281', 'OMSORG-AB', 'Omsorg AB', 'lov', 'personal_care', '450', '2025-01-01'],
  ['2281', 'OMSORG-AB', 'Omsorg AB', 'lov', 'service', '380', '2025-01-01'],
  ['2281', 'CARE-2', 'Care Två AB', 'lov', 'personal_care', '460', '2025-01-01'],
]);

/** A decisions file: one decision of personal care per resident from 2025, the minutes granted per month each. */
export const decisionsFile = (granted: Record<string, number>) =>
  csv(
    DECISIONS_HEADER,
    Object.entries(granted).map(([resident, minutes], i) => ['2281', `B-${i + 1}`, resident, '2025-01-01', '', 'personal_care', minutes]),
  );
