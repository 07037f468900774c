import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import type { Principal } from '@kommuna/platform-auth';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import type { LegalBasis, LocalizedText } from '@kommuna/shared-service-contracts';
import { addressedTenant, requireRole } from '../context';
import { LegalBasisSchema } from '../definition';
import { EFormsError } from '../errors';
import { SubmissionStatus, SUBMISSION_STATUSES } from '../receipt';
import { repository, SubmissionRow } from '../repository';
import { decisionDocumentName, renderDecisionPdf } from '../decision-pdf';
import type { Language } from '../validation';
import { decisionValidity, recordCompletionRequest, recordDecision } from './decisions';
import {
  Clock,
  decisionDocumentContent,
  EFormsServiceOptions,
  formAndVersionOf,
  keysetPage,
  pageArguments,
  auditSubmission,
  submissionAttachment,
  submissionView,
  UUID,
} from './shared';
import type { ResidentRecord, ResidentRegisterFor } from '../prefill';
import type { DecisionDocumentFile, SubmissionApplicantView, SubmissionFile, SubmissionPage, SubmissionView } from './views';

const checkText = (text: LocalizedText, what: string): LocalizedText => {
  for (const lang of ['sv', 'en'] as const) {
    const t = text?.[lang]?.trim() ?? '';
    if (t.length < 1 || t.length > 4000)
      throw new EFormsError('VALIDATION_FAILED', `${what} needs a Swedish and an English text of 1-4000 characters`);
  }
  return { sv: text.sv.trim(), en: text.en.trim() };
};

/**
 * Case workers' handling of submissions. A case worker sees only submissions of forms their unit
 * handles (the secrecy boundary between e.g. social services and school); without a unit, none.
 */
export class CaseWorkService {
  private readonly now: Clock;
  private readonly residents: ResidentRegisterFor | undefined;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    options: EFormsServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.residents = options.residents;
  }

  /**
   * A page of the submissions of the caller's unit, newest first (submitted_at, then id: a stable
   * order); `after` is the endCursor of the previous page.
   */
  async listSubmissions(
    principal: Principal,
    query: { status?: SubmissionStatus | null; first?: number; after?: string | null } = {},
  ): Promise<SubmissionPage> {
    const tenant = this.staffTenant(principal);
    const status = query.status ?? undefined;
    if (status && !SUBMISSION_STATUSES.includes(status)) throw new EFormsError('VALIDATION_FAILED', `Unknown status "${status}"`);
    const { first, after } = pageArguments(query);
    if (!principal.unit) return { nodes: [], endCursor: null, hasNextPage: false };
    const unit = principal.unit;
    return this.database.transaction(async (em) => {
      const rows = await repository.listSubmissionsForUnit(em, tenant.id, unit, { status, after, limit: first + 1 });
      const page = rows.slice(0, first);
      // A staff read of citizens' data is audited (which errands were shown to whom).
      if (page.length > 0) {
        await appendAuditEntry(
          em,
          {
            actor: auditActor.staff(principal.subject),
            action: 'eforms.submissions.listed',
            targetType: 'eforms_submission',
            details: { unit, errandNumbers: page.map((r) => r.errandNumber) },
          },
          this.now(),
        );
      }
      return keysetPage(rows, first, (row) => this.view(em, tenant, row));
    });
  }

  async getSubmission(principal: Principal, submissionId: string): Promise<SubmissionView> {
    const tenant = this.staffTenant(principal);
    return this.database.transaction(async (em) => {
      const submission = await this.visible(em, tenant, principal, submissionId);
      await this.audit(em, principal, 'eforms.submission.read', submission);
      return this.view(em, tenant, submission);
    });
  }

  /**
   * The applicant of a submission of the caller's unit: identity number, and a person's name and
   * registered address from the population register. The read is audited before the register is
   * asked (outside the transaction: the register may be slow); a protected person's address is
   * never returned, and a register that fails leaves the name out rather than failing the page.
   */
  async applicant(principal: Principal, submissionId: string): Promise<SubmissionApplicantView | null> {
    const tenant = this.staffTenant(principal);
    const identity = await this.database.transaction(async (em) => {
      const submission = await this.visible(em, tenant, principal, submissionId);
      if (!submission.subjectPartyId) return null;
      await this.audit(em, principal, 'eforms.applicant.read', submission);
      return (await repository.applicantIdentity(em, submission.subjectPartyId)) ?? null;
    });
    if (!identity) return null;
    const none = { ...identity, name: null, address: null, protectedIdentity: false };
    if (identity.kind !== 'person') return { ...none, register: 'not_a_person' };
    const register = this.residents?.(tenant.id);
    let person: ResidentRecord | undefined;
    try {
      person = register && (await register.lookupPeople([identity.identityNumber])).get(identity.identityNumber);
    } catch {
      return { ...none, register: 'unavailable' };
    }
    if (!register) return { ...none, register: 'unavailable' };
    if (!person || person.status === 'NOT_FOUND') return { ...none, register: 'not_found' };
    const protectedIdentity = person.protection !== 'NONE';
    const a = protectedIdentity ? null : person.address;
    return {
      ...identity,
      name: person.name ? [person.name.givenName, person.name.familyName].filter(Boolean).join(' ') : null,
      address: a ? [a.careOf ? `c/o ${a.careOf}` : '', a.street, `${a.postalCode} ${a.city}`].filter(Boolean) : null,
      protectedIdentity,
      register: 'found',
    };
  }

  /** One file the resident attached to a submission of the caller's unit; the read is audited as the case system's is. */
  async attachment(principal: Principal, submissionId: string, attachmentId: string): Promise<SubmissionFile> {
    const tenant = this.staffTenant(principal);
    return this.database.transaction(async (em) => {
      const submission = await this.visible(em, tenant, principal, submissionId);
      const file = await submissionAttachment(em, tenant.id, submission.id, attachmentId);
      await this.audit(em, principal, 'eforms.attachment.read', submission, { attachmentId });
      return file;
    });
  }

  /** Asks the citizen to complete the submission (komplettering); emits the completion event. */
  async requestCompletion(principal: Principal, submissionId: string, message: LocalizedText): Promise<SubmissionView> {
    const tenant = this.staffTenant(principal);
    const text = checkText(message, 'A completion request');
    return this.database.transaction(async (em) => {
      const submission = await this.visible(em, tenant, principal, submissionId);
      if (submission.status === 'decided') throw decided(submission);
      await recordCompletionRequest(em, tenant.id, submission, text, this.now());
      await this.audit(em, principal, 'eforms.completion.requested', submission);
      return this.view(em, tenant, await repository.getSubmission(em, tenant.id, submission.id));
    });
  }

  /** Records the case worker's decision (never automated); emits the decision event. */
  async decide(
    principal: Principal,
    submissionId: string,
    input: {
      outcome: 'approve' | 'reject';
      reason: LocalizedText;
      legalBasis?: LegalBasis | null;
      validFrom?: string | null;
      validTo?: string | null;
    },
  ): Promise<SubmissionView> {
    const tenant = this.staffTenant(principal);
    if (input.outcome !== 'approve' && input.outcome !== 'reject')
      throw new EFormsError('VALIDATION_FAILED', 'The outcome is approve or reject');
    const reason = checkText(input.reason, 'A decision');
    const decidedAt = this.now();
    const validity = decisionValidity(input.outcome, input, decidedAt);
    let legalBasis: LegalBasis | null = null;
    if (input.legalBasis) {
      const parsed = LegalBasisSchema.safeParse(input.legalBasis);
      if (!parsed.success)
        throw new EFormsError(
          'VALIDATION_FAILED',
          `Legal basis: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      legalBasis = parsed.data;
    }
    return this.database.transaction(async (em) => {
      const submission = await this.visible(em, tenant, principal, submissionId);
      if (submission.status === 'decided') throw decided(submission);
      const { version } = await formAndVersionOf(em, tenant.id, submission);
      await recordDecision(em, tenant.id, submission, version.definition, {
        outcome: input.outcome,
        automated: false,
        reasons: [{ ruleId: 'manual', text: reason, ...(legalBasis ? { legalBasis } : {}) }],
        legalBasis,
        decidedBy: principal.subject,
        decidedAt,
        ...validity,
      });
      return this.view(em, tenant, await repository.getSubmission(em, tenant.id, submission.id));
    });
  }

  /** The decision document of a submission of the caller's unit, as a PDF; the read is audited. */
  async decisionDocument(principal: Principal, decisionId: string, language: Language = 'sv'): Promise<DecisionDocumentFile> {
    const tenant = this.staffTenant(principal);
    const content = await this.database.transaction(async (em) => {
      const found = UUID.test(decisionId) ? await repository.findDecisionById(em, tenant.id, decisionId) : undefined;
      if (!found) throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such decision in your unit');
      const submission = await this.visible(em, tenant, principal, found.submissionId);
      await this.audit(em, principal, 'eforms.decision.document.read', submission, { decisionId });
      return decisionDocumentContent(em, tenant, submission, found.decision);
    });
    return { fileName: decisionDocumentName(content.errandNumber), pdf: await renderDecisionPdf(content, language) };
  }

  private async visible(em: EntityManager, tenant: Tenant, principal: Principal, submissionId: string): Promise<SubmissionRow> {
    const submission = UUID.test(submissionId) ? await repository.findSubmission(em, tenant.id, submissionId) : undefined;
    const form = submission && (await repository.findFormById(em, tenant.id, submission.formId));
    // Another unit's submission is answered exactly like a missing one: its existence is not disclosed.
    if (!submission || !form || !principal.unit || form.unit !== principal.unit) {
      throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such submission in your unit');
    }
    return submission;
  }

  private async audit(em: EntityManager, principal: Principal, action: string, s: SubmissionRow, details: Record<string, unknown> = {}) {
    await auditSubmission(em, auditActor.staff(principal.subject), action, s, details, this.now());
  }

  private async view(em: EntityManager, tenant: Tenant, s: SubmissionRow): Promise<SubmissionView> {
    return (await submissionView(em, tenant.id, s)).view;
  }

  private staffTenant(principal: Principal): Tenant {
    requireRole(principal, 'case_worker');
    return addressedTenant(this.tenants);
  }
}

const decided = (s: SubmissionRow) => new EFormsError('SUBMISSION_ALREADY_DECIDED', `Submission ${s.errandNumber} is already decided`);
