import type { EntityManager } from 'typeorm';

/** Swedish first, English beside it, as everywhere in Kommuna. */
export interface ArchiveText {
  sv: string;
  en: string;
}

/** A file of a record, with its bytes: the package stores it and its SHA-256. */
export interface ArchiveFile {
  /** The file's name inside the record's folder; letters, digits and . _ - (others are replaced). */
  name: string;
  contentType: string;
  content: Buffer;
}

/** A document that stays in the source system (a link or a reference), named in the metadata only. */
export interface ArchiveDocumentReference {
  name: string;
  url?: string;
  ref?: string;
  checksum?: string;
}

export interface ArchiveLegalBasis {
  sfs: string;
  chapter?: string | null;
  section?: string | null;
  title?: string | null;
}

/** A decision (beslut) as the archive keeps it: outcome, reasons and legal basis, validity, how to appeal. */
export interface ArchiveDecision {
  outcome: string;
  automated: boolean;
  decidedAt: Date;
  /** The decision maker: a case worker's subject, or null for an automated decision. */
  decidedBy: string | null;
  reasons: ArchiveText[];
  legalBasis: ArchiveLegalBasis[];
  validFrom: string | null;
  validTo: string | null;
  appealInstructions: ArchiveText | null;
}

/**
 * One record (handling) of a case: the application, an attachment, a decision, a message. `key`
 * is what it is across services: two services describing the same record (e-forms' decision and
 * the copy Mina sidor shows) give the same key, and the first contribution's record is kept.
 */
export interface ArchiveRecord {
  key: string;
  /** What kind of record, in the package's own words (`application`, `attachment`, `decision`, `message`, …). */
  recordType: string;
  title: ArchiveText;
  /** Inkommande, upprättad/utgående or intern, as ERMS's direction says. */
  direction: 'incoming' | 'outgoing' | 'internal';
  createdAt: Date;
  description?: string;
  files: ArchiveFile[];
  references?: ArchiveDocumentReference[];
  decision?: ArchiveDecision;
}

/** One step of the case's history (ERMS action): received, completion requested, decided, closed, … */
export interface ArchiveCaseEvent {
  occurredAt: Date;
  kind: string;
  text: ArchiveText | null;
  /** The service that recorded it. */
  source: string;
}

/** The party a case is about, by its opaque party id only: identity numbers never enter a package. */
export interface ArchiveParty {
  partyId: string;
  kind: 'person' | 'organisation';
}

/** What a service knows of the case itself. */
export interface ArchiveCaseHeader {
  title: ArchiveText;
  caseType: string;
  unit: string;
  openedAt: Date;
  /** Closed (slutbehandlat) in this service's view, and since when; open: closedAt null. */
  closed: boolean;
  closedAt: Date | null;
  /** The service's own status word, kept for the archive (`decided`, `closed`, …). */
  status: string;
  caseSystemReference: string | null;
  party: ArchiveParty | null;
}

/** One service's part of a case: what it knows of the case, its records and its events. */
export interface CaseContribution {
  source: string;
  header: ArchiveCaseHeader;
  records: ArchiveRecord[];
  events: ArchiveCaseEvent[];
  /**
   * Set when the service no longer holds the case's content (retention purged it): a package
   * without it would not be the case, so the export refuses it and says why.
   */
  purgedAt?: Date | null;
}

/**
 * What a service gives the archive export. Each service that holds case content composes one
 * (ComposedService.archive); the platform asks each in turn, in the municipality's transaction, so
 * row-level security keeps every read inside that municipality. No service imports another.
 */
export interface CaseArchiveContributor {
  readonly source: string;
  /** What the service holds about the case with this errand number, or undefined when nothing. */
  contribute(em: EntityManager, tenantId: string, errandNumber: string): Promise<CaseContribution | undefined>;
  /** Errand numbers of cases this service considers closed within [from, before). */
  closedCases(em: EntityManager, tenantId: string, period: { from: Date | null; before: Date }): Promise<string[]>;
}
