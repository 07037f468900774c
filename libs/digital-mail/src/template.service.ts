import { z } from 'zod';
import { Database, EntityRowsContext, RawRow, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { requestContext } from '@kommuna/platform-tenancy';
import { MailScope, unitOf } from './access';
import { assertSafeHtml, assertSafeLinks } from './content/html';
import { escapeHtml, placeholdersOf, renderPlaceholders } from './content/placeholders';
import { MailTemplateEntity } from './entities/template.entity';
import { NotFoundError, ValidationFailedError } from './errors';
import { departmentFor, problemsOf, Sender } from './message.service';

export interface Localized {
  sv: string;
  en: string;
}

export interface TemplateInput {
  name: string;
  subject: Localized;
  body: Localized;
  bodyFormat?: 'TEXT' | 'HTML';
  /** The unit whose template this is (only its case workers use it); none: the whole municipality's. */
  department?: string | null;
}

/** The properties of a template version its users see: all of mail_template but the tenant. */
const TEMPLATE_FIELDS = [
  'id',
  'name',
  'version',
  'department',
  'subject',
  'body',
  'bodyFormat',
  'placeholders',
  'createdBy',
  'createdAt',
] as const;

/** A template version as read with rowsOf (docs/architecture.md#typed-rows). */
export type TemplateView = Pick<MailTemplateEntity, (typeof TEMPLATE_FIELDS)[number]>;

export interface RenderedLetter {
  subject: string;
  body: string;
  bodyFormat: 'TEXT' | 'HTML';
}

const LocalizedText = (max: number) =>
  z.object({ sv: z.string().trim().min(1, 'is required').max(max), en: z.string().trim().min(1, 'is required').max(max) }).strict();
const TemplateShape = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be lower-case a-z, 0-9 and dashes'),
  subject: LocalizedText(255),
  body: LocalizedText(100_000),
  bodyFormat: z.enum(['TEXT', 'HTML']).default('TEXT'),
  department: z.string().trim().min(1).max(100).nullish(),
});

const templateColumns = (em: EntityRowsContext) => selectColumns(em, MailTemplateEntity, { only: TEMPLATE_FIELDS });
const templatesOf = (em: EntityRowsContext, raw: readonly RawRow[]): TemplateView[] => rowsOf(em, MailTemplateEntity, raw, TEMPLATE_FIELDS);

/**
 * Fills a template version for one recipient. HTML bodies get their values escaped, and the filled
 * body's links are checked (UNSAFE_LINK): escaping keeps a value from adding markup, not from
 * being a `javascript:` URL in `href="{{lank}}"`.
 */
export function renderTemplate(
  template: Pick<TemplateView, 'subject' | 'body' | 'bodyFormat'>,
  language: 'sv' | 'en',
  values: Record<string, string>,
): RenderedLetter {
  const html = template.bodyFormat === 'HTML';
  const body = renderPlaceholders(template.body[language], values, html ? escapeHtml : undefined);
  if (html) assertSafeLinks(body, 'body');
  return { subject: renderPlaceholders(template.subject[language], values).slice(0, 255), body, bodyFormat: template.bodyFormat };
}

/** Which templates a scope may use: its own unit's and the municipality's shared ones (SQL, `$n` the unit or null). */
const usableBy = (param: string) => `(${param}::varchar IS NULL OR department IS NULL OR department = ${param}::varchar)`;

/**
 * Letter templates per tenant, versioned: saving a template under an existing name adds the
 * next version; letters and bulk sends refer to the exact version they used.
 */
export class TemplateService {
  constructor(private readonly database: Database) {}

  /** Saves a version; a unit scope saves only its own unit's templates (the api lets tenant admins save). */
  async save(input: TemplateInput, sender: Sender, scope: MailScope): Promise<TemplateView> {
    const parsed = TemplateShape.safeParse({ ...input, department: departmentFor(scope, input?.department) });
    if (!parsed.success) throw new ValidationFailedError('The template is not valid', problemsOf(parsed.error));
    const t = parsed.data;
    const department = t.department ?? null;
    const body = t.bodyFormat === 'HTML' ? { sv: assertSafeHtml(t.body.sv), en: assertSafeHtml(t.body.en) } : t.body;
    if (t.bodyFormat === 'HTML') {
      assertSafeLinks(body.sv, 'body.sv', { template: true });
      assertSafeLinks(body.en, 'body.en', { template: true });
    }
    const placeholders = placeholdersOf(t.subject.sv, t.subject.en, body.sv, body.en);
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      // Serialises versions of one name: two saves at once get consecutive numbers.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1::text || ':' || $2::text))`, [tenantId, t.name]);
      const [saved] = templatesOf(
        em,
        await em.query(
          `INSERT INTO mail_template (tenant_id, name, version, subject, body, body_format, placeholders, created_by, department)
         SELECT $1::uuid, $2::varchar, COALESCE(MAX(version), 0) + 1, $3::jsonb, $4::jsonb, $5::varchar, $6::jsonb, $7::varchar, $8::varchar FROM mail_template WHERE tenant_id = $1::uuid AND name = $2::varchar
         RETURNING ${templateColumns(em)}`,
          [
            tenantId,
            t.name,
            JSON.stringify(t.subject),
            JSON.stringify(body),
            t.bodyFormat,
            JSON.stringify(placeholders),
            sender.id,
            department,
          ],
        ),
      );
      // A template change is an administrative change: audited in the same transaction.
      await appendAuditEntry(em, {
        actor: sender.kind === 'system' ? auditActor.service(sender.id) : auditActor.staff(sender.id),
        action: 'digitalmail.template.saved',
        targetType: 'mail_template',
        targetId: saved.id,
        details: { name: t.name, version: saved.version, department },
      });
      return saved;
    });
  }

  /** A version by id, or the newest version of a name, that the scope may use (another unit's is NOT_FOUND). */
  async get(ref: { id?: string; name?: string; version?: number }, scope: MailScope): Promise<TemplateView> {
    const tenantId = requestContext.tenantId();
    const [template] = await this.database.transaction((em) =>
      ref.id
        ? selectRows(em, MailTemplateEntity, TEMPLATE_FIELDS, `FROM mail_template WHERE tenant_id = $1 AND id = $2 AND ${usableBy('$3')}`, [
            tenantId,
            /^[0-9a-f-]{36}$/i.test(ref.id) ? ref.id : '00000000-0000-0000-0000-000000000000',
            unitOf(scope),
          ])
        : selectRows(
            em,
            MailTemplateEntity,
            TEMPLATE_FIELDS,
            `FROM mail_template WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3) AND ${usableBy('$4')} ORDER BY version DESC LIMIT 1`,
            [tenantId, ref.name ?? '', ref.version ?? null, unitOf(scope)],
          ),
    );
    if (!template) throw new NotFoundError('The template');
    return template;
  }

  /** The newest version of every template the scope may use. */
  async list(scope: MailScope): Promise<TemplateView[]> {
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) =>
      templatesOf(
        em,
        await em.query(
          `SELECT DISTINCT ON (name) ${templateColumns(em)} FROM mail_template WHERE tenant_id = $1 AND ${usableBy('$2')} ORDER BY name, version DESC`,
          [tenantId, unitOf(scope)],
        ),
      ),
    );
  }

  async preview(
    ref: { id?: string; name?: string; version?: number },
    language: 'sv' | 'en',
    values: Record<string, string>,
    scope: MailScope,
  ): Promise<RenderedLetter> {
    return renderTemplate(await this.get(ref, scope), language, values);
  }
}
