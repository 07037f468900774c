import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import {
  ArchiveCaseAmbiguousError,
  type ArchiveRecord,
  type CaseArchiveContributor,
  type CaseContribution,
} from '@kommuna/platform-archive-export';
import { selectRows } from '@kommuna/platform-persistence';
import { CaseEventEntity } from './entities/case-event.entity';
import { CaseEntity } from './entities/case.entity';
import { DecisionEntity } from './entities/decision.entity';
import { MessageEntity } from './entities/message.entity';
import type { Municipalities } from './municipalities';

const CASE = [
  'id',
  'caseType',
  'titleSv',
  'titleEn',
  'subjectPartyId',
  'subjectKind',
  'unit',
  'source',
  'caseSystemReference',
  'internalStatus',
  'statusChangedAt',
  'createdAt',
] as const;
const EVENT = ['kind', 'occurredAt', 'textSv', 'textEn'] as const;
const DECISION = [
  'externalDecisionId',
  'decisionType',
  'outcome',
  'legalBasisSfs',
  'legalBasisChapter',
  'legalBasisSection',
  'decidedAt',
  'validFrom',
  'validTo',
  'reasons',
  'documents',
  'appealSv',
  'appealEn',
  'automated',
] as const;
const MESSAGE = ['id', 'author', 'body', 'sentAt'] as const;

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
    const cases = await selectRows(em, CaseEntity, CASE, `FROM minasidor_case WHERE tenant_id = $1 AND errand_number = $2`, [
      tenantId,
      errandNumber,
    ]);
    if (cases.length === 0) return undefined;
    if (cases.length > 1) throw new ArchiveCaseAmbiguousError(errandNumber, this.source);
    const [found] = cases;
    const closed = CLOSED_LABELS.has(this.municipalities.labelsOf(tenantId).statusOf(found.internalStatus));
    const ofCase = { tenantId, caseId: found.id };
    const events = await caseRows(em, ofCase, CaseEventEntity, EVENT, 'minasidor_case_event', 'occurred_at, recorded_at');
    const decisions = await caseRows(em, ofCase, DecisionEntity, DECISION, 'minasidor_decision', 'decided_at');
    const messages = await caseRows(em, ofCase, MessageEntity, MESSAGE, 'minasidor_message', 'sent_at, id');
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
        createdAt: m.sentAt,
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
        openedAt: new Date(Math.min(found.createdAt.getTime(), ...events.map((e) => e.occurredAt.getTime()))),
        closed,
        closedAt: closed ? found.statusChangedAt : null,
        status: found.internalStatus,
        caseSystemReference: found.caseSystemReference,
        party: { partyId: found.subjectPartyId, kind: found.subjectKind },
      },
      records,
      events: events.map((e) => ({
        occurredAt: e.occurredAt,
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
function decisionRecord(d: Pick<DecisionEntity, (typeof DECISION)[number]>): ArchiveRecord {
  // reasons is jsonb as the source sent it: each with an optional text in both languages.
  const reasons = d.reasons as Array<{ text?: { sv?: string; en?: string } }>;
  return {
    key: `decision:${d.externalDecisionId}`,
    recordType: 'decision',
    title: { sv: `Beslut (${d.decisionType})`, en: `Decision (${d.decisionType})` },
    direction: 'outgoing',
    createdAt: d.decidedAt,
    files: [],
    references: d.documents.map((doc) => ({ name: doc.name, url: doc.url, ref: doc.ref, checksum: doc.checksum })),
    decision: {
      outcome: d.outcome,
      automated: d.automated,
      decidedAt: d.decidedAt,
      decidedBy: null,
      reasons: reasons.flatMap((r) =>
        r.text?.sv || r.text?.en ? [{ sv: r.text.sv ?? r.text.en ?? '', en: r.text.en ?? r.text.sv ?? '' }] : [],
      ),
      legalBasis: d.legalBasisSfs ? [{ sfs: d.legalBasisSfs, chapter: d.legalBasisChapter, section: d.legalBasisSection }] : [],
      validFrom: d.validFrom,
      validTo: d.validTo,
      appealInstructions: d.appealSv || d.appealEn ? { sv: d.appealSv ?? d.appealEn ?? '', en: d.appealEn ?? d.appealSv ?? '' } : null,
    },
  };
}

/** A case's rows in one of its tables (`table` and `orderBy` are constants), as the entity's named columns. */
async function caseRows<E extends ObjectLiteral, K extends keyof E & string>(
  em: EntityManager,
  ofCase: { tenantId: string; caseId: string },
  entity: EntityTarget<E>,
  only: readonly K[],
  table: string,
  orderBy: string,
): Promise<Array<Pick<E, K>>> {
  return selectRows(em, entity, only, `FROM ${table} WHERE tenant_id = $1 AND case_id = $2 ORDER BY ${orderBy}`, [
    ofCase.tenantId,
    ofCase.caseId,
  ]);
}
