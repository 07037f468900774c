import { z } from 'zod';
import { Database } from '@kommuna/platform-persistence';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { requestContext } from '@kommuna/platform-tenancy';
import { assertSafeHtml } from './content/html';
import { escapeHtml, placeholdersOf, renderPlaceholders } from './content/placeholders';
import { NotFoundError, ValidationFailedError } from './errors';
import { problemsOf, Sender } from './message.service';

export interface Localized {
  sv: string;
  en: string;
}

export interface TemplateInput {
  name: string;
  subject: Localized;
  body: Localized;
  bodyFormat?: 'TEXT' | 'HTML';
}

export interface TemplateView {
  id: string;
  name: string;
  version: number;
  subject: Localized;
  body: Localized;
  bodyFormat: 'TEXT' | 'HTML';
  placeholders: string[];
  createdBy: string;
  createdAt: Date;
}

export interface RenderedLetter {
  subject: string;
  body: string;
  bodyFormat: 'TEXT' | 'HTML';
}

const LocalizedText = (max: number) => z.object({ sv: z.string().trim().min(1, 'is required').max(max), en: z.string().trim().min(1, 'is required').max(max) }).strict();
const TemplateShape = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be lower-case a-z, 0-9 and dashes'),
  subject: LocalizedText(255),
  body: LocalizedText(100_000),
  bodyFormat: z.enum(['TEXT', 'HTML']).default('TEXT'),
});

const toView = (row: Record<string, any>): TemplateView => ({
  id: row.id,
  name: row.name,
  version: row.version,
  subject: row.subject,
  body: row.body,
  bodyFormat: row.body_format,
  placeholders: row.placeholders,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
});

/** Fills a template version for one recipient; HTML bodies get their values escaped. */
export function renderTemplate(template: Pick<TemplateView, 'subject' | 'body' | 'bodyFormat'>, language: 'sv' | 'en', values: Record<string, string>): RenderedLetter {
  return {
    subject: renderPlaceholders(template.subject[language], values).slice(0, 255),
    body: renderPlaceholders(template.body[language], values, template.bodyFormat === 'HTML' ? escapeHtml : undefined),
    bodyFormat: template.bodyFormat,
  };
}

/**
 * Letter templates per tenant, versioned: saving a template under an existing name adds the
 * next version; letters and bulk sends refer to the exact version they used.
 */
export class TemplateService {
  constructor(private readonly database: Database) {}

  async save(input: TemplateInput, sender: Sender): Promise<TemplateView> {
    const parsed = TemplateShape.safeParse(input);
    if (!parsed.success) throw new ValidationFailedError('The template is not valid', problemsOf(parsed.error));
    const t = parsed.data;
    const body = t.bodyFormat === 'HTML' ? { sv: assertSafeHtml(t.body.sv), en: assertSafeHtml(t.body.en) } : t.body;
    const placeholders = placeholdersOf(t.subject.sv, t.subject.en, body.sv, body.en);
    const tenantId = requestContext.tenantId();
    const [row] = await this.database.transaction(async (em) => {
      // Serialises versions of one name: two saves at once get consecutive numbers.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1::text || ':' || $2::text))`, [tenantId, t.name]);
      const rows = await em.query(
        `INSERT INTO mail_template (tenant_id, name, version, subject, body, body_format, placeholders, created_by)
         SELECT $1::uuid, $2::varchar, COALESCE(MAX(version), 0) + 1, $3::jsonb, $4::jsonb, $5::varchar, $6::jsonb, $7::varchar FROM mail_template WHERE tenant_id = $1::uuid AND name = $2::varchar
         RETURNING *`,
        [tenantId, t.name, JSON.stringify(t.subject), JSON.stringify(body), t.bodyFormat, JSON.stringify(placeholders), sender.id],
      );
      // A template change is an administrative change: audited in the same transaction.
      await appendAuditEntry(em, { actor: sender.kind === 'system' ? auditActor.service(sender.id) : auditActor.staff(sender.id), action: 'digitalmail.template.saved', targetType: 'mail_template', targetId: rows[0].id, details: { name: t.name, version: rows[0].version } });
      return rows;
    });
    return toView(row);
  }

  /** A version by id, or the newest version of a name. */
  async get(ref: { id?: string; name?: string; version?: number }): Promise<TemplateView> {
    const tenantId = requestContext.tenantId();
    const rows = await this.database.transaction((em) =>
      ref.id
        ? em.query(`SELECT * FROM mail_template WHERE tenant_id = $1 AND id = $2`, [tenantId, /^[0-9a-f-]{36}$/i.test(ref.id) ? ref.id : '00000000-0000-0000-0000-000000000000'])
        : em.query(`SELECT * FROM mail_template WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3) ORDER BY version DESC LIMIT 1`, [
            tenantId,
            ref.name ?? '',
            ref.version ?? null,
          ]),
    );
    if (!rows[0]) throw new NotFoundError('The template');
    return toView(rows[0]);
  }

  /** The newest version of every template. */
  async list(): Promise<TemplateView[]> {
    const tenantId = requestContext.tenantId();
    const rows = await this.database.transaction((em) =>
      em.query(`SELECT DISTINCT ON (name) * FROM mail_template WHERE tenant_id = $1 ORDER BY name, version DESC`, [tenantId]),
    );
    return rows.map(toView);
  }

  async preview(ref: { id?: string; name?: string; version?: number }, language: 'sv' | 'en', values: Record<string, string>): Promise<RenderedLetter> {
    return renderTemplate(await this.get(ref), language, values);
  }
}
