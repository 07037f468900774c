import type { EntityManager } from 'typeorm';
import type { LocalizedText } from '@kommuna/shared-service-contracts';
import { RawRow, rowOf, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import type { FormDefinition } from './definition';
import { AttachmentEntity } from './entities/attachment.entity';
import { DecisionEntity } from './entities/decision.entity';
import { DraftEntity } from './entities/draft.entity';
import { FormVersionEntity, FormVersionStatus } from './entities/form-version.entity';
import { FormEntity } from './entities/form.entity';
import { SubmissionEntity } from './entities/submission.entity';
import { TemplateEntity } from './entities/template.entity';
import { AttachmentInfo, DecisionInfo, decisionDocumentPath, SubmissionStatus } from './receipt';

// Thin data access: every statement names its tenant explicitly, on top of row-level security.

// Rows are the entities' (docs/architecture.md#typed-rows): each list names the properties read.
const FORM = ['id', 'slug', 'unit', 'templatePublisherTenantId', 'templateSlug', 'createdAt'] as const;
export type FormRow = Pick<FormEntity, (typeof FORM)[number]>;

const VERSION = [
  'id',
  'formId',
  'major',
  'minor',
  'changelog',
  'status',
  'definition',
  'templateId',
  'createdAt',
  'publishedAt',
  'retiredAt',
] as const;
export type VersionRow = Pick<FormVersionEntity, (typeof VERSION)[number]>;

const TEMPLATE = ['id', 'publisherTenantId', 'slug', 'major', 'minor', 'unit', 'changelog', 'definition', 'publishedAt'] as const;
export type TemplateRow = Pick<TemplateEntity, (typeof TEMPLATE)[number]>;

const DRAFT = ['id', 'formVersionId', 'subjectPartyId', 'data', 'createdAt', 'updatedAt', 'expiresAt'] as const;
export type DraftRow = Pick<DraftEntity, (typeof DRAFT)[number]>;

const SUBMISSION = [
  'id',
  'formId',
  'formVersionId',
  'subjectPartyId',
  'subjectKind',
  'data',
  'errandNumber',
  'idempotencyKey',
  'payloadHash',
  'status',
  'submittedAt',
  'updatedAt',
  'completionMessage',
  'completionRequestedAt',
  'caseSystemReference',
  'registeredAt',
  'registeredBy',
] as const;
export type SubmissionRow = Pick<SubmissionEntity, (typeof SUBMISSION)[number]>;

/** What a decision is made of (the entity's columns but its keys); insertDecision stores it for a submission. */
export type DecisionContent = Pick<
  DecisionEntity,
  'outcome' | 'automated' | 'reasons' | 'legalBasis' | 'decidedBy' | 'decidedAt' | 'validFrom' | 'validTo'
>;
type NewDecision = DecisionContent & Pick<DecisionEntity, 'submissionId' | 'subjectPartyId'>;

const ATTACHMENT = ['id', 'field', 'fileName', 'contentType', 'sizeBytes', 'sha256'] as const;
const DECISION = ['id', 'outcome', 'automated', 'reasons', 'legalBasis', 'decidedAt', 'validFrom', 'validTo'] as const;
type DecisionRow = Pick<DecisionEntity, (typeof DECISION)[number]>;

const forms = (em: EntityManager, raw: RawRow[]): FormRow[] => rowsOf(em, FormEntity, raw, FORM);
const versions = (em: EntityManager, raw: RawRow[]): VersionRow[] => rowsOf(em, FormVersionEntity, raw, VERSION);
const templates = (em: EntityManager, raw: RawRow[]): TemplateRow[] => rowsOf(em, TemplateEntity, raw, TEMPLATE);
const drafts = (em: EntityManager, raw: RawRow[]): DraftRow[] => rowsOf(em, DraftEntity, raw, DRAFT);
const submissions = (em: EntityManager, raw: RawRow[]): SubmissionRow[] => rowsOf(em, SubmissionEntity, raw, SUBMISSION);
const attachments = (em: EntityManager, raw: RawRow[]): AttachmentInfo[] => rowsOf(em, AttachmentEntity, raw, ATTACHMENT);
const decisionInfo = (d: DecisionRow): DecisionInfo => ({ ...d, documentUrl: decisionDocumentPath(d.id) });

const formColumns = (em: EntityManager) => selectColumns(em, FormEntity, { only: FORM });
const versionColumns = (em: EntityManager) => selectColumns(em, FormVersionEntity, { only: VERSION });
const templateColumns = (em: EntityManager) => selectColumns(em, TemplateEntity, { only: TEMPLATE });
const draftColumns = (em: EntityManager) => selectColumns(em, DraftEntity, { only: DRAFT });
const submissionColumns = (em: EntityManager, alias?: string) => selectColumns(em, SubmissionEntity, { alias, only: SUBMISSION });
const attachmentColumns = (em: EntityManager) => selectColumns(em, AttachmentEntity, { only: ATTACHMENT });

export const repository = {
  async findForm(em: EntityManager, tenantId: string, slug: string): Promise<FormRow | undefined> {
    const [form] = await selectRows(em, FormEntity, FORM, `FROM eforms_form WHERE tenant_id = $1 AND slug = $2`, [tenantId, slug]);
    return form;
  },

  async findFormById(em: EntityManager, tenantId: string, id: string): Promise<FormRow | undefined> {
    const [form] = await selectRows(em, FormEntity, FORM, `FROM eforms_form WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return form;
  },

  async listForms(em: EntityManager, tenantId: string): Promise<FormRow[]> {
    return selectRows(em, FormEntity, FORM, `FROM eforms_form WHERE tenant_id = $1 ORDER BY slug`, [tenantId]);
  },

  async insertForm(
    em: EntityManager,
    tenantId: string,
    form: { slug: string; unit: string; templatePublisherTenantId?: string; templateSlug?: string },
  ): Promise<FormRow> {
    const raw = await em.query(
      `INSERT INTO eforms_form (tenant_id, slug, unit, template_publisher_tenant_id, template_slug) VALUES ($1, $2, $3, $4, $5) RETURNING ${formColumns(em)}`,
      [tenantId, form.slug, form.unit, form.templatePublisherTenantId ?? null, form.templateSlug ?? null],
    );
    return forms(em, raw)[0];
  },

  async setFormUnit(em: EntityManager, tenantId: string, formId: string, unit: string): Promise<void> {
    await em.query(`UPDATE eforms_form SET unit = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, formId, unit]);
  },

  async listVersions(em: EntityManager, tenantId: string, formId: string): Promise<VersionRow[]> {
    return selectRows(
      em,
      FormVersionEntity,
      VERSION,
      `FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 ORDER BY major DESC, minor DESC`,
      [tenantId, formId],
    );
  },

  async findVersion(
    em: EntityManager,
    tenantId: string,
    formId: string,
    v: { major: number; minor: number },
  ): Promise<VersionRow | undefined> {
    const [version] = await selectRows(
      em,
      FormVersionEntity,
      VERSION,
      `FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 AND major = $3 AND minor = $4`,
      [tenantId, formId, v.major, v.minor],
    );
    return version;
  },

  async findVersionById(em: EntityManager, tenantId: string, id: string): Promise<VersionRow | undefined> {
    const [version] = await selectRows(em, FormVersionEntity, VERSION, `FROM eforms_form_version WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    return version;
  },

  /** A form by slug with the version citizens get (its highest published one, if any): one statement. */
  async findFormWithCurrentPublished(
    em: EntityManager,
    tenantId: string,
    slug: string,
  ): Promise<{ form: FormRow; version?: VersionRow } | undefined> {
    const raw: RawRow[] = await em.query(
      `SELECT ${selectColumns(em, FormEntity, { alias: 'f', only: FORM, prefix: 'form.' })},
              ${selectColumns(em, FormVersionEntity, { alias: 'v', only: VERSION, prefix: 'version.' })} FROM eforms_form f
         LEFT JOIN LATERAL (SELECT * FROM eforms_form_version WHERE tenant_id = $1 AND form_id = f.id AND status = 'published' ORDER BY major DESC, minor DESC LIMIT 1) v ON true
        WHERE f.tenant_id = $1 AND f.slug = $2`,
      [tenantId, slug],
    );
    const form = rowOf(em, FormEntity, raw, FORM, { prefix: 'form.' });
    if (!form) return undefined;
    const published = raw[0]['version.id'] !== null;
    return { form, version: published ? rowOf(em, FormVersionEntity, raw, VERSION, { prefix: 'version.' }) : undefined };
  },

  /** The version citizens get: the highest published one. */
  async currentPublished(em: EntityManager, tenantId: string, formId: string): Promise<VersionRow | undefined> {
    const [version] = await selectRows(
      em,
      FormVersionEntity,
      VERSION,
      `FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 AND status = 'published' ORDER BY major DESC, minor DESC LIMIT 1`,
      [tenantId, formId],
    );
    return version;
  },

  async insertVersion(
    em: EntityManager,
    tenantId: string,
    v: {
      formId: string;
      major: number;
      minor: number;
      changelog: string;
      status: FormVersionStatus;
      definition: FormDefinition;
      templateId?: string | null;
    },
  ): Promise<VersionRow> {
    const raw = await em.query(
      `INSERT INTO eforms_form_version (tenant_id, form_id, major, minor, changelog, status, definition, template_id, published_at)
       VALUES ($1, $2, $3, $4, $5, $6::varchar, $7, $8, CASE WHEN $6::varchar = 'published' THEN now() END) RETURNING ${versionColumns(em)}`,
      [tenantId, v.formId, v.major, v.minor, v.changelog, v.status, JSON.stringify(v.definition), v.templateId ?? null],
    );
    return versions(em, raw)[0];
  },

  async updateDraftVersion(
    em: EntityManager,
    tenantId: string,
    id: string,
    changes: { definition?: FormDefinition; changelog?: string },
  ): Promise<VersionRow> {
    const [rows] = await em.query(
      `UPDATE eforms_form_version SET definition = COALESCE($3, definition), changelog = COALESCE($4, changelog)
        WHERE tenant_id = $1 AND id = $2 AND status = 'draft' RETURNING ${versionColumns(em)}`,
      [tenantId, id, changes.definition ? JSON.stringify(changes.definition) : null, changes.changelog ?? null],
    );
    return versions(em, rows)[0];
  },

  async setVersionStatus(em: EntityManager, tenantId: string, id: string, status: 'published' | 'retired'): Promise<VersionRow> {
    const [rows] = await em.query(
      status === 'published'
        ? `UPDATE eforms_form_version SET status = 'published', published_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'draft' RETURNING ${versionColumns(em)}`
        : `UPDATE eforms_form_version SET status = 'retired', retired_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'published' RETURNING ${versionColumns(em)}`,
      [tenantId, id],
    );
    return versions(em, rows)[0];
  },

  async insertTemplate(
    em: EntityManager,
    publisherTenantId: string,
    t: Omit<TemplateRow, 'id' | 'publisherTenantId' | 'publishedAt'>,
  ): Promise<TemplateRow> {
    await em.query(
      `INSERT INTO eforms_template (publisher_tenant_id, slug, major, minor, unit, changelog, definition) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (publisher_tenant_id, slug, major, minor) DO NOTHING`,
      [publisherTenantId, t.slug, t.major, t.minor, t.unit, t.changelog, JSON.stringify(t.definition)],
    );
    const [template] = await selectRows(
      em,
      TemplateEntity,
      TEMPLATE,
      `FROM eforms_template WHERE publisher_tenant_id = $1 AND slug = $2 AND major = $3 AND minor = $4`,
      [publisherTenantId, t.slug, t.major, t.minor],
    );
    return template;
  },

  /** The newest version of every template family (or of one family). */
  async latestTemplates(em: EntityManager, family?: { publisherTenantId: string; slug: string }): Promise<TemplateRow[]> {
    const raw = await em.query(
      `SELECT DISTINCT ON (publisher_tenant_id, slug) ${templateColumns(em)} FROM eforms_template
        ${family ? 'WHERE publisher_tenant_id = $1 AND slug = $2' : ''}
        ORDER BY publisher_tenant_id, slug, major DESC, minor DESC`,
      family ? [family.publisherTenantId, family.slug] : [],
    );
    return templates(em, raw);
  },

  async findTemplateById(em: EntityManager, id: string): Promise<TemplateRow | undefined> {
    const [template] = await selectRows(em, TemplateEntity, TEMPLATE, `FROM eforms_template WHERE id = $1`, [id]);
    return template;
  },

  async insertDraft(
    em: EntityManager,
    tenantId: string,
    d: { formVersionId: string; subjectPartyId: string; data: Record<string, unknown>; now: Date; expiresAt: Date },
  ): Promise<DraftRow> {
    const raw = await em.query(
      `INSERT INTO eforms_draft (tenant_id, form_version_id, subject_party_id, data, created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING ${draftColumns(em)}`,
      [tenantId, d.formVersionId, d.subjectPartyId, JSON.stringify(d.data), d.now, d.expiresAt],
    );
    return drafts(em, raw)[0];
  },

  async findDraft(em: EntityManager, tenantId: string, id: string, subjectPartyId: string): Promise<DraftRow | undefined> {
    const [draft] = await selectRows(
      em,
      DraftEntity,
      DRAFT,
      `FROM eforms_draft WHERE tenant_id = $1 AND id = $2 AND subject_party_id = $3`,
      [tenantId, id, subjectPartyId],
    );
    return draft;
  },

  async listDrafts(em: EntityManager, tenantId: string, subjectPartyId: string, now: Date): Promise<DraftRow[]> {
    return selectRows(
      em,
      DraftEntity,
      DRAFT,
      `FROM eforms_draft WHERE tenant_id = $1 AND subject_party_id = $2 AND expires_at > $3 ORDER BY updated_at DESC`,
      [tenantId, subjectPartyId, now],
    );
  },

  async saveDraft(
    em: EntityManager,
    tenantId: string,
    id: string,
    data: Record<string, unknown>,
    now: Date,
    expiresAt: Date,
  ): Promise<DraftRow> {
    const [rows] = await em.query(
      `UPDATE eforms_draft SET data = $3, updated_at = $4, expires_at = $5 WHERE tenant_id = $1 AND id = $2 RETURNING ${draftColumns(em)}`,
      [tenantId, id, JSON.stringify(data), now, expiresAt],
    );
    return drafts(em, rows)[0];
  },

  /** Deletes a draft with its unsubmitted files, except those in `keep` (about to be submitted). */
  async deleteDraft(em: EntityManager, tenantId: string, id: string, keep: string[] = []): Promise<void> {
    await em.query(
      `DELETE FROM eforms_attachment WHERE tenant_id = $1 AND draft_id = $2 AND submission_id IS NULL AND NOT (id = ANY($3::uuid[]))`,
      [tenantId, id, keep],
    );
    await em.query(`DELETE FROM eforms_draft WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  },

  /** Removes a tenant's expired drafts and their unsubmitted files; returns how many drafts went. */
  async purgeExpiredDrafts(em: EntityManager, tenantId: string, now: Date): Promise<number> {
    await em.query(
      `DELETE FROM eforms_attachment a USING eforms_draft d
        WHERE a.tenant_id = $1 AND d.tenant_id = $1 AND a.draft_id = d.id AND a.submission_id IS NULL AND d.expires_at <= $2`,
      [tenantId, now],
    );
    const [, count] = await em.query(`DELETE FROM eforms_draft WHERE tenant_id = $1 AND expires_at <= $2`, [tenantId, now]);
    return Number(count ?? 0);
  },

  async insertAttachment(
    em: EntityManager,
    tenantId: string,
    a: {
      draftId?: string;
      completionSubmissionId?: string;
      subjectPartyId: string;
      field: string;
      fileName: string;
      contentType: string;
      sha256: string;
      content: Buffer;
    },
  ): Promise<AttachmentInfo> {
    const raw = await em.query(
      `INSERT INTO eforms_attachment (tenant_id, draft_id, completion_submission_id, subject_party_id, field, file_name, content_type, size_bytes, sha256, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${attachmentColumns(em)}`,
      [
        tenantId,
        a.draftId ?? null,
        a.completionSubmissionId ?? null,
        a.subjectPartyId,
        a.field,
        a.fileName,
        a.contentType,
        a.content.length,
        a.sha256,
        a.content,
      ],
    );
    return attachments(em, raw)[0];
  },

  /** Files uploaded to answer a submission's completion request, not yet taken by a completion. */
  async completionUploads(em: EntityManager, tenantId: string, submissionId: string): Promise<AttachmentInfo[]> {
    return selectRows(
      em,
      AttachmentEntity,
      ATTACHMENT,
      `FROM eforms_attachment WHERE tenant_id = $1 AND completion_submission_id = $2 AND submission_id IS NULL ORDER BY created_at`,
      [tenantId, submissionId],
    );
  },

  /** The completion takes `ids` of its uploads into the submission and drops the rest; returns how many it took. */
  async settleCompletionUploads(em: EntityManager, tenantId: string, submissionId: string, ids: string[]): Promise<number> {
    const [, taken] = await em.query(
      `UPDATE eforms_attachment SET submission_id = $2, completion_submission_id = NULL
        WHERE tenant_id = $1 AND completion_submission_id = $2 AND submission_id IS NULL AND id = ANY($3::uuid[])`,
      [tenantId, submissionId, ids],
    );
    await em.query(`DELETE FROM eforms_attachment WHERE tenant_id = $1 AND completion_submission_id = $2 AND submission_id IS NULL`, [
      tenantId,
      submissionId,
    ]);
    return Number(taken ?? 0);
  },

  async draftAttachments(em: EntityManager, tenantId: string, draftId: string): Promise<AttachmentInfo[]> {
    return selectRows(
      em,
      AttachmentEntity,
      ATTACHMENT,
      `FROM eforms_attachment WHERE tenant_id = $1 AND draft_id = $2 AND submission_id IS NULL ORDER BY created_at`,
      [tenantId, draftId],
    );
  },

  async submissionAttachments(em: EntityManager, tenantId: string, submissionId: string): Promise<AttachmentInfo[]> {
    return selectRows(
      em,
      AttachmentEntity,
      ATTACHMENT,
      `FROM eforms_attachment WHERE tenant_id = $1 AND submission_id = $2 ORDER BY created_at`,
      [tenantId, submissionId],
    );
  },

  /** Attachments the citizen uploaded and has not submitted yet, by id. */
  async unsubmittedAttachments(
    em: EntityManager,
    tenantId: string,
    subjectPartyId: string,
    ids: string[],
  ): Promise<Array<AttachmentInfo & { draftId: string | null }>> {
    if (ids.length === 0) return [];
    return selectRows(
      em,
      AttachmentEntity,
      [...ATTACHMENT, 'draftId'],
      `FROM eforms_attachment
        WHERE tenant_id = $1 AND subject_party_id = $2 AND submission_id IS NULL AND id = ANY($3::uuid[]) ORDER BY created_at`,
      [tenantId, subjectPartyId, ids],
    );
  },

  /** Returns how many of the files it attached (a file another submission took meanwhile is not). */
  async attachToSubmission(em: EntityManager, tenantId: string, submissionId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [, count] = await em.query(
      `UPDATE eforms_attachment SET submission_id = $2, draft_id = NULL WHERE tenant_id = $1 AND id = ANY($3::uuid[]) AND submission_id IS NULL`,
      [tenantId, submissionId, ids],
    );
    return Number(count ?? 0);
  },

  async findSubmissionByKey(
    em: EntityManager,
    tenantId: string,
    subjectPartyId: string | null,
    key: string,
  ): Promise<SubmissionRow | undefined> {
    const [submission] = await selectRows(
      em,
      SubmissionEntity,
      SUBMISSION,
      subjectPartyId
        ? `FROM eforms_submission WHERE tenant_id = $1 AND subject_party_id = $2 AND idempotency_key = $3`
        : `FROM eforms_submission WHERE tenant_id = $1 AND subject_party_id IS NULL AND idempotency_key = $3 AND $2::uuid IS NULL`,
      [tenantId, subjectPartyId, key],
    );
    return submission;
  },

  async findSubmission(em: EntityManager, tenantId: string, id: string): Promise<SubmissionRow | undefined> {
    const [submission] = await selectRows(em, SubmissionEntity, SUBMISSION, `FROM eforms_submission WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    return submission;
  },

  /** A submission this transaction just wrote or read: it is there. */
  async getSubmission(em: EntityManager, tenantId: string, id: string): Promise<SubmissionRow> {
    const row = await repository.findSubmission(em, tenantId, id);
    if (!row) throw new Error(`submission ${id} vanished inside its transaction`);
    return row;
  },

  async insertSubmission(
    em: EntityManager,
    tenantId: string,
    s: Pick<
      SubmissionRow,
      | 'formId'
      | 'formVersionId'
      | 'subjectPartyId'
      | 'subjectKind'
      | 'data'
      | 'errandNumber'
      | 'idempotencyKey'
      | 'payloadHash'
      | 'status'
      | 'submittedAt'
    >,
  ): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO eforms_submission (tenant_id, form_id, form_version_id, subject_party_id, subject_kind, data, errand_number, idempotency_key, payload_hash, status, submitted_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
      [
        tenantId,
        s.formId,
        s.formVersionId,
        s.subjectPartyId,
        s.subjectKind,
        JSON.stringify(s.data),
        s.errandNumber,
        s.idempotencyKey,
        s.payloadHash,
        s.status,
        s.submittedAt,
      ],
    );
    return row.id;
  },

  async setSubmissionStatus(
    em: EntityManager,
    tenantId: string,
    id: string,
    status: SubmissionStatus,
    now: Date,
    completion?: LocalizedText,
  ): Promise<void> {
    await em.query(
      completion
        ? `UPDATE eforms_submission SET status = $3, updated_at = $4, completion_message = $5, completion_requested_at = $4 WHERE tenant_id = $1 AND id = $2`
        : `UPDATE eforms_submission SET status = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2`,
      completion ? [tenantId, id, status, now, JSON.stringify(completion)] : [tenantId, id, status, now],
    );
  },

  async updateSubmissionData(
    em: EntityManager,
    tenantId: string,
    id: string,
    data: Record<string, unknown>,
    status: SubmissionStatus,
    now: Date,
  ): Promise<void> {
    await em.query(`UPDATE eforms_submission SET data = $3, status = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
      JSON.stringify(data),
      status,
      now,
    ]);
  },

  /**
   * Up to `limit` submissions of forms handled by `unit`, newest first, after the keyset cursor
   * (`at`, `id`): submitted_at then id, so submissions of the same instant keep one order.
   */
  async listSubmissionsForUnit(
    em: EntityManager,
    tenantId: string,
    unit: string,
    page: { status?: SubmissionStatus; after?: { at: string; id: string }; limit: number },
  ): Promise<Array<SubmissionRow & { cursorAt: string }>> {
    const rows: Array<RawRow & { cursorAt: string }> = await em.query(
      `SELECT ${submissionColumns(em, 's')},
              to_char(s.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM eforms_submission s
         JOIN eforms_form f ON f.tenant_id = s.tenant_id AND f.id = s.form_id
        WHERE s.tenant_id = $1 AND f.tenant_id = $1 AND f.unit = $2
          AND ($3::varchar IS NULL OR s.status = $3::varchar)
          AND ($4::timestamptz IS NULL OR (s.submitted_at, s.id) < ($4::timestamptz, $5::uuid))
        ORDER BY s.submitted_at DESC, s.id DESC LIMIT $6`,
      [tenantId, unit, page.status ?? null, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return submissions(em, rows).map((row, i) => ({ ...row, cursorAt: rows[i].cursorAt }));
  },

  /**
   * Up to `limit` of the municipality's submissions (every unit's: a case system takes them all),
   * oldest first, so a case system working through the list meets new ones at its end; after the
   * keyset cursor (`at`, `id`). `registered` narrows to those acknowledged (true) or not (false).
   */
  async listSubmissionsForTenant(
    em: EntityManager,
    tenantId: string,
    page: { status?: SubmissionStatus; registered?: boolean; after?: { at: string; id: string }; limit: number },
  ): Promise<Array<SubmissionRow & { cursorAt: string }>> {
    const rows: Array<RawRow & { cursorAt: string }> = await em.query(
      `SELECT ${submissionColumns(em)},
              to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM eforms_submission
        WHERE tenant_id = $1
          AND ($2::varchar IS NULL OR status = $2::varchar)
          AND ($3::boolean IS NULL OR (case_system_reference IS NOT NULL) = $3::boolean)
          AND ($4::timestamptz IS NULL OR (submitted_at, id) > ($4::timestamptz, $5::uuid))
        ORDER BY submitted_at, id LIMIT $6`,
      [tenantId, page.status ?? null, page.registered ?? null, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return submissions(em, rows).map((row, i) => ({ ...row, cursorAt: rows[i].cursorAt }));
  },

  /** Records the case system's reference unless one is set; returns whether this call set it. */
  async registerSubmission(
    em: EntityManager,
    tenantId: string,
    id: string,
    r: { reference: string; at: Date; by: string },
  ): Promise<boolean> {
    const [, count] = await em.query(
      `UPDATE eforms_submission SET case_system_reference = $3, registered_at = $4, registered_by = $5
        WHERE tenant_id = $1 AND id = $2 AND case_system_reference IS NULL`,
      [tenantId, id, r.reference, r.at, r.by],
    );
    return Number(count ?? 0) === 1;
  },

  /** One file of a submission with its bytes. */
  async submissionAttachmentContent(
    em: EntityManager,
    tenantId: string,
    submissionId: string,
    attachmentId: string,
  ): Promise<{ fileName: string; contentType: string; content: Buffer } | undefined> {
    const [file] = await selectRows(
      em,
      AttachmentEntity,
      ['fileName', 'contentType', 'content'],
      `FROM eforms_attachment WHERE tenant_id = $1 AND submission_id = $2 AND id = $3`,
      [tenantId, submissionId, attachmentId],
    );
    return file;
  },

  /** The applicant's identity number, for the municipality's own case system (never in events or logs). */
  async applicantIdentity(
    em: EntityManager,
    partyId: string,
  ): Promise<{ kind: 'person' | 'organisation'; identityNumber: string } | undefined> {
    const [row]: Array<{ kind: 'person' | 'organisation'; identityNumber: string }> = await em.query(
      `SELECT kind, identity_number AS "identityNumber" FROM party WHERE id = $1`,
      [partyId],
    );
    return row;
  },

  async insertDecision(em: EntityManager, tenantId: string, d: NewDecision): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO eforms_decision (tenant_id, submission_id, subject_party_id, outcome, automated, reasons, legal_basis, decided_by, decided_at, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        tenantId,
        d.submissionId,
        d.subjectPartyId,
        d.outcome,
        d.automated,
        JSON.stringify(d.reasons),
        d.legalBasis ? JSON.stringify(d.legalBasis) : null,
        d.decidedBy,
        d.decidedAt,
        d.validFrom,
        d.validTo,
      ],
    );
    return row.id;
  },

  async findDecision(em: EntityManager, tenantId: string, submissionId: string): Promise<DecisionInfo | undefined> {
    const [decision] = await selectRows(em, DecisionEntity, DECISION, `FROM eforms_decision WHERE tenant_id = $1 AND submission_id = $2`, [
      tenantId,
      submissionId,
    ]);
    return decision ? decisionInfo(decision) : undefined;
  },

  /** A decision by its id, with the submission it decides. */
  async findDecisionById(
    em: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<{ decision: DecisionInfo; submissionId: string } | undefined> {
    const [row] = await selectRows(
      em,
      DecisionEntity,
      [...DECISION, 'submissionId'],
      `FROM eforms_decision WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!row) return undefined;
    const { submissionId, ...decision } = row;
    return { decision: decisionInfo(decision), submissionId };
  },
};
