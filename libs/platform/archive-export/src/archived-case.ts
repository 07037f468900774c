import type { EntityManager } from 'typeorm';
import type { Tenant } from '@kommuna/platform-persistence';
import type { ArchiveCaseEvent, ArchiveCaseHeader, ArchiveRecord, CaseArchiveContributor, CaseContribution } from './contribution';
import { ArchiveCaseNotFoundError, ArchiveCaseOpenError, ArchiveCasePurgedError, ArchiveExportInvalidError } from './errors';

/** The municipality a package comes from: the archival creator (arkivbildare) and the submitter. */
export interface ArchiveMunicipality {
  id: string;
  slug: string;
  kommunkod: string;
  organisationsnummer: string;
  names: { sv: string; en: string };
}

export function archiveMunicipality(tenant: Tenant): ArchiveMunicipality {
  return {
    id: tenant.id,
    slug: tenant.slug,
    kommunkod: tenant.kommunkod,
    organisationsnummer: tenant.config.organisationsnummer,
    names: tenant.names,
  };
}

/** A closed case put together from every service's contribution, ready to be packaged. */
export interface ArchivedCase {
  municipality: ArchiveMunicipality;
  errandNumber: string;
  /** The first contribution's header, with the earliest opening and the latest closing of all. */
  header: ArchiveCaseHeader & { closedAt: Date };
  /** Each service's own status word for the case. */
  statuses: Array<{ source: string; status: string }>;
  records: ArchiveRecord[];
  events: ArchiveCaseEvent[];
}

/** An errand number as the services write them (PTS-2026-000001, KS 2026/0142): printable, at most 100 characters. */
const ERRAND_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N} ._:/#-]{0,99}$/u;

export function checkErrandNumber(errandNumber: string): string {
  const trimmed = typeof errandNumber === 'string' ? errandNumber.trim() : '';
  if (!ERRAND_NUMBER.test(trimmed))
    throw new ArchiveExportInvalidError(
      'An errand number is 1-100 letters, digits, spaces and . _ : / # -, starting with a letter or digit',
    );
  return trimmed;
}

/**
 * Asks every contributor, in order, for its part of the case, inside the caller's transaction (the
 * municipality's context: row-level security keeps every read in it). Refuses a case nobody
 * knows (ARCHIVE_CASE_NOT_FOUND), one any service still has open (ARCHIVE_CASE_NOT_CLOSED) and one
 * whose content retention removed (ARCHIVE_CASE_PURGED).
 */
export async function collectCase(
  em: EntityManager,
  contributors: readonly CaseArchiveContributor[],
  municipality: ArchiveMunicipality,
  errandNumber: string,
): Promise<ArchivedCase> {
  const errand = checkErrandNumber(errandNumber);
  const parts: CaseContribution[] = [];
  for (const contributor of contributors) {
    const part = await contributor.contribute(em, municipality.id, errand);
    if (part) parts.push(part);
  }
  if (parts.length === 0) throw new ArchiveCaseNotFoundError();
  const open = parts.filter((p) => !p.header.closed || !p.header.closedAt).map((p) => p.source);
  if (open.length > 0) throw new ArchiveCaseOpenError(errand, { openIn: open });
  const purged = parts.find((p) => p.purgedAt);
  if (purged?.purgedAt) throw new ArchiveCasePurgedError(errand, purged.source, purged.purgedAt);

  const [first] = parts;
  const time = (d: Date) => d.getTime();
  const records = new Map<string, ArchiveRecord>();
  for (const record of parts.flatMap((p) => p.records)) if (!records.has(record.key)) records.set(record.key, record);
  return {
    municipality,
    errandNumber: errand,
    header: {
      ...first.header,
      openedAt: new Date(Math.min(...parts.map((p) => time(p.header.openedAt)))),
      closedAt: new Date(Math.max(...parts.map((p) => time(p.header.closedAt ?? p.header.openedAt)))),
      caseSystemReference: parts.find((p) => p.header.caseSystemReference)?.header.caseSystemReference ?? null,
      party: parts.find((p) => p.header.party)?.header.party ?? null,
    },
    statuses: parts.map((p) => ({ source: p.source, status: p.header.status })),
    // In time order; at the same moment (an automated decision) in the order the services gave them (sort is stable).
    records: [...records.values()].sort((a, b) => time(a.createdAt) - time(b.createdAt)),
    events: parts.flatMap((p) => p.events).sort((a, b) => time(a.occurredAt) - time(b.occurredAt)),
  };
}

/** Errand numbers some service closed in [from, before), in order; each is checked again when collected. */
export async function closedErrandNumbers(
  em: EntityManager,
  contributors: readonly CaseArchiveContributor[],
  tenantId: string,
  period: { from: Date | null; before: Date },
): Promise<string[]> {
  const found = new Set<string>();
  for (const contributor of contributors) for (const errand of await contributor.closedCases(em, tenantId, period)) found.add(errand);
  return [...found].sort();
}
