import type { EntityManager } from 'typeorm';
import { createHash } from 'node:crypto';
import { appendAuditEntry } from '@kommuna/platform-audit';
import type { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { formatVersion } from '../context';
import { EFormsError } from '../errors';
import type { DecisionDocumentContent } from '../decision-pdf';
import { DecisionInfo, Receipt, renderAnswers } from '../receipt';
import { FormRow, repository, SubmissionRow, TemplateRow, VersionRow } from '../repository';
import type { FormVersionView, SubmissionFile, SubmissionView, TemplateView } from './views';
import type { ResidentRegisterFor } from '../prefill';

export type Clock = () => Date;
export interface EFormsServiceOptions {
  /** The time source (tests pin it); the real clock by default. */
  now?: Clock;
  /** The population register per municipality, for prefilled drafts (prefill.ts); none: drafts start empty. */
  residents?: ResidentRegisterFor;
}

/** JSON with object keys sorted, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** Maps one at a time: queries on one transaction's connection must not overlap. */
export async function sequentially<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}

/** An id as the tables key rows (a string that is not one names no row, rather than a database error). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One file the resident attached to the submission, with its bytes; ATTACHMENT_NOT_FOUND if it has none by that id. */
export async function submissionAttachment(
  em: EntityManager,
  tenantId: string,
  submissionId: string,
  attachmentId: string,
): Promise<SubmissionFile> {
  const file = UUID.test(attachmentId) ? await repository.submissionAttachmentContent(em, tenantId, submissionId, attachmentId) : undefined;
  if (!file) throw new EFormsError('ATTACHMENT_NOT_FOUND', 'No such file in this submission');
  return file;
}

/** What was done with a submission, by whom, in the municipality's audit trail (with its errand number). */
export async function auditSubmission(
  em: EntityManager,
  actor: string,
  action: string,
  s: Pick<SubmissionRow, 'id' | 'errandNumber'>,
  details: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await appendAuditEntry(
    em,
    { actor, action, targetType: 'eforms_submission', targetId: s.id, details: { errandNumber: s.errandNumber, ...details } },
    at,
  );
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function tenantById(tenants: TenantDirectory, id: string): Tenant | undefined {
  return tenants.all().find((t) => t.id === id);
}

export async function versionView(em: EntityManager, tenants: TenantDirectory, v: VersionRow): Promise<FormVersionView> {
  let template: FormVersionView['template'] = null;
  if (v.templateId) {
    const t = await repository.findTemplateById(em, v.templateId);
    if (t)
      template = {
        publisher: tenantById(tenants, t.publisherTenantId)?.slug ?? t.publisherTenantId,
        slug: t.slug,
        version: formatVersion(t),
      };
  }
  return {
    id: v.id,
    version: formatVersion(v),
    status: v.status,
    changelog: v.changelog,
    definition: v.definition,
    template,
    createdAt: v.createdAt,
    publishedAt: v.publishedAt,
    retiredAt: v.retiredAt,
  };
}

export function templateView(tenants: TenantDirectory, t: TemplateRow): TemplateView {
  const publisher = tenantById(tenants, t.publisherTenantId);
  return {
    id: t.id,
    publisher: publisher?.slug ?? t.publisherTenantId,
    publisherNames: publisher?.names ?? { sv: t.publisherTenantId, en: t.publisherTenantId },
    slug: t.slug,
    version: formatVersion(t),
    unit: t.unit,
    changelog: t.changelog,
    title: t.definition.title,
    definition: t.definition,
    publishedAt: t.publishedAt,
  };
}

/** The receipt of a stored submission, read back inside the caller's transaction. */
export async function loadReceipt(em: EntityManager, tenant: Tenant, s: SubmissionRow): Promise<Receipt> {
  const { form, version } = await formAndVersionOf(em, tenant.id, s);
  const attachments = await repository.submissionAttachments(em, tenant.id, s.id);
  const decision = (await repository.findDecision(em, tenant.id, s.id)) ?? null;
  return {
    submissionId: s.id,
    errandNumber: s.errandNumber,
    submittedAt: s.submittedAt,
    tenant: { slug: tenant.slug, names: tenant.names },
    formSlug: form.slug,
    formVersion: formatVersion(version),
    title: version.definition.title,
    status: s.status,
    answers: renderAnswers(version.definition, s.data, attachments),
    data: s.data,
    attachments,
    decision,
    completionRequest:
      s.completionMessage && s.completionRequestedAt ? { message: s.completionMessage, requestedAt: s.completionRequestedAt } : null,
  };
}

export async function formAndVersionOf(
  em: EntityManager,
  tenantId: string,
  s: Pick<SubmissionRow, 'formId' | 'formVersionId'>,
): Promise<{ form: FormRow; version: VersionRow }> {
  const form = await repository.findFormById(em, tenantId, s.formId);
  const version = await repository.findVersionById(em, tenantId, s.formVersionId);
  if (!form || !version) throw new EFormsError('FORM_NOT_FOUND', 'The form of this submission is gone');
  return { form, version };
}

/** What a decision's document says, read inside the caller's transaction. */
export async function decisionDocumentContent(
  em: EntityManager,
  tenant: Tenant,
  s: SubmissionRow,
  decision: DecisionInfo,
): Promise<DecisionDocumentContent> {
  const { version } = await formAndVersionOf(em, tenant.id, s);
  return {
    tenant: { names: tenant.names },
    errandNumber: s.errandNumber,
    title: version.definition.title,
    submittedAt: s.submittedAt,
    decision,
    appealInstructions: version.definition.appealInstructions ?? null,
  };
}

const CURSOR_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque keyset cursor: the last row's exact (microsecond) time and id. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/** The cursor's time and id, or undefined when it is not one encodeCursor made. */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [at, id] = decoded as unknown[];
    return typeof at === 'string' && CURSOR_AT.test(at) && typeof id === 'string' && CURSOR_ID.test(id) ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The page size (`first`, 1 to MAX_PAGE_SIZE) and the decoded `after` cursor of a list query, or a VALIDATION_FAILED. */
export function pageArguments(query: { first?: number | null; after?: string | null }): {
  first: number;
  after: { at: string; id: string } | undefined;
} {
  const first = query.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    throw new EFormsError('VALIDATION_FAILED', `first must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  const after = query.after ? decodeCursor(query.after) : undefined;
  if (query.after && !after) throw new EFormsError('VALIDATION_FAILED', 'after is not a cursor this api gave out');
  return { first, after };
}

/**
 * One page of a keyset listing: `rows` were read with limit first + 1, the extra row only telling
 * that more follow. Each row of the page becomes `view(row)`, one at a time.
 */
export async function keysetPage<R extends { id: string; cursorAt: string }, V>(
  rows: readonly R[],
  first: number,
  view: (row: Omit<R, 'cursorAt'>) => Promise<V>,
): Promise<{ nodes: V[]; endCursor: string | null; hasNextPage: boolean }> {
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    nodes: await sequentially(page, ({ cursorAt: _cursorAt, ...row }) => view(row)),
    endCursor: last ? encodeCursor(last.cursorAt, last.id) : null,
    hasNextPage: rows.length > first,
  };
}

/**
 * A submission as those who handle it read it (answers, files, decision, completion request),
 * read inside the caller's transaction, with the form version it answers.
 */
export async function submissionView(
  em: EntityManager,
  tenantId: string,
  s: SubmissionRow,
): Promise<{ view: SubmissionView; version: VersionRow }> {
  const { form, version } = await formAndVersionOf(em, tenantId, s);
  const attachments = await repository.submissionAttachments(em, tenantId, s.id);
  const view: SubmissionView = {
    id: s.id,
    errandNumber: s.errandNumber,
    formSlug: form.slug,
    formVersion: formatVersion(version),
    title: version.definition.title,
    unit: form.unit,
    status: s.status,
    submittedAt: s.submittedAt,
    subjectPartyId: s.subjectPartyId,
    answers: renderAnswers(version.definition, s.data, attachments),
    data: s.data,
    attachments,
    decision: (await repository.findDecision(em, tenantId, s.id)) ?? null,
    completionRequest:
      s.completionMessage && s.completionRequestedAt ? { message: s.completionMessage, requestedAt: s.completionRequestedAt } : null,
  };
  return { view, version };
}
