import type { EntityManager } from 'typeorm';
import type {
  ArchiveFile,
  ArchiveLegalBasis,
  ArchiveRecord,
  CaseArchiveContributor,
  CaseContribution,
} from '@kommuna/platform-archive-export';
import { rowOf, rowsOf, selectColumns, type TenantDirectory } from '@kommuna/platform-persistence';
import type { LegalBasis } from '@kommuna/shared-service-contracts';
import { renderDecisionPdf } from './decision-pdf';
import { DecisionEntity } from './entities/decision.entity';
import { SubmissionEntity } from './entities/submission.entity';
import { renderReceiptPdf } from './receipt-pdf';
import { repository } from './repository';
import { decisionDocumentContent, formAndVersionOf, loadReceipt, tenantById } from './services/shared';

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/**
 * E-forms' part of a case for the archive (docs/archive.md): the application with the receipt the
 * resident got (PDF) and the answers as submitted (JSON), every attached file as it came in, a
 * completion request, and the decision with its document (the PDF the resident was given), reasons
 * and legal basis. A submission is closed once decided. Reads in the caller's transaction.
 */
export class EFormsArchiveContributor implements CaseArchiveContributor {
  readonly source = 'e-forms';

  constructor(private readonly tenants: TenantDirectory) {}

  async contribute(em: EntityManager, tenantId: string, errandNumber: string): Promise<CaseContribution | undefined> {
    const found = rowOf(
      em,
      SubmissionEntity,
      await em.query(`SELECT id, purged_at FROM eforms_submission WHERE tenant_id = $1 AND errand_number = $2`, [tenantId, errandNumber]),
      ['id', 'purgedAt'],
    );
    if (!found) return undefined;
    const tenant = tenantById(this.tenants, tenantId);
    // The caller's transaction runs in a municipality the directory knows: anything else is a bug.
    if (!tenant) throw new Error(`archive export: no municipality with id ${tenantId}`);
    const submission = await repository.getSubmission(em, tenantId, found.id);
    const receipt = await loadReceipt(em, tenant, submission);
    const { form, version } = await formAndVersionOf(em, tenantId, submission);
    const { title } = version.definition;
    const decision = receipt.decision;

    const records: ArchiveRecord[] = [
      {
        key: `eforms-submission:${submission.id}`,
        recordType: 'application',
        title: { sv: `Ansökan: ${title.sv}`, en: `Application: ${title.en}` },
        direction: 'incoming',
        createdAt: submission.submittedAt,
        description: `E-tjänst ${form.slug} version ${receipt.formVersion}`,
        files: [
          {
            name: `Kvittens-${submission.errandNumber}.pdf`,
            contentType: 'application/pdf',
            content: Buffer.from(await renderReceiptPdf(receipt, 'sv')),
          },
          {
            name: 'svar.json',
            contentType: 'application/json',
            content: json({
              errandNumber: submission.errandNumber,
              form: form.slug,
              formVersion: receipt.formVersion,
              submittedAt: submission.submittedAt.toISOString(),
              answers: receipt.answers,
              data: submission.data,
            }),
          },
        ],
      },
    ];
    for (const attachment of receipt.attachments) {
      const file = await repository.submissionAttachmentContent(em, tenantId, submission.id, attachment.id);
      if (!file) continue;
      const label = receipt.answers.find((a) => a.field === attachment.field)?.label ?? { sv: attachment.field, en: attachment.field };
      records.push({
        key: `eforms-attachment:${attachment.id}`,
        recordType: 'attachment',
        title: { sv: `Bilaga: ${label.sv}`, en: `Attachment: ${label.en}` },
        direction: 'incoming',
        createdAt: submission.submittedAt,
        description: `${attachment.fileName} (SHA-256 vid inlämning ${attachment.sha256})`,
        files: [{ name: attachment.fileName, contentType: file.contentType, content: file.content }],
      });
    }
    if (receipt.completionRequest) {
      records.push({
        key: `eforms-completion-request:${submission.id}`,
        recordType: 'completion_request',
        title: { sv: 'Begäran om komplettering', en: 'Request for completion' },
        direction: 'outgoing',
        createdAt: receipt.completionRequest.requestedAt,
        files: [textFile('komplettering.txt', receipt.completionRequest.message.sv)],
      });
    }
    if (decision) {
      const [{ decidedBy }] = rowsOf(
        em,
        DecisionEntity,
        await em.query(`SELECT decided_by FROM eforms_decision WHERE tenant_id = $1 AND id = $2`, [tenantId, decision.id]),
        ['decidedBy'],
      );
      const pdf = await renderDecisionPdf(await decisionDocumentContent(em, tenant, submission, decision), 'sv');
      records.push({
        key: `decision:${decision.id}`,
        recordType: 'decision',
        title: { sv: `Beslut: ${title.sv}`, en: `Decision: ${title.en}` },
        direction: 'outgoing',
        createdAt: decision.decidedAt,
        files: [{ name: `Beslut-${submission.errandNumber}.pdf`, contentType: 'application/pdf', content: Buffer.from(pdf) }],
        decision: {
          outcome: decision.outcome === 'approve' ? 'approval' : 'rejection',
          automated: decision.automated,
          decidedAt: decision.decidedAt,
          decidedBy,
          reasons: decision.reasons.map((r) => r.text),
          legalBasis: legalBases([decision.legalBasis, ...decision.reasons.map((r) => r.legalBasis)]),
          validFrom: decision.validFrom,
          validTo: decision.validTo,
          appealInstructions: version.definition.appealInstructions ?? null,
        },
      });
    }
    return {
      source: this.source,
      header: {
        title,
        caseType: version.definition.caseType,
        unit: form.unit,
        openedAt: submission.submittedAt,
        closed: submission.status === 'decided' && decision !== null,
        closedAt: decision?.decidedAt ?? null,
        status: submission.status,
        caseSystemReference: submission.caseSystemReference,
        party: submission.subjectPartyId ? { partyId: submission.subjectPartyId, kind: submission.subjectKind ?? 'person' } : null,
      },
      records,
      events: [],
      purgedAt: found.purgedAt,
    };
  }

  async closedCases(em: EntityManager, tenantId: string, period: { from: Date | null; before: Date }): Promise<string[]> {
    const raw = await em.query(
      `SELECT ${selectColumns(em, SubmissionEntity, { alias: 's', only: ['errandNumber'] })}
         FROM eforms_submission s JOIN eforms_decision d ON d.tenant_id = s.tenant_id AND d.submission_id = s.id
        WHERE s.tenant_id = $1 AND s.status = 'decided' AND d.decided_at < $2 AND ($3::timestamptz IS NULL OR d.decided_at >= $3)
        ORDER BY s.errand_number`,
      [tenantId, period.before, period.from],
    );
    return rowsOf(em, SubmissionEntity, raw, ['errandNumber']).map((r) => r.errandNumber);
  }
}

function textFile(name: string, text: string): ArchiveFile {
  return { name, contentType: 'text/plain; charset=utf-8', content: Buffer.from(`${text}\n`) };
}

/** Each legal basis once, the decision's own first. */
function legalBases(bases: ReadonlyArray<LegalBasis | null | undefined>): ArchiveLegalBasis[] {
  const seen = new Map<string, ArchiveLegalBasis>();
  for (const basis of bases) {
    if (!basis) continue;
    const key = `${basis.sfs}|${basis.chapter ?? ''}|${basis.section ?? ''}`;
    if (!seen.has(key))
      seen.set(key, { sfs: basis.sfs, chapter: basis.chapter ?? null, section: basis.section ?? null, title: basis.title?.sv ?? null });
  }
  return [...seen.values()];
}
