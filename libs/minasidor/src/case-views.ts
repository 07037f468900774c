import type { DecisionReason, LocalizedText } from '@kommuna/shared-service-contracts';
import { EntityRowsContext, RawRow, rowsOf } from '@kommuna/platform-persistence';
import type { CitizenStatus } from './status-labels';
import { withSafeLinks } from './document-links';
import type { DecisionDocument, DecisionOutcome } from './entities/decision.entity';
import type { MessageAuthor } from './entities/message.entity';
import { CaseEntity, SubjectKind, WhoseTurn } from './entities/case.entity';

/** The municipality a case belongs to, as the citizen sees it labelled. */
export interface CaseMunicipality {
  slug: string;
  names: LocalizedText;
}

export interface CaseStatusView {
  /** The citizen-facing status (Sparat … Avslutat). */
  status: CitizenStatus;
  label: LocalizedText;
  /** The source's own status, for staff and for the record. */
  internalStatus: string;
  changedAt: Date;
}

export interface TimelineEntryView {
  id: string;
  kind: string;
  occurredAt: Date;
  whoseTurn: WhoseTurn | null;
  text: LocalizedText | null;
  /** The label of the status this entry reported, if it was a status update. */
  statusLabel: LocalizedText | null;
  /** False for a status update that arrived after a newer one (kept as history only). */
  becameCurrent: boolean;
}

export interface DecisionView {
  id: string;
  externalDecisionId: string;
  decisionType: string;
  outcome: DecisionOutcome;
  legalBasis: { sfs: string; chapter: string | null; section: string | null } | null;
  decidedAt: Date;
  validFrom: string | null;
  validTo: string | null;
  reasons: DecisionReason[];
  documents: DecisionDocument[];
  appealInstructions: LocalizedText | null;
  automated: boolean;
}

export interface MessageView {
  id: string;
  author: MessageAuthor;
  body: string;
  sentAt: Date;
  readAt: Date | null;
}

/** One case with everything Mina sidor shows about it. */
export interface CaseView {
  id: string;
  tenantId: string;
  municipality: CaseMunicipality;
  errandNumber: string;
  caseType: string;
  title: LocalizedText;
  subjectPartyId: string;
  subjectKind: SubjectKind;
  unit: string;
  source: string;
  externalCaseId: string;
  /** The e-forms submission the case is (source e-forms): what the resident answers a completion request on; null for other sources. */
  submissionId: string | null;
  /** The reference the municipality's case system registered the case under (diarienummer), once it has. */
  caseSystemReference: string | null;
  status: CaseStatusView;
  whoseTurn: WhoseTurn;
  createdAt: Date;
  updatedAt: Date;
  timeline: TimelineEntryView[];
  decisions: DecisionView[];
  messages: MessageView[];
  /** Messages from the municipality the citizen has not read. */
  unreadCount: number;
}

/** A page of cases, newest activity first (keyset cursor on updated_at, id). */
export interface CasePage {
  cases: CaseView[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The case columns every view selects (the entity's, read with casesOf), with a cursor-exact update time. */
export const CASE_COLUMNS = `c.tenant_id, c.id, c.errand_number, c.case_type, c.title_sv, c.title_en, c.subject_party_id,
  c.subject_kind, c.unit, c.source, c.external_case_id, c.case_system_reference, c.internal_status, c.status_changed_at, c.whose_turn,
  c.created_at, c.updated_at,
  to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

/**
 * The details of the cases selected as `p` (timeline, decisions, messages) as JSON columns of the
 * same statement: a page costs one statement however many cases it holds (no N+1).
 */
export const CASE_DETAILS = `
  COALESCE((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'internalStatus', e.internal_status,
      'becameCurrent', e.became_current, 'occurredAt', e.occurred_at, 'whoseTurn', e.whose_turn,
      'textSv', e.text_sv, 'textEn', e.text_en) ORDER BY e.occurred_at, e.recorded_at, e.id)
    FROM minasidor_case_event e WHERE e.tenant_id = p.tenant_id AND e.case_id = p.id), '[]'::json) AS timeline,
  COALESCE((SELECT json_agg(json_build_object('id', d.id, 'externalDecisionId', d.external_decision_id,
      'decisionType', d.decision_type, 'outcome', d.outcome, 'sfs', d.legal_basis_sfs, 'chapter', d.legal_basis_chapter,
      'section', d.legal_basis_section, 'decidedAt', d.decided_at, 'validFrom', d.valid_from, 'validTo', d.valid_to,
      'reasons', d.reasons, 'documents', d.documents, 'appealSv', d.appeal_sv, 'appealEn', d.appeal_en,
      'automated', d.automated) ORDER BY d.decided_at, d.id)
    FROM minasidor_decision d WHERE d.tenant_id = p.tenant_id AND d.case_id = p.id), '[]'::json) AS decisions,
  COALESCE((SELECT json_agg(json_build_object('id', m.id, 'author', m.author, 'body', m.body, 'sentAt', m.sent_at,
      'readAt', m.read_at) ORDER BY m.sent_at, m.id)
    FROM minasidor_message m WHERE m.tenant_id = p.tenant_id AND m.case_id = p.id), '[]'::json) AS messages`;

/**
 * A case as CASE_COLUMNS selects it (the entity, read with rowsOf), with its cursor time and, when
 * the statement selected them, CASE_DETAILS' JSON columns.
 */
export type CaseRecord = CaseEntity & {
  cursorAt: string;
  // json columns: parsed by the driver, or their text where it leaves json unparsed.
  timeline?: TimelineEntryJson[] | string;
  decisions?: DecisionJson[] | string;
  messages?: MessageJson[] | string;
};

/** Raw rows of CASE_COLUMNS (+ CASE_DETAILS) as cases. */
export function casesOf(em: EntityRowsContext, raw: readonly RawRow[]): CaseRecord[] {
  return rowsOf(em, CaseEntity, raw).map((entity, i) => {
    const row = raw[i];
    // rowsOf made the entity for this call alone: the row's other columns join it rather than a
    // copy of it (a page of cases is read per overview request; ADR 0002 decision 19, allocation).
    const record = entity as CaseRecord;
    record.cursorAt = row.cursor_at as string;
    record.timeline = row.timeline as CaseRecord['timeline'];
    record.decisions = row.decisions as CaseRecord['decisions'];
    record.messages = row.messages as CaseRecord['messages'];
    return record;
  });
}

/** The objects CASE_DETAILS builds (json_build_object): times as JSON text. */
interface TimelineEntryJson {
  id: string;
  kind: string;
  internalStatus: string | null;
  becameCurrent: boolean;
  occurredAt: string;
  whoseTurn: WhoseTurn | null;
  textSv: string | null;
  textEn: string | null;
}

interface DecisionJson {
  id: string;
  externalDecisionId: string;
  decisionType: string;
  outcome: DecisionOutcome;
  sfs: string | null;
  chapter: string | null;
  section: string | null;
  decidedAt: string;
  validFrom: string | null;
  validTo: string | null;
  reasons: DecisionReason[] | null;
  /** As stored: links are checked (withSafeLinks) before they are shown. */
  documents: unknown;
  appealSv: string | null;
  appealEn: string | null;
  automated: boolean;
}

interface MessageJson {
  id: string;
  author: MessageAuthor;
  body: string;
  sentAt: string;
  readAt: string | null;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const localized = (sv: string | null, en: string | null): LocalizedText | null =>
  sv === null && en === null ? null : { sv: sv ?? en ?? '', en: en ?? sv ?? '' };

export interface CaseRowContext {
  municipalityOf(tenantId: string): CaseMunicipality;
  labelOf(tenantId: string, internalStatus: string): { status: CitizenStatus; label: LocalizedText };
}

/** A case (with CASE_DETAILS when selected) as a view. */
export function toCaseView(row: CaseRecord, context: CaseRowContext): CaseView {
  const status = context.labelOf(row.tenantId, row.internalStatus);
  const messages = json<MessageJson[]>(row.messages ?? []).map((m): MessageView => ({
    id: m.id,
    author: m.author,
    body: m.body,
    sentAt: new Date(m.sentAt),
    readAt: m.readAt ? new Date(m.readAt) : null,
  }));
  return {
    id: row.id,
    tenantId: row.tenantId,
    municipality: context.municipalityOf(row.tenantId),
    errandNumber: row.errandNumber,
    caseType: row.caseType,
    title: { sv: row.titleSv, en: row.titleEn },
    subjectPartyId: row.subjectPartyId,
    subjectKind: row.subjectKind,
    unit: row.unit,
    source: row.source,
    externalCaseId: row.externalCaseId,
    // The literal of case-intake's EFORMS_SOURCE (that module imports this one).
    submissionId: row.source === 'e-forms' ? row.externalCaseId : null,
    caseSystemReference: row.caseSystemReference ?? null,
    status: { ...status, internalStatus: row.internalStatus, changedAt: row.statusChangedAt },
    whoseTurn: row.whoseTurn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    timeline: json<TimelineEntryJson[]>(row.timeline ?? []).map((e): TimelineEntryView => ({
      id: e.id,
      kind: e.kind,
      occurredAt: new Date(e.occurredAt),
      whoseTurn: e.whoseTurn,
      text: localized(e.textSv, e.textEn),
      statusLabel: e.internalStatus ? context.labelOf(row.tenantId, e.internalStatus).label : null,
      becameCurrent: e.becameCurrent,
    })),
    decisions: json<DecisionJson[]>(row.decisions ?? []).map((d): DecisionView => ({
      id: d.id,
      externalDecisionId: d.externalDecisionId,
      decisionType: d.decisionType,
      outcome: d.outcome,
      legalBasis: d.sfs ? { sfs: d.sfs, chapter: d.chapter, section: d.section } : null,
      decidedAt: new Date(d.decidedAt),
      validFrom: d.validFrom,
      validTo: d.validTo,
      reasons: d.reasons ?? [],
      // Rows stored before links were checked may hold any link: only safe ones are shown.
      documents: withSafeLinks(d.documents),
      appealInstructions: localized(d.appealSv, d.appealEn),
      automated: d.automated,
    })),
    messages,
    unreadCount: messages.filter((m) => m.author === 'municipality' && m.readAt === null).length,
  };
}

/** Opaque keyset cursor: the last case's exact update time and id. */
export function encodeCursor(row: { cursorAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.cursorAt, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof at !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at)) return undefined;
    if (typeof id !== 'string' || !UUID.test(id)) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
