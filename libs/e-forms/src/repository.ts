import type { EntityManager } from 'typeorm';
import type { DecisionReason, LegalBasis, LocalizedText } from '@kommuna/shared-service-contracts';
import type { FormDefinition } from './definition';
import type { FormVersionStatus } from './entities/form-version.entity';
import { AttachmentInfo, DecisionInfo, decisionDocumentPath, SubmissionStatus } from './receipt';

// Thin data access: every statement names its tenant explicitly, on top of row-level security.

export interface FormRow {
  id: string;
  slug: string;
  unit: string;
  templatePublisherTenantId: string | null;
  templateSlug: string | null;
  createdAt: Date;
}

export interface VersionRow {
  id: string;
  formId: string;
  major: number;
  minor: number;
  changelog: string;
  status: FormVersionStatus;
  definition: FormDefinition;
  templateId: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  retiredAt: Date | null;
}

export interface TemplateRow {
  id: string;
  publisherTenantId: string;
  slug: string;
  major: number;
  minor: number;
  unit: string;
  changelog: string;
  definition: FormDefinition;
  publishedAt: Date;
}

export interface DraftRow {
  id: string;
  formVersionId: string;
  subjectPartyId: string;
  data: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

export interface SubmissionRow {
  id: string;
  formId: string;
  formVersionId: string;
  subjectPartyId: string | null;
  subjectKind: 'person' | 'organisation' | null;
  data: Record<string, unknown>;
  errandNumber: string;
  idempotencyKey: string;
  payloadHash: string;
  status: SubmissionStatus;
  submittedAt: Date;
  updatedAt: Date;
  completionMessage: LocalizedText | null;
  completionRequestedAt: Date | null;
  caseSystemReference: string | null;
  registeredAt: Date | null;
  registeredBy: string | null;
}

const FORM_COLUMNS = `id, slug, unit, template_publisher_tenant_id AS "templatePublisherTenantId", template_slug AS "templateSlug", created_at AS "createdAt"`;
const VERSION_COLUMNS = `id, form_id AS "formId", major, minor, changelog, status, definition, template_id AS "templateId", created_at AS "createdAt", published_at AS "publishedAt", retired_at AS "retiredAt"`;
const TEMPLATE_COLUMNS = `id, publisher_tenant_id AS "publisherTenantId", slug, major, minor, unit, changelog, definition, published_at AS "publishedAt"`;
const DRAFT_COLUMNS = `id, form_version_id AS "formVersionId", subject_party_id AS "subjectPartyId", data, created_at AS "createdAt", updated_at AS "updatedAt", expires_at AS "expiresAt"`;
const SUBMISSION_COLUMNS = `id, form_id AS "formId", form_version_id AS "formVersionId", subject_party_id AS "subjectPartyId", subject_kind AS "subjectKind", data, errand_number AS "errandNumber", idempotency_key AS "idempotencyKey", payload_hash AS "payloadHash", status, submitted_at AS "submittedAt", updated_at AS "updatedAt", completion_message AS "completionMessage", completion_requested_at AS "completionRequestedAt", case_system_reference AS "caseSystemReference", registered_at AS "registeredAt", registered_by AS "registeredBy"`;
const ATTACHMENT_COLUMNS = `id, field, file_name AS "fileName", content_type AS "contentType", size_bytes AS "sizeBytes", sha256`;

/** `a, b AS "bee"` → `t.a AS "p.a", t.b AS "p.bee"`: two tables' columns in one row, told apart by prefix. */
const prefixed = (columns: string, table: string, prefix: string): string =>
  columns
    .split(', ')
    .map((c) => {
      const [column, alias] = c.split(' AS ');
      return `${table}.${column} AS "${prefix}.${alias ? alias.replace(/"/g, '') : column}"`;
    })
    .join(', ');
const unprefixed = <T>(row: Record<string, unknown>, prefix: string): T =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => k.startsWith(`${prefix}.`))
      .map(([k, v]) => [k.slice(prefix.length + 1), v]),
  ) as T;

/** The keys of a row whose values are timestamps (a raw query may hand them back as text). */
type DateKey<T> = { [K in keyof T]-?: T[K] extends Date | null | undefined ? K : never }[keyof T];
const dates = <T>(row: T, ...keys: Array<DateKey<T>>): T => {
  for (const key of keys) {
    const value = row[key] as Date | string | null | undefined;
    if (value !== null && value !== undefined) row[key] = new Date(value) as T[DateKey<T>];
  }
  return row;
};
const version = (row: VersionRow): VersionRow => dates(row, 'createdAt', 'publishedAt', 'retiredAt');

export const repository = {
  async findForm(em: EntityManager, tenantId: string, slug: string): Promise<FormRow | undefined> {
    const [row] = await em.query(`SELECT ${FORM_COLUMNS} FROM eforms_form WHERE tenant_id = $1 AND slug = $2`, [tenantId, slug]);
    return row;
  },

  async findFormById(em: EntityManager, tenantId: string, id: string): Promise<FormRow | undefined> {
    const [row] = await em.query(`SELECT ${FORM_COLUMNS} FROM eforms_form WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row;
  },

  async listForms(em: EntityManager, tenantId: string): Promise<FormRow[]> {
    return em.query(`SELECT ${FORM_COLUMNS} FROM eforms_form WHERE tenant_id = $1 ORDER BY slug`, [tenantId]);
  },

  async insertForm(
    em: EntityManager,
    tenantId: string,
    form: { slug: string; unit: string; templatePublisherTenantId?: string; templateSlug?: string },
  ): Promise<FormRow> {
    const [row] = await em.query(
      `INSERT INTO eforms_form (tenant_id, slug, unit, template_publisher_tenant_id, template_slug) VALUES ($1, $2, $3, $4, $5) RETURNING ${FORM_COLUMNS}`,
      [tenantId, form.slug, form.unit, form.templatePublisherTenantId ?? null, form.templateSlug ?? null],
    );
    return row;
  },

  async setFormUnit(em: EntityManager, tenantId: string, formId: string, unit: string): Promise<void> {
    await em.query(`UPDATE eforms_form SET unit = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, formId, unit]);
  },

  async listVersions(em: EntityManager, tenantId: string, formId: string): Promise<VersionRow[]> {
    const rows: VersionRow[] = await em.query(
      `SELECT ${VERSION_COLUMNS} FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 ORDER BY major DESC, minor DESC`,
      [tenantId, formId],
    );
    return rows.map(version);
  },

  async findVersion(
    em: EntityManager,
    tenantId: string,
    formId: string,
    v: { major: number; minor: number },
  ): Promise<VersionRow | undefined> {
    const [row] = await em.query(
      `SELECT ${VERSION_COLUMNS} FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 AND major = $3 AND minor = $4`,
      [tenantId, formId, v.major, v.minor],
    );
    return row && version(row);
  },

  async findVersionById(em: EntityManager, tenantId: string, id: string): Promise<VersionRow | undefined> {
    const [row] = await em.query(`SELECT ${VERSION_COLUMNS} FROM eforms_form_version WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row && version(row);
  },

  /** A form by slug with the version citizens get (its highest published one, if any): one statement. */
  async findFormWithCurrentPublished(
    em: EntityManager,
    tenantId: string,
    slug: string,
  ): Promise<{ form: FormRow; version?: VersionRow } | undefined> {
    const [row] = await em.query(
      `SELECT ${prefixed(FORM_COLUMNS, 'f', 'form')}, ${prefixed(VERSION_COLUMNS, 'v', 'version')} FROM eforms_form f
         LEFT JOIN LATERAL (SELECT * FROM eforms_form_version WHERE tenant_id = $1 AND form_id = f.id AND status = 'published' ORDER BY major DESC, minor DESC LIMIT 1) v ON true
        WHERE f.tenant_id = $1 AND f.slug = $2`,
      [tenantId, slug],
    );
    if (!row) return undefined;
    const form = unprefixed<FormRow>(row, 'form');
    const v = unprefixed<VersionRow>(row, 'version');
    return { form, version: v.id === null ? undefined : version(v) };
  },

  /** The version citizens get: the highest published one. */
  async currentPublished(em: EntityManager, tenantId: string, formId: string): Promise<VersionRow | undefined> {
    const [row] = await em.query(
      `SELECT ${VERSION_COLUMNS} FROM eforms_form_version WHERE tenant_id = $1 AND form_id = $2 AND status = 'published' ORDER BY major DESC, minor DESC LIMIT 1`,
      [tenantId, formId],
    );
    return row && version(row);
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
    const [row] = await em.query(
      `INSERT INTO eforms_form_version (tenant_id, form_id, major, minor, changelog, status, definition, template_id, published_at)
       VALUES ($1, $2, $3, $4, $5, $6::varchar, $7, $8, CASE WHEN $6::varchar = 'published' THEN now() END) RETURNING ${VERSION_COLUMNS}`,
      [tenantId, v.formId, v.major, v.minor, v.changelog, v.status, JSON.stringify(v.definition), v.templateId ?? null],
    );
    return version(row);
  },

  async updateDraftVersion(
    em: EntityManager,
    tenantId: string,
    id: string,
    changes: { definition?: FormDefinition; changelog?: string },
  ): Promise<VersionRow> {
    const [rows] = await em.query(
      `UPDATE eforms_form_version SET definition = COALESCE($3, definition), changelog = COALESCE($4, changelog)
        WHERE tenant_id = $1 AND id = $2 AND status = 'draft' RETURNING ${VERSION_COLUMNS}`,
      [tenantId, id, changes.definition ? JSON.stringify(changes.definition) : null, changes.changelog ?? null],
    );
    return version(rows[0]);
  },

  async setVersionStatus(em: EntityManager, tenantId: string, id: string, status: 'published' | 'retired'): Promise<VersionRow> {
    const [rows] = await em.query(
      status === 'published'
        ? `UPDATE eforms_form_version SET status = 'published', published_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'draft' RETURNING ${VERSION_COLUMNS}`
        : `UPDATE eforms_form_version SET status = 'retired', retired_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'published' RETURNING ${VERSION_COLUMNS}`,
      [tenantId, id],
    );
    return version(rows[0]);
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
    const [row] = await em.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM eforms_template WHERE publisher_tenant_id = $1 AND slug = $2 AND major = $3 AND minor = $4`,
      [publisherTenantId, t.slug, t.major, t.minor],
    );
    return dates(row as TemplateRow, 'publishedAt');
  },

  /** The newest version of every template family (or of one family). */
  async latestTemplates(em: EntityManager, family?: { publisherTenantId: string; slug: string }): Promise<TemplateRow[]> {
    const rows: TemplateRow[] = await em.query(
      `SELECT DISTINCT ON (publisher_tenant_id, slug) ${TEMPLATE_COLUMNS} FROM eforms_template
        ${family ? 'WHERE publisher_tenant_id = $1 AND slug = $2' : ''}
        ORDER BY publisher_tenant_id, slug, major DESC, minor DESC`,
      family ? [family.publisherTenantId, family.slug] : [],
    );
    return rows.map((r) => dates(r, 'publishedAt'));
  },

  async findTemplateById(em: EntityManager, id: string): Promise<TemplateRow | undefined> {
    const [row] = await em.query(`SELECT ${TEMPLATE_COLUMNS} FROM eforms_template WHERE id = $1`, [id]);
    return row && dates(row as TemplateRow, 'publishedAt');
  },

  async insertDraft(
    em: EntityManager,
    tenantId: string,
    d: { formVersionId: string; subjectPartyId: string; data: Record<string, unknown>; now: Date; expiresAt: Date },
  ): Promise<DraftRow> {
    const [row] = await em.query(
      `INSERT INTO eforms_draft (tenant_id, form_version_id, subject_party_id, data, created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING ${DRAFT_COLUMNS}`,
      [tenantId, d.formVersionId, d.subjectPartyId, JSON.stringify(d.data), d.now, d.expiresAt],
    );
    return dates(row as DraftRow, 'createdAt', 'updatedAt', 'expiresAt');
  },

  async findDraft(em: EntityManager, tenantId: string, id: string, subjectPartyId: string): Promise<DraftRow | undefined> {
    const [row] = await em.query(`SELECT ${DRAFT_COLUMNS} FROM eforms_draft WHERE tenant_id = $1 AND id = $2 AND subject_party_id = $3`, [
      tenantId,
      id,
      subjectPartyId,
    ]);
    return row && dates(row as DraftRow, 'createdAt', 'updatedAt', 'expiresAt');
  },

  async listDrafts(em: EntityManager, tenantId: string, subjectPartyId: string, now: Date): Promise<DraftRow[]> {
    const rows: DraftRow[] = await em.query(
      `SELECT ${DRAFT_COLUMNS} FROM eforms_draft WHERE tenant_id = $1 AND subject_party_id = $2 AND expires_at > $3 ORDER BY updated_at DESC`,
      [tenantId, subjectPartyId, now],
    );
    return rows.map((r) => dates(r, 'createdAt', 'updatedAt', 'expiresAt'));
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
      `UPDATE eforms_draft SET data = $3, updated_at = $4, expires_at = $5 WHERE tenant_id = $1 AND id = $2 RETURNING ${DRAFT_COLUMNS}`,
      [tenantId, id, JSON.stringify(data), now, expiresAt],
    );
    return dates(rows[0] as DraftRow, 'createdAt', 'updatedAt', 'expiresAt');
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
    const [row] = await em.query(
      `INSERT INTO eforms_attachment (tenant_id, draft_id, completion_submission_id, subject_party_id, field, file_name, content_type, size_bytes, sha256, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${ATTACHMENT_COLUMNS}`,
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
    return row;
  },

  /** Files uploaded to answer a submission's completion request, not yet taken by a completion. */
  async completionUploads(em: EntityManager, tenantId: string, submissionId: string): Promise<AttachmentInfo[]> {
    return em.query(
      `SELECT ${ATTACHMENT_COLUMNS} FROM eforms_attachment WHERE tenant_id = $1 AND completion_submission_id = $2 AND submission_id IS NULL ORDER BY created_at`,
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
    return em.query(
      `SELECT ${ATTACHMENT_COLUMNS} FROM eforms_attachment WHERE tenant_id = $1 AND draft_id = $2 AND submission_id IS NULL ORDER BY created_at`,
      [tenantId, draftId],
    );
  },

  async submissionAttachments(em: EntityManager, tenantId: string, submissionId: string): Promise<AttachmentInfo[]> {
    return em.query(`SELECT ${ATTACHMENT_COLUMNS} FROM eforms_attachment WHERE tenant_id = $1 AND submission_id = $2 ORDER BY created_at`, [
      tenantId,
      submissionId,
    ]);
  },

  /** Attachments the citizen uploaded and has not submitted yet, by id. */
  async unsubmittedAttachments(
    em: EntityManager,
    tenantId: string,
    subjectPartyId: string,
    ids: string[],
  ): Promise<Array<AttachmentInfo & { draftId: string | null }>> {
    if (ids.length === 0) return [];
    return em.query(
      `SELECT ${ATTACHMENT_COLUMNS}, draft_id AS "draftId" FROM eforms_attachment
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
    const [row] = await em.query(
      subjectPartyId
        ? `SELECT ${SUBMISSION_COLUMNS} FROM eforms_submission WHERE tenant_id = $1 AND subject_party_id = $2 AND idempotency_key = $3`
        : `SELECT ${SUBMISSION_COLUMNS} FROM eforms_submission WHERE tenant_id = $1 AND subject_party_id IS NULL AND idempotency_key = $3 AND $2::uuid IS NULL`,
      [tenantId, subjectPartyId, key],
    );
    return row && submission(row);
  },

  async findSubmission(em: EntityManager, tenantId: string, id: string): Promise<SubmissionRow | undefined> {
    const [row] = await em.query(`SELECT ${SUBMISSION_COLUMNS} FROM eforms_submission WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row && submission(row);
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
    const rows: Array<SubmissionRow & { cursorAt: string }> = await em.query(
      `SELECT ${SUBMISSION_COLUMNS.split(', ')
        .map((c) => `s.${c}`)
        .join(', ')},
              to_char(s.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM eforms_submission s
         JOIN eforms_form f ON f.tenant_id = s.tenant_id AND f.id = s.form_id
        WHERE s.tenant_id = $1 AND f.tenant_id = $1 AND f.unit = $2
          AND ($3::varchar IS NULL OR s.status = $3::varchar)
          AND ($4::timestamptz IS NULL OR (s.submitted_at, s.id) < ($4::timestamptz, $5::uuid))
        ORDER BY s.submitted_at DESC, s.id DESC LIMIT $6`,
      [tenantId, unit, page.status ?? null, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return rows.map((row) => ({ ...submission(row), cursorAt: row.cursorAt }));
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
    const rows: Array<SubmissionRow & { cursorAt: string }> = await em.query(
      `SELECT ${SUBMISSION_COLUMNS},
              to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM eforms_submission
        WHERE tenant_id = $1
          AND ($2::varchar IS NULL OR status = $2::varchar)
          AND ($3::boolean IS NULL OR (case_system_reference IS NOT NULL) = $3::boolean)
          AND ($4::timestamptz IS NULL OR (submitted_at, id) > ($4::timestamptz, $5::uuid))
        ORDER BY submitted_at, id LIMIT $6`,
      [tenantId, page.status ?? null, page.registered ?? null, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return rows.map((row) => ({ ...submission(row), cursorAt: row.cursorAt }));
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
    const [row]: Array<{ fileName: string; contentType: string; content: Buffer | Uint8Array }> = await em.query(
      `SELECT file_name AS "fileName", content_type AS "contentType", content FROM eforms_attachment WHERE tenant_id = $1 AND submission_id = $2 AND id = $3`,
      [tenantId, submissionId, attachmentId],
    );
    return row && { ...row, content: Buffer.from(row.content) };
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

  async insertDecision(
    em: EntityManager,
    tenantId: string,
    d: {
      submissionId: string;
      subjectPartyId: string | null;
      outcome: 'approve' | 'reject';
      automated: boolean;
      reasons: DecisionReason[];
      legalBasis: LegalBasis | null;
      decidedBy: string | null;
      decidedAt: Date;
      validFrom: string | null;
      validTo: string | null;
    },
  ): Promise<string> {
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
    const [row] = await em.query(`SELECT ${DECISION_COLUMNS} FROM eforms_decision WHERE tenant_id = $1 AND submission_id = $2`, [
      tenantId,
      submissionId,
    ]);
    return row && decision(row);
  },

  /** A decision by its id, with the submission it decides. */
  async findDecisionById(
    em: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<{ decision: DecisionInfo; submissionId: string } | undefined> {
    const [row] = await em.query(
      `SELECT ${DECISION_COLUMNS}, submission_id AS "submissionId" FROM eforms_decision WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!row) return undefined;
    const { submissionId, ...rest } = row as DecisionRow & { submissionId: string };
    return { decision: decision(rest), submissionId };
  },
};

// Dates as text (YYYY-MM-DD): a date column read into a JS Date would shift with the time zone.
const DECISION_COLUMNS = `id, outcome, automated, reasons, legal_basis AS "legalBasis", decided_at AS "decidedAt", to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;
type DecisionRow = Omit<DecisionInfo, 'documentUrl'>;

function decision(row: DecisionRow): DecisionInfo {
  return { ...dates(row, 'decidedAt'), documentUrl: decisionDocumentPath(row.id) };
}

function submission(row: SubmissionRow): SubmissionRow {
  return dates(row, 'submittedAt', 'updatedAt', 'completionRequestedAt', 'registeredAt');
}
