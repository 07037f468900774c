import type { EntityManager } from 'typeorm';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { recordEvent } from '@kommuna/platform-events';
import { EVENT_TYPES, FormSubmissionReceivedData } from '@kommuna/shared-service-contracts';
import { decodeBase64, inspectAttachment } from '../attachments';
import { addressedTenant, checkSlug, currentSubject, formatVersion, isUniqueViolation, parseVersion } from '../context';
import { evaluateDecisionRules } from '../decision-rules';
import { FormDefinition, fieldsOf } from '../definition';
import { nextErrandNumber } from '../errand-number';
import { EFormsError, FieldError, SubmissionInvalidError } from '../errors';
import { decisionDocumentName, renderDecisionPdf } from '../decision-pdf';
import { AttachmentInfo, DecisionInfo, decisionDocumentPath, Receipt, renderAnswers, SubmissionStatus } from '../receipt';
import { renderReceiptPdf } from '../receipt-pdf';
import { DraftRow, FormRow, repository, SubmissionRow, VersionRow } from '../repository';
import { prefillAnswers, ResidentRegisterFor } from '../prefill';
import { eFormsSettings } from '../settings';
import { Language, validateAnswers } from '../validation';
import { currentVersionOf } from './form-catalog.service';
import { decisionValidity, recordCompletionProvided, recordDecision, EVENT_SOURCE } from './decisions';
import { canonicalJson, Clock, decisionDocumentContent, EFormsServiceOptions, formAndVersionOf, loadReceipt, sha256, UUID } from './shared';
import type { DecisionDocumentFile, DraftView } from './views';

export interface SubmitFormInput {
  /** The form to answer (its current published version, or `version`); optional with a draft. */
  formSlug?: string;
  version?: string;
  /** Submit a saved draft: its version, and the attachments uploaded to it. */
  draftId?: string;
  data: unknown;
  /** The client's key for this submission: a retry with the same key and content gets the same receipt. */
  idempotencyKey: string;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,100}$/;
const MAX_DRAFT_BYTES = 256 * 1024;
const DAY = 24 * 60 * 60 * 1000;

/**
 * The citizen's path: drafts (save, resume), attachments (checked by content, SHA-256 kept),
 * the validated, idempotent submission with its errand number and event, the receipt and its PDF.
 * Citizens act in their subject context and write in the addressed municipality's.
 */
export class CitizenFormsService {
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
   * Starts a draft of the form's current version. Given the resident's identity number (from their
   * login) and a form with `prefill`, the draft starts with their name and registered address from
   * the population register; a protected person's address is left out, and a lookup that fails
   * leaves the draft empty rather than refusing it (the resident can always type).
   */
  async startDraft(formSlug: string, identityNumber?: string): Promise<DraftView> {
    const { tenant, subject } = this.citizen();
    const data = identityNumber ? await this.prefilled(tenant, formSlug, identityNumber) : {};
    return this.database.transaction(async (em) => {
      const { form, version } = await currentVersionOf(em, tenant, formSlug);
      const now = this.now();
      const draft = await repository.insertDraft(em, tenant.id, {
        formVersionId: version.id,
        subjectPartyId: subject,
        data,
        now,
        expiresAt: this.expiry(tenant, version.definition, now),
      });
      return draftView(form, version, draft, []);
    });
  }

  /** The prefilled answers, looked up outside any transaction (the register may be slow). */
  private async prefilled(tenant: Tenant, formSlug: string, identityNumber: string): Promise<Record<string, string>> {
    const register = this.residents?.(tenant.id);
    if (!register) return {};
    const { version } = await this.database.transaction((em) => currentVersionOf(em, tenant, formSlug));
    if (!version.definition.prefill || Object.keys(version.definition.prefill).length === 0) return {};
    try {
      const people = await register.lookupPeople([identityNumber]);
      return prefillAnswers(version.definition.prefill, people.get(identityNumber)).data;
    } catch {
      return {};
    }
  }

  async getDraft(draftId: string): Promise<DraftView> {
    const { tenant, subject } = this.citizen();
    return this.database.transaction(async (em) => {
      const { draft, form, version } = await this.liveDraft(em, tenant, subject, draftId);
      return draftView(form, version, draft, await repository.draftAttachments(em, tenant.id, draft.id));
    });
  }

  async listDrafts(): Promise<DraftView[]> {
    const { tenant, subject } = this.citizen();
    return this.database.transaction(async (em) => {
      const views: DraftView[] = [];
      for (const draft of await repository.listDrafts(em, tenant.id, subject, this.now())) {
        const version = await repository.findVersionById(em, tenant.id, draft.formVersionId);
        const form = version && (await repository.findFormById(em, tenant.id, version.formId));
        if (version && form) views.push(draftView(form, version, draft, await repository.draftAttachments(em, tenant.id, draft.id)));
      }
      return views;
    });
  }

  /** Saves answers as they are (checked only on submit); each save extends the draft's life. */
  async saveDraft(draftId: string, data: unknown): Promise<DraftView> {
    const { tenant, subject } = this.citizen();
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new EFormsError('VALIDATION_FAILED', 'A draft holds an object of answers');
    if (Buffer.byteLength(JSON.stringify(data)) > MAX_DRAFT_BYTES)
      throw new EFormsError('VALIDATION_FAILED', `A draft holds at most ${MAX_DRAFT_BYTES} bytes of answers`);
    return this.database.transaction(async (em) => {
      const { draft, form, version } = await this.liveDraft(em, tenant, subject, draftId);
      const now = this.now();
      const saved = await repository.saveDraft(
        em,
        tenant.id,
        draft.id,
        data as Record<string, unknown>,
        now,
        this.expiry(tenant, version.definition, now),
      );
      return draftView(form, version, saved, await repository.draftAttachments(em, tenant.id, draft.id));
    });
  }

  /**
   * Uploads a file for an attachment field, either to a draft or (with `submissionId`) to answer a
   * completion request on one of the citizen's submissions; the answer to that field is the returned id.
   */
  async uploadAttachment(input: {
    draftId?: string | null;
    submissionId?: string | null;
    field: string;
    fileName: string;
    contentBase64: string;
  }): Promise<AttachmentInfo> {
    const { tenant, subject } = this.citizen();
    if (!input.draftId === !input.submissionId)
      throw new EFormsError(
        'VALIDATION_FAILED',
        'Upload to a draft (draftId) or to a submission awaiting completion (submissionId): one of them',
      );
    const bytes = decodeBase64(input.contentBase64);
    return this.database.transaction(async (em) => {
      const target = input.draftId
        ? await this.liveDraft(em, tenant, subject, input.draftId).then(({ draft, version }) => ({ version, into: { draftId: draft.id } }))
        : await this.awaitingCompletion(em, tenant, subject, input.submissionId as string).then(async (submission) => ({
            version: (await formAndVersionOf(em, tenant.id, submission)).version,
            into: { completionSubmissionId: submission.id },
          }));
      const rule = target.version.definition.attachments.find((a) => a.field === input.field);
      if (!rule)
        throw new EFormsError('VALIDATION_FAILED', `"${String(input.field).slice(0, 80)}" is not an attachment field of this form`);
      const checked = inspectAttachment(input.fileName, bytes, rule);
      return repository.insertAttachment(em, tenant.id, {
        ...target.into,
        subjectPartyId: subject,
        field: rule.field,
        fileName: checked.fileName,
        contentType: checked.contentType,
        sha256: checked.sha256,
        content: bytes,
      });
    });
  }

  /**
   * Validates and stores a submission with its errand number and the received event in one
   * transaction, decides it at once where the municipality has switched automated decisions on
   * for the form, and returns the receipt. A replay with the same key and content returns the
   * first receipt; the same key with other content is a CONFLICT; nothing is stored on any error.
   */
  async submit(input: SubmitFormInput, language: Language = 'sv'): Promise<Receipt> {
    const tenant = addressedTenant(this.tenants);
    const subject = currentSubject();
    if (typeof input.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
      throw new EFormsError('VALIDATION_FAILED', 'idempotencyKey must be 8-100 characters of A-Z a-z 0-9 . _ : - (a UUID will do)');
    }
    if (input.draftId !== undefined && !UUID.test(input.draftId)) throw new EFormsError('DRAFT_NOT_FOUND', 'No such draft');
    const payloadHash = sha256(
      canonicalJson({
        formSlug: input.formSlug ?? null,
        version: input.version ?? null,
        draftId: input.draftId ?? null,
        data: input.data ?? null,
      }),
    );
    try {
      return await this.database.transaction((em) => this.submitIn(em, tenant, subject, input, payloadHash, language));
    } catch (error) {
      // A concurrent double submit: the other transaction committed first; answer with its receipt.
      if (isUniqueViolation(error, subject ? 'UQ_eforms_submission_idempotency' : 'UQ_eforms_submission_idempotency_anonymous')) {
        return this.database.transaction(async (em) => {
          const existing = await repository.findSubmissionByKey(em, tenant.id, subject, input.idempotencyKey);
          if (!existing) throw error;
          return this.replay(em, tenant, existing, payloadHash);
        });
      }
      throw error;
    }
  }

  /** The receipt of one of the caller's own submissions in the addressed municipality. */
  async receipt(submissionId: string): Promise<Receipt> {
    const { tenant, subject } = this.citizen();
    return this.database.transaction(async (em) => {
      const submission = UUID.test(submissionId) ? await repository.findSubmission(em, tenant.id, submissionId) : undefined;
      if (!submission || submission.subjectPartyId !== subject)
        throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such submission of yours in this municipality');
      return loadReceipt(em, tenant, submission);
    });
  }

  /** The receipt as an A4 PDF. */
  async receiptPdf(submissionId: string, language: Language = 'sv'): Promise<Uint8Array> {
    return renderReceiptPdf(await this.receipt(submissionId), language);
  }

  /**
   * The citizen answers a completion request: the whole answers again, checked against the same
   * version. An attachment answer names a file of the submission, or one uploaded for this
   * completion (which the submission then takes; the other uploads for it are dropped). Emits
   * the completion event: the errand is the unit's turn again.
   */
  async provideCompletion(submissionId: string, data: unknown, language: Language = 'sv'): Promise<Receipt> {
    const { tenant, subject } = this.citizen();
    return this.database.transaction(async (em) => {
      const submission = await this.awaitingCompletion(em, tenant, subject, submissionId);
      const { version } = await formAndVersionOf(em, tenant.id, submission);
      const errors = validateAnswers(version.definition, data, language);
      const answers = data as Record<string, unknown>;
      const usable = [
        ...(await repository.submissionAttachments(em, tenant.id, submission.id)),
        ...(await repository.completionUploads(em, tenant.id, submission.id)),
      ];
      const taken: string[] = [];
      if (errors.length === 0) {
        for (const field of fieldsOf(version.definition).filter((f) => f.kind === 'attachment')) {
          const value = answers[field.name];
          if (value === undefined) continue;
          const file = usable.find((a) => a.id === value && a.field === field.name);
          if (!file)
            errors.push({
              path: `/${field.name}`,
              message: language === 'sv' ? 'Bilagan hör inte till ärendet' : 'The attachment does not belong to this errand',
            });
          else taken.push(file.id);
        }
      }
      if (errors.length > 0) throw new SubmissionInvalidError(errors, language);
      const now = this.now();
      await repository.settleCompletionUploads(em, tenant.id, submission.id, taken);
      await repository.updateSubmissionData(em, tenant.id, submission.id, answers, 'received', now);
      await recordCompletionProvided(em, submission, now);
      return loadReceipt(em, tenant, await repository.getSubmission(em, tenant.id, submission.id));
    });
  }

  /** The decision document of one of the caller's own submissions in the addressed municipality, as a PDF. */
  async decisionDocument(decisionId: string, language: Language = 'sv'): Promise<DecisionDocumentFile> {
    const { tenant, subject } = this.citizen();
    const content = await this.database.transaction(async (em) => {
      const found = UUID.test(decisionId) ? await repository.findDecisionById(em, tenant.id, decisionId) : undefined;
      const submission = found && (await repository.findSubmission(em, tenant.id, found.submissionId));
      if (!found || !submission || submission.subjectPartyId !== subject)
        throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such decision of yours in this municipality');
      return decisionDocumentContent(em, tenant, submission, found.decision);
    });
    return { fileName: decisionDocumentName(content.errandNumber), pdf: await renderDecisionPdf(content, language) };
  }

  /** One of the caller's submissions whose completion was asked for and not yet given. */
  private async awaitingCompletion(em: EntityManager, tenant: Tenant, subject: string, submissionId: string): Promise<SubmissionRow> {
    const submission = UUID.test(submissionId) ? await repository.findSubmission(em, tenant.id, submissionId) : undefined;
    if (!submission || submission.subjectPartyId !== subject)
      throw new EFormsError('SUBMISSION_NOT_FOUND', 'No such submission of yours in this municipality');
    if (submission.status !== 'completion_requested')
      throw new EFormsError('VALIDATION_FAILED', `Submission ${submission.errandNumber} awaits no completion`);
    return submission;
  }

  private async submitIn(
    em: EntityManager,
    tenant: Tenant,
    subject: string | null,
    input: SubmitFormInput,
    payloadHash: string,
    language: Language,
  ): Promise<Receipt> {
    const existing = await repository.findSubmissionByKey(em, tenant.id, subject, input.idempotencyKey);
    if (existing) return this.replay(em, tenant, existing, payloadHash);

    const { form, version, draft } = await this.versionToAnswer(em, tenant, subject, input);
    const definition = version.definition;
    if (definition.loginRequired && !subject) throw new EFormsError('LOGIN_REQUIRED', 'Log in (e-legitimation) to submit this form');

    const errors = validateAnswers(definition, input.data, language);
    const answers = input.data as Record<string, unknown>;
    const attachments =
      errors.length === 0 ? await this.checkAttachments(em, tenant, subject, definition, answers, draft, errors, language) : [];
    if (errors.length > 0) throw new SubmissionInvalidError(errors, language);

    // Decided before anything is written, so the submission is inserted with its final status.
    const submittedAt = this.now();
    const outcome =
      eFormsSettings(tenant).automatedDecisions.includes(form.slug) && definition.decisionRules.length > 0
        ? evaluateDecisionRules(definition, answers)
        : undefined;
    const status: SubmissionStatus = !outcome ? 'received' : outcome.kind === 'decided' ? 'decided' : 'manual_handling';
    if (draft)
      await repository.deleteDraft(
        em,
        tenant.id,
        draft.id,
        attachments.map((a) => a.id),
      );

    // The errand number last before the insert: its counter row stays locked until COMMIT, and
    // every submission of this municipality's prefix and year queues on it.
    const errandNumber = await nextErrandNumber(em, tenant.id, definition.errandNumberPrefix, submittedAt);
    const submission: Omit<
      SubmissionRow,
      'id' | 'updatedAt' | 'completionMessage' | 'completionRequestedAt' | 'caseSystemReference' | 'registeredAt' | 'registeredBy'
    > = {
      formId: form.id,
      formVersionId: version.id,
      subjectPartyId: subject,
      subjectKind: subject ? 'person' : null,
      data: answers,
      errandNumber,
      idempotencyKey: input.idempotencyKey,
      payloadHash,
      status,
      submittedAt,
    };
    const id = await repository.insertSubmission(em, tenant.id, submission);
    // The receipt lists the checked files: each must really be this submission's now.
    if (
      (await repository.attachToSubmission(
        em,
        tenant.id,
        id,
        attachments.map((a) => a.id),
      )) !== attachments.length
    ) {
      throw new EFormsError('CONFLICT', 'An attachment was submitted with another submission at the same time: nothing was stored');
    }
    await recordEvent<FormSubmissionReceivedData>(em, {
      type: EVENT_TYPES.formSubmissionReceived,
      source: EVENT_SOURCE,
      subject: id,
      data: {
        submissionId: id,
        formSlug: form.slug,
        formVersion: formatVersion(version),
        caseType: definition.caseType,
        errandNumber,
        title: definition.title,
        unit: form.unit,
        subjectPartyId: subject,
        subjectKind: submission.subjectKind,
        submittedAt: submittedAt.toISOString(),
        notices: definition.notifications.filter((n) => n.on === 'received').map(({ channel, recipient }) => ({ channel, recipient })),
      },
    });

    let decision: DecisionInfo | null = null;
    if (outcome?.kind === 'decided') {
      const made = {
        outcome: outcome.outcome,
        automated: true,
        reasons: outcome.reasons,
        legalBasis: outcome.legalBasis,
        decidedAt: submittedAt,
        ...decisionValidity(outcome.outcome, {}, submittedAt),
      };
      // The audit entry (and its per-tenant lock) comes last in recordDecision, just before COMMIT.
      const decisionId = await recordDecision(em, tenant.id, { id, errandNumber, subjectPartyId: subject, status }, definition, {
        ...made,
        decidedBy: null,
      });
      decision = { id: decisionId, ...made, documentUrl: decisionDocumentPath(decisionId) };
    }
    // The receipt from what this transaction wrote: reading it back would cost statements under the counter's lock.
    return {
      submissionId: id,
      errandNumber,
      submittedAt,
      tenant: { slug: tenant.slug, names: tenant.names },
      formSlug: form.slug,
      formVersion: formatVersion(version),
      title: definition.title,
      status,
      answers: renderAnswers(definition, answers, attachments),
      data: answers,
      attachments,
      decision,
      completionRequest: null,
    };
  }

  private async replay(em: EntityManager, tenant: Tenant, existing: SubmissionRow, payloadHash: string): Promise<Receipt> {
    if (existing.payloadHash !== payloadHash) {
      throw new EFormsError(
        'CONFLICT',
        `The idempotency key was already used for another submission (${existing.errandNumber}) with different content: use a new key`,
      );
    }
    return loadReceipt(em, tenant, existing);
  }

  private async versionToAnswer(
    em: EntityManager,
    tenant: Tenant,
    subject: string | null,
    input: SubmitFormInput,
  ): Promise<{ form: FormRow; version: VersionRow; draft?: DraftRow }> {
    if (input.draftId) {
      if (!subject) throw new EFormsError('LOGIN_REQUIRED', 'Log in to submit a saved draft');
      const { draft, form, version } = await this.liveDraft(em, tenant, subject, input.draftId);
      if (input.formSlug !== undefined && input.formSlug !== form.slug)
        throw new EFormsError('VALIDATION_FAILED', `The draft answers "${form.slug}", not "${input.formSlug}"`);
      if (version.status === 'retired') throw retired(form.slug, version);
      return { form, version, draft };
    }
    if (!input.formSlug) throw new EFormsError('VALIDATION_FAILED', 'Name the form (formSlug) or the draft (draftId) to submit');
    if (input.version === undefined) return currentVersionOf(em, tenant, input.formSlug);
    const form = await repository.findForm(em, tenant.id, checkSlug(input.formSlug));
    if (!form) throw new EFormsError('FORM_NOT_FOUND', `${tenant.names.en} has no form "${input.formSlug}"`);
    const version = await repository.findVersion(em, tenant.id, form.id, parseVersion(input.version));
    if (!version) throw new EFormsError('FORM_VERSION_NOT_FOUND', `"${form.slug}" has no version ${input.version}`);
    if (version.status === 'retired') throw retired(form.slug, version);
    if (version.status !== 'published')
      throw new EFormsError('FORM_NOT_PUBLISHED', `Version ${input.version} of "${form.slug}" is not published`);
    return { form, version };
  }

  /** Every attachment answer must name a file this citizen uploaded for that field (and draft), not yet submitted. */
  private async checkAttachments(
    em: EntityManager,
    tenant: Tenant,
    subject: string | null,
    definition: FormDefinition,
    answers: Record<string, unknown>,
    draft: DraftRow | undefined,
    errors: FieldError[],
    language: Language,
  ): Promise<AttachmentInfo[]> {
    const wanted = fieldsOf(definition)
      .filter((f) => f.kind === 'attachment' && typeof answers[f.name] === 'string' && answers[f.name] !== '')
      .map((f) => ({ field: f.name, id: answers[f.name] as string }));
    if (wanted.length === 0) return [];
    const found = subject
      ? await repository.unsubmittedAttachments(
          em,
          tenant.id,
          subject,
          wanted.filter((w) => UUID.test(w.id)).map((w) => w.id),
        )
      : [];
    const ok = new Set<string>();
    for (const { field, id } of wanted) {
      const file = found.find((a) => a.id === id);
      if (!file || file.field !== field || (draft && file.draftId !== draft.id)) {
        errors.push({
          path: `/${field}`,
          message:
            language === 'sv'
              ? 'Bilagan finns inte: ladda upp filen till utkastet först'
              : 'No such attachment: upload the file to the draft first',
        });
      } else ok.add(id);
    }
    // In upload order, as the receipt lists them when read back.
    return found.filter((a) => ok.has(a.id)).map(({ draftId: _draftId, ...info }) => info);
  }

  private async liveDraft(
    em: EntityManager,
    tenant: Tenant,
    subject: string,
    draftId: string,
  ): Promise<{ draft: DraftRow; form: FormRow; version: VersionRow }> {
    const draft = UUID.test(draftId) ? await repository.findDraft(em, tenant.id, draftId, subject) : undefined;
    if (!draft) throw new EFormsError('DRAFT_NOT_FOUND', 'No such draft of yours in this municipality');
    if (draft.expiresAt.getTime() <= this.now().getTime())
      throw new EFormsError('DRAFT_EXPIRED', `The draft expired on ${draft.expiresAt.toISOString()}: start again`);
    const version = await repository.findVersionById(em, tenant.id, draft.formVersionId);
    const form = version && (await repository.findFormById(em, tenant.id, version.formId));
    if (!version || !form) throw new EFormsError('FORM_NOT_FOUND', 'The form of this draft is gone');
    return { draft, form, version };
  }

  private citizen(): { tenant: Tenant; subject: string } {
    const tenant = addressedTenant(this.tenants);
    const subject = currentSubject();
    if (!subject) throw new EFormsError('LOGIN_REQUIRED', 'Log in as a citizen to keep drafts and receipts');
    return { tenant, subject };
  }

  private expiry(tenant: Tenant, definition: FormDefinition, from: Date): Date {
    const days = definition.retention.draftDays ?? eFormsSettings(tenant).draftRetentionDays;
    return new Date(from.getTime() + days * DAY);
  }
}

function draftView(form: FormRow, version: VersionRow, draft: DraftRow, attachments: AttachmentInfo[]): DraftView {
  return {
    id: draft.id,
    formSlug: form.slug,
    formVersion: formatVersion(version),
    title: version.definition.title,
    data: draft.data,
    attachments,
    updatedAt: draft.updatedAt,
    expiresAt: draft.expiresAt,
  };
}

const retired = (slug: string, v: VersionRow) =>
  new EFormsError('FORM_VERSION_RETIRED', `Version ${formatVersion(v)} of "${slug}" has been retired and takes no submissions`);
