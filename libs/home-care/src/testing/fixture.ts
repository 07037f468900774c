import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig } from '@kommuna/platform-testing';
import { HOME_CARE_DATABASE_SCHEMA, HomeCare, HomeCareActor } from '../index';

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
