import type { EntityManager } from 'typeorm';
import {
  ArchiveCaseAmbiguousError,
  type ArchiveRecord,
  type CaseArchiveContributor,
  type CaseContribution,
} from '@kommuna/platform-archive-export';
import type { DecisionDocument, DecisionOutcome } from './entities/decision.entity';
import type { Municipalities } from './municipalities';

interface CaseRow {
  id: string;
  caseType: string;
  titleSv: string;
  titleEn: string;
  subjectPartyId: string;
  subjectKind: 'person' | 'organisation';
  unit: string;
  source: string;
  caseSystemReference: string | null;
  internalStatus: string;
  statusChangedAt: Date;
  createdAt: Date;
}

interface DecisionRow {
  externalDecisionId: string;
  decisionType: string;
  outcome: DecisionOutcome;
  legalBasisSfs: string | null;
  legalBasisChapter: string | null;
  legalBasisSection: string | null;
  decidedAt: Date;
  validFrom: string | null;
  validTo: string | null;
  reasons: Array<{ text?: { sv?: string; en?: string } }>;
  documents: DecisionDocument[];
  appealSv: string | null;
  appealEn: string | null;
  automated: boolean;
}

const CASE_COLUMNS = `id, case_type AS "caseType", title_sv AS "titleSv", title_en AS "titleEn", subject_party_id AS "subjectPartyId",
  subject_kind AS "subjectKind", unit, source, case_system_reference AS "caseSystemReference", internal_status AS "internalStatus",
  status_changed_at AS "statusChangedAt", created_at AS "createdAt"`;

/** A case whose label is one of these is finished (slutbehandlat): a decision is made, or it is closed. */
const CLOSED_LABELS = new Set(['decision_made', 'closed']);

/**
 * Mina sidor's part of a case for the archive (docs/archive.md): the case as the resident saw it,
 * its whole timeline as the case history, the decisions (their documents as references: the
 * bytes stay with the source that issued them) and the message thread. A case is closed when the
 * municipality's label for its status is "Beslut finns" or "Avslutat". Reads in the caller's
 * transaction, so row-level security keeps it in the municipality.
 */
export class MinasidorArchiveContributor implements CaseArchiveContributor {
  readonly source = 'minasidor';

  constructor(private readonly municipalities: Municipalities) {}

  async contribute(em: EntityManager, tenantId: string, errandNumber: string): Promise<CaseContribution | undefined> {
    const cases: CaseRow[] = await em.query(`SELECT ${CASE_COLUMNS} FROM minasidor_case WHERE tenant_id = $1 AND errand_number = $2`, [
      tenantId,
      errandNumber,
    ]);
    if (cases.length === 0) return undefined;
    if (cases.length > 1) throw new ArchiveCaseAmbiguousError(errandNumber, this.source);
    const [found] = cases;
    const closed = CLOSED_LABELS.has(this.municipalities.labelsOf(tenantId).statusOf(found.internalStatus));
    const events: Array<{ kind: string; occurredAt: Date; textSv: string | null; textEn: string | null }> = await em.query(
      `SELECT kind, occurred_at AS "occurredAt", text_sv AS "textSv", text_en AS "textEn" FROM minasidor_case_event
        WHERE tenant_id = $1 AND case_id = $2 ORDER BY occurred_at, recorded_at`,
      [tenantId, found.id],
    );
    const decisions: DecisionRow[] = await em.query(
      `SELECT external_decision_id AS "externalDecisionId", decision_type AS "decisionType", outcome, legal_basis_sfs AS "legalBasisSfs",
              legal_basis_chapter AS "legalBasisChapter", legal_basis_section AS "legalBasisSection", decided_at AS "decidedAt",
              to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", reasons, documents,
              appeal_sv AS "appealSv", appeal_en AS "appealEn", automated
         FROM minasidor_decision WHERE tenant_id = $1 AND case_id = $2 ORDER BY decided_at`,
      [tenantId, found.id],
    );
    const messages: Array<{ id: string; author: string; body: string; sentAt: Date }> = await em.query(
      `SELECT id, author, body, sent_at AS "sentAt" FROM minasidor_message WHERE tenant_id = $1 AND case_id = $2 ORDER BY sent_at, id`,
      [tenantId, found.id],
    );
    const records: ArchiveRecord[] = [
      ...decisions.map((d) => decisionRecord(d)),
      ...messages.map((m): ArchiveRecord => ({
        key: `minasidor-message:${m.id}`,
        recordType: 'message',
        title:
          m.author === 'citizen'
            ? { sv: 'Meddelande från den enskilde', en: 'Message from the resident' }
            : { sv: 'Meddelande från kommunen', en: 'Message from the municipality' },
        direction: m.author === 'citizen' ? 'incoming' : 'outgoing',
        createdAt: new Date(m.sentAt),
        files: [{ name: 'meddelande.txt', contentType: 'text/plain; charset=utf-8', content: Buffer.from(`${m.body}\n`) }],
      })),
    ];
    return {
      source: this.source,
      header: {
        title: { sv: found.titleSv, en: found.titleEn },
        caseType: found.caseType,
        unit: found.unit,
        // When the case began at its source (its first timeline entry), not when Mina sidor first heard of it.
        openedAt: new Date(Math.min(new Date(found.createdAt).getTime(), ...events.map((e) => new Date(e.occurredAt).getTime()))),
        closed,
        closedAt: closed ? new Date(found.statusChangedAt) : null,
        status: found.internalStatus,
        caseSystemReference: found.caseSystemReference,
        party: { partyId: found.subjectPartyId, kind: found.subjectKind },
      },
      records,
      events: events.map((e) => ({
        occurredAt: new Date(e.occurredAt),
        kind: e.kind,
        text: e.textSv || e.textEn ? { sv: e.textSv ?? e.textEn ?? '', en: e.textEn ?? e.textSv ?? '' } : null,
        source: this.source,
      })),
    };
  }

  async closedCases(em: EntityManager, tenantId: string, period: { from: Date | null; before: Date }): Promise<string[]> {
    const rows: Array<{ errandNumber: string; internalStatus: string }> = await em.query(
      `SELECT errand_number AS "errandNumber", internal_status AS "internalStatus" FROM minasidor_case
        WHERE tenant_id = $1 AND status_changed_at < $2 AND ($3::timestamptz IS NULL OR status_changed_at >= $3)
        ORDER BY errand_number`,
      [tenantId, period.before, period.from],
    );
    const labels = this.municipalities.labelsOf(tenantId);
    return rows.filter((r) => CLOSED_LABELS.has(labels.statusOf(r.internalStatus))).map((r) => r.errandNumber);
  }
}

/** A decision as Mina sidor has it; keyed by the source's decision id, so the source's own record (with its document) is kept first. */
function decisionRecord(d: DecisionRow): ArchiveRecord {
  return {
    key: `decision:${d.externalDecisionId}`,
    recordType: 'decision',
    title: { sv: `Beslut (${d.decisionType})`, en: `Decision (${d.decisionType})` },
    direction: 'outgoing',
    createdAt: new Date(d.decidedAt),
    files: [],
    references: d.documents.map((doc) => ({ name: doc.name, url: doc.url, ref: doc.ref, checksum: doc.checksum })),
    decision: {
      outcome: d.outcome,
      automated: d.automated,
      decidedAt: new Date(d.decidedAt),
      decidedBy: null,
      reasons: d.reasons.flatMap((r) =>
        r.text?.sv || r.text?.en ? [{ sv: r.text.sv ?? r.text.en ?? '', en: r.text.en ?? r.text.sv ?? '' }] : [],
      ),
      legalBasis: d.legalBasisSfs ? [{ sfs: d.legalBasisSfs, chapter: d.legalBasisChapter, section: d.legalBasisSection }] : [],
      validFrom: d.validFrom,
      validTo: d.validTo,
      appealInstructions: d.appealSv || d.appealEn ? { sv: d.appealSv ?? d.appealEn ?? '', en: d.appealEn ?? d.appealSv ?? '' } : null,
    },
  };
}
