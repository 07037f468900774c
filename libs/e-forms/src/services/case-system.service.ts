import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { CASE_SYSTEM_SCOPE, hasScope, type Principal } from '@kommuna/platform-auth';
import { recordEvent } from '@kommuna/platform-events';
import type { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { EVENT_TYPES, FormSubmissionRegisteredData } from '@kommuna/shared-service-contracts';
import { addressedTenant } from '../context';
import { EFormsError } from '../errors';
import { SubmissionStatus, SUBMISSION_STATUSES } from '../receipt';
import { renderReceiptPdf } from '../receipt-pdf';
import { repository, SubmissionRow } from '../repository';
import type { Language } from '../validation';
import {
  auditSubmission,
  Clock,
  EFormsServiceOptions,
  keysetPage,
  loadReceipt,
  pageArguments,
  submissionAttachment,
  submissionView,
  UUID,
} from './shared';
import type { CaseSystemSubmissionPage, CaseSystemSubmissionView, SubmissionFile } from './views';

/** A diarienummer as case systems write them ("KS 2026/0142", "BN-2026-17", "2026:342"): printable, no control characters. */
const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N} ._:/#-]{0,99}$/u;
const EVENT_SOURCE = '/e-forms';

/**
 * A municipality's case system (ärendehanteringssystem) taking e-forms submissions in: it lists
 * them (all units', as the municipality's own system), fetches one with its answers, files and
 * receipt PDF, and acknowledges the registration with its own reference (diarienummer), which
 * becomes an event Mina sidor shows the resident. Only a service account of the municipality
 * addressed whose token was granted CASE_SYSTEM_SCOPE gets here; every read is audited.
 */
export class CaseSystemService {
  private readonly now: Clock;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    options: EFormsServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * A page of the municipality's submissions, oldest first (submitted_at, then id), so a case
   * system keeping its last endCursor finds only newer ones after it. `registered: false` gives
   * those it has not acknowledged yet.
   */
  async listSubmissions(
    principal: Principal,
    query: { status?: SubmissionStatus | null; registered?: boolean | null; first?: number | null; after?: string | null } = {},
  ): Promise<CaseSystemSubmissionPage> {
    const tenant = this.caseSystemTenant(principal);
    const status = query.status ?? undefined;
    if (status !== undefined && !SUBMISSION_STATUSES.includes(status)) {
      throw new EFormsError('VALIDATION_FAILED', `Unknown status "${String(status)}": one of ${SUBMISSION_STATUSES.join(', ')}`);
    }
    const { first, after } = pageArguments(query);
    return this.database.transaction(async (em) => {
      const rows = await repository.listSubmissionsForTenant(em, tenant.id, {
        status,
        registered: query.registered ?? undefined,
        after,
        limit: first + 1,
      });
      const page = rows.slice(0, first);
      if (page.length > 0) {
        await appendAuditEntry(
          em,
          {
            actor: actorOf(principal),
            action: 'eforms.submissions.listed',
            targetType: 'eforms_submission',
            details: { errandNumbers: page.map((r) => r.errandNumber) },
          },
          this.now(),
        );
      }
      return keysetPage(rows, first, (row) => this.view(em, tenant, row));
    });
  }

  async getSubmission(principal: Principal, submissionId: string): Promise<CaseSystemSubmissionView> {
    const tenant = this.caseSystemTenant(principal);
    return this.database.transaction(async (em) => {
      const submission = await this.found(em, tenant, submissionId);
      await this.audit(em, principal, 'eforms.submission.read', submission);
      return this.view(em, tenant, submission);
    });
  }

  /** The receipt (kvittens) the resident got, as an A4 PDF. */
  async receiptPdf(principal: Principal, submissionId: string, language: Language = 'sv'): Promise<SubmissionFile> {
    const tenant = this.caseSystemTenant(principal);
    const receipt = await this.database.transaction(async (em) => {
      const submission = await this.found(em, tenant, submissionId);
      await this.audit(em, principal, 'eforms.receipt.read', submission);
      return loadReceipt(em, tenant, submission);
    });
    return {
      fileName: `Kvittens-${receipt.errandNumber}.pdf`,
      contentType: 'application/pdf',
      content: Buffer.from(await renderReceiptPdf(receipt, language)),
    };
  }

  /** One file the resident attached to the submission, with its bytes. */
  async attachment(principal: Principal, submissionId: string, attachmentId: string): Promise<SubmissionFile> {
    const tenant = this.caseSystemTenant(principal);
    return this.database.transaction(async (em) => {
      const submission = await this.found(em, tenant, submissionId);
      const file = await submissionAttachment(em, tenant.id, submission.id, attachmentId);
      await this.audit(em, principal, 'eforms.attachment.read', submission, { attachmentId });
      return file;
    });
  }

  /**
   * The case system registered the submission under `reference` (its diarienummer). Emits the
   * registration event once; acknowledging again with the same reference changes nothing, with
   * another one is CONFLICT (a registration is not moved silently).
   */
  async acknowledge(principal: Principal, submissionId: string, reference: string): Promise<CaseSystemSubmissionView> {
    const tenant = this.caseSystemTenant(principal);
    const ref = typeof reference === 'string' ? reference.trim() : '';
    if (!REFERENCE.test(ref)) {
      throw new EFormsError(
        'VALIDATION_FAILED',
        'The case system reference (diarienummer) is 1-100 letters, digits, spaces and . _ : / # -, starting with a letter or digit',
        {
          problems: [{ field: 'caseSystemReference', message: 'a diarienummer such as "KS 2026/0142"' }],
        },
      );
    }
    return this.database.transaction(async (em) => {
      const submission = await this.found(em, tenant, submissionId, { lock: true });
      if (submission.caseSystemReference !== null && submission.caseSystemReference !== ref) {
        throw new EFormsError(
          'CONFLICT',
          `Submission ${submission.errandNumber} is already registered as ${submission.caseSystemReference}`,
        );
      }
      const at = this.now();
      const by = principal.clientId ?? principal.subject;
      if (await repository.registerSubmission(em, tenant.id, submission.id, { reference: ref, at, by })) {
        await recordEvent<FormSubmissionRegisteredData>(em, {
          type: EVENT_TYPES.formSubmissionRegistered,
          source: EVENT_SOURCE,
          subject: submission.id,
          data: {
            submissionId: submission.id,
            errandNumber: submission.errandNumber,
            caseSystemReference: ref,
            registeredAt: at.toISOString(),
            subjectPartyId: submission.subjectPartyId,
          },
        });
        await this.audit(em, principal, 'eforms.submission.registered', submission, { caseSystemReference: ref });
      }
      return this.view(em, tenant, await repository.getSubmission(em, tenant.id, submission.id));
    });
  }

  private async found(em: EntityManager, tenant: Tenant, submissionId: string, options: { lock?: boolean } = {}): Promise<SubmissionRow> {
    if (!UUID.test(submissionId)) throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such submission in this municipality');
    // Two acknowledgements at once: the second waits and then sees the first one's reference.
    if (options.lock)
      await em.query(`SELECT 1 FROM eforms_submission WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenant.id, submissionId]);
    const submission = await repository.findSubmission(em, tenant.id, submissionId);
    if (!submission) throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such submission in this municipality');
    return submission;
  }

  private async audit(
    em: EntityManager,
    principal: Principal,
    action: string,
    s: SubmissionRow,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await auditSubmission(em, actorOf(principal), action, s, details, this.now());
  }

  private async view(em: EntityManager, tenant: Tenant, s: SubmissionRow): Promise<CaseSystemSubmissionView> {
    const { view, version } = await submissionView(em, tenant.id, s);
    const applicant = s.subjectPartyId ? ((await repository.applicantIdentity(em, s.subjectPartyId)) ?? null) : null;
    return {
      ...view,
      caseType: version.definition.caseType,
      applicant,
      registration:
        s.caseSystemReference && s.registeredAt
          ? { caseSystemReference: s.caseSystemReference, registeredAt: s.registeredAt, registeredBy: s.registeredBy ?? '' }
          : null,
    };
  }

  /** A service account of the addressed municipality (the api's guard checked membership) granted the case-system scope. */
  private caseSystemTenant(principal: Principal): Tenant {
    if (!principal.roles.includes('service_account'))
      throw new EFormsError('FORBIDDEN', "Submissions are taken in by the municipality's case system (a service account)");
    if (!hasScope(principal, CASE_SYSTEM_SCOPE)) {
      throw new EFormsError(
        'FORBIDDEN',
        `This service account was not granted the scope ${CASE_SYSTEM_SCOPE}: ask the municipality's administrator to give it to the case system's client`,
      );
    }
    return addressedTenant(this.tenants);
  }
}

const actorOf = (principal: Principal): string => auditActor.service(principal.clientId ?? principal.subject);
