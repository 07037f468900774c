import { CsvError, CsvErrorCode, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { Database, rowsOf, selectRows, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { MailScope, unitOf } from './access';
import { linksOf } from './content/html';
import { MailSendBatchEntity } from './entities/send-batch.entity';
import { parseRecipient } from './content/recipient';
import { DigitalMailError, FieldProblem, NotFoundError, UnsafeLinkError, ValidationFailedError } from './errors';
import { departmentFor, problemsOf, resolveSupportInfo, Sender } from './message.service';
import { digitalMailSettingsOf, SupportInfoSchema } from './settings';
import { currentTenant } from './tenant';
import { renderTemplate, TemplateService } from './template.service';

export const MAX_BATCH_RECIPIENTS = 100_000;
const INSERT_CHUNK = 1000;

/** What a batch's progress shows of it. */
const PROGRESS_FIELDS = ['id', 'templateId', 'department', 'total', 'expanded', 'createdAt'] as const;
/** A rejected batch names at most this many bad rows (the first ones). */
const MAX_REPORTED_PROBLEMS = 100;

export interface BatchRecipientInput {
  recipient: string;
  values?: Record<string, string>;
}

export interface SendBatchInput {
  template: { id?: string; name?: string; version?: number };
  language?: 'sv' | 'en';
  department?: string;
  supportInfo?: z.input<typeof SupportInfoSchema>;
  externalReferences?: Record<string, string>;
  allowPaper?: boolean;
}

export interface SendBatchProgress {
  id: string;
  templateId: string;
  department: string | null;
  total: number;
  /** Recipients turned into letters so far. */
  accepted: number;
  pending: number;
  sentDigitally: number;
  sentOnPaper: number;
  failed: number;
  /** NOT_SENT, NO_CONTACT_WANTED, NO_CONTACT_SETTINGS_FOUND: not deliverable, and not a fault. */
  notDelivered: number;
  completed: boolean;
  createdAt: Date;
}

const Options = z.object({
  language: z.enum(['sv', 'en']).default('sv'),
  department: z.string().trim().min(1).max(100).optional(),
  supportInfo: SupportInfoSchema.optional(),
  externalReferences: z.record(z.string().min(1).max(64), z.string().max(255)).default({}),
  allowPaper: z.boolean().default(true),
});

export class BatchTooLargeError extends DigitalMailError {
  constructor(count: number) {
    super('BATCH_TOO_LARGE', `A batch holds at most ${MAX_BATCH_RECIPIENTS} recipients, this one has ${count}`);
  }
}

/**
 * Bulk sends: a template to up to 100,000 recipients, checked as a whole (every bad row is named
 * and nothing is stored) and then accepted in one transaction, in chunks. The worker turns the
 * rows into letters (expandSendBatches) and delivers them like any other.
 */
export class SendBatchService {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly templates: TemplateService = new TemplateService(database),
  ) {}

  /**
   * A unit scope sends under its own unit with its own or a shared template; a unit's template is
   * sent under that unit only (its letters then belong to that unit), and is the default department.
   */
  async create(
    input: SendBatchInput,
    recipients: Iterable<BatchRecipientInput>,
    sender: Sender,
    scope: MailScope,
  ): Promise<SendBatchProgress> {
    const tenant = currentTenant(this.tenants);
    const settings = digitalMailSettingsOf(tenant);
    const parsed = Options.safeParse({ ...input, department: departmentFor(scope, input?.department) });
    if (!parsed.success) throw new ValidationFailedError('The batch is not valid', problemsOf(parsed.error));
    const options = parsed.data;
    const template = await this.templates.get(input.template, scope);
    const department = options.department ?? template.department;
    if (template.department !== null && department !== template.department) {
      throw new ValidationFailedError('The batch is not valid', [
        { field: 'department', message: `must be "${template.department}", the unit the template belongs to` },
      ]);
    }
    const supportInfo = resolveSupportInfo(settings, department, options.supportInfo);
    // An HTML template's links are checked as each letter will read, filled in (renderTemplate):
    // per row when values fill them, else once.
    const links = template.bodyFormat === 'HTML' ? linksOf(template.body[options.language]) : [];
    const linksVary = links.some((href) => href.includes('{{'));
    let linksChecked = false;
    let unsafeLinkRows = 0;

    // Pass 1: check every row; remember only compact rows (no per-row objects beyond these).
    const problems: FieldProblem[] = [];
    let problemCount = 0;
    const rows: Array<[string, 'person' | 'organisation', string]> = [];
    const seen = new Map<string, number>();
    let index = 0;
    for (const row of recipients) {
      const field = `recipients[${index}]`;
      index++;
      if (index > MAX_BATCH_RECIPIENTS) throw new BatchTooLargeError(index);
      const report = (problem: FieldProblem) => {
        problemCount++;
        if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
      };
      let recipient;
      try {
        recipient = parseRecipient(row.recipient);
      } catch {
        report({ field: `${field}.recipient`, message: 'is not a valid personnummer or organisationsnummer' });
        continue;
      }
      const earlier = seen.get(recipient.identityNumber);
      if (earlier !== undefined) {
        report({ field: `${field}.recipient`, message: `repeats the recipient of recipients[${earlier}]` });
        continue;
      }
      seen.set(recipient.identityNumber, index - 1);
      const values = row.values ?? {};
      const missing = template.placeholders.filter((name) => typeof values[name] !== 'string' || values[name].length === 0);
      if (missing.length > 0) {
        report({ field: `${field}.values`, message: `missing ${missing.join(', ')}` });
        continue;
      }
      const used = Object.fromEntries(template.placeholders.map((name) => [name, values[name].slice(0, 1000)]));
      if (links.length > 0 && (linksVary || !linksChecked)) {
        try {
          renderTemplate(template, options.language, used);
          linksChecked = true;
        } catch (error) {
          if (!(error instanceof UnsafeLinkError)) throw error;
          unsafeLinkRows++;
          report({ field: `${field}.values`, message: 'make a link that is not an absolute https link' });
          continue;
        }
      }
      rows.push([recipient.identityNumber, recipient.kind, JSON.stringify(used)]);
    }
    if (index === 0)
      throw new ValidationFailedError('The batch has no recipients', [
        { field: 'recipients', message: 'at least one recipient is required' },
      ]);
    if (unsafeLinkRows > 0)
      throw new UnsafeLinkError(
        problems,
        `The batch was not accepted: ${unsafeLinkRows} of ${index} rows make a link that is not an absolute https link`,
      );
    if (problemCount > 0) {
      throw new ValidationFailedError(`The batch was not accepted: ${problemCount} of ${index} rows are not valid`, problems);
    }
    seen.clear();

    // Pass 2: one transaction, rows inserted in chunks.
    const batchId = await this.database.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO mail_send_batch (tenant_id, template_id, language, department, support_info, external_references, allow_paper, sent_by, sent_by_kind, total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          tenant.id,
          template.id,
          options.language,
          department,
          JSON.stringify(supportInfo),
          JSON.stringify(options.externalReferences),
          options.allowPaper,
          sender.id,
          sender.kind,
          rows.length,
        ],
      );
      const { id } = rowsOf(em, MailSendBatchEntity, inserted, ['id'])[0];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        await em.query(
          `INSERT INTO mail_batch_recipient (tenant_id, send_batch_id, row_number, recipient_number, recipient_kind, "values")
           SELECT $1, $2, n, num, kind, v::jsonb FROM unnest($3::int[], $4::varchar[], $5::varchar[], $6::text[]) AS r(n, num, kind, v)`,
          [tenant.id, id, chunk.map((_r, i) => start + i + 1), chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => r[2])],
        );
      }
      return id;
    });
    return this.progress(batchId, scope);
  }

  /**
   * CSV with a header row: a `recipient` column (personnummer or organisationsnummer) and one
   * column per placeholder. Separator `,` or `;` (as Swedish spreadsheets write it).
   */
  async createFromCsv(input: SendBatchInput, csv: string, sender: Sender, scope: MailScope): Promise<SendBatchProgress> {
    return this.create(input, parseRecipientCsv(csv), sender, scope);
  }

  /** A batch of the scope; another unit's is NOT_FOUND. */
  async progress(batchId: string, scope: MailScope): Promise<SendBatchProgress> {
    const tenantId = requestContext.tenantId();
    if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw new NotFoundError('The batch');
    return this.database.transaction(async (em) => {
      const [batch] = await selectRows(
        em,
        MailSendBatchEntity,
        PROGRESS_FIELDS,
        `FROM mail_send_batch
            WHERE tenant_id = $1 AND id = $2 AND ($3::varchar IS NULL OR department = $3)`,
        [tenantId, batchId, unitOf(scope)],
      );
      if (!batch) throw new NotFoundError('The batch');
      // Aggregates: counts per status and channel (bigint, text on node-pg).
      const counts: Array<{ status: string; channel: string | null; n: string | number }> = await em.query(
        `SELECT status, channel, count(*) AS n FROM mail_delivery WHERE tenant_id = $1 AND send_batch_id = $2 GROUP BY status, channel`,
        [tenantId, batchId],
      );
      const count = (match: (c: { status: string; channel: string | null }) => boolean) =>
        counts.filter(match).reduce((sum, c) => sum + Number(c.n), 0);
      const total = batch.total;
      const accepted = batch.expanded;
      const pending = total - accepted + count((c) => c.status === 'PENDING');
      return {
        id: batch.id,
        templateId: batch.templateId,
        department: batch.department,
        total,
        accepted,
        pending,
        sentDigitally: count((c) => c.status === 'SENT' && c.channel === 'digital'),
        sentOnPaper: count((c) => c.status === 'SENT' && c.channel === 'paper'),
        failed: count((c) => c.status === 'FAILED'),
        notDelivered: count((c) => ['NOT_SENT', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND'].includes(c.status)),
        completed: pending === 0,
        createdAt: batch.createdAt,
      };
    });
  }
}

/** What a malformed CSV is told, by csv-parse's error code: never the row's content (it holds identity numbers). */
const CSV_PROBLEMS: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted field is followed by text before the separator',
};

/**
 * Parses recipient CSV (RFC 4180, by csv-parse): a quoted field may hold separators, doubled
 * quotes and line breaks. The separator is `;` when the header line has more of them than `,`.
 * Rows become recipients one at a time as they are iterated; blank lines are skipped.
 */
export function* parseRecipientCsv(csv: string): Generator<BatchRecipientInput> {
  const text = csv.replace(/^\uFEFF/, '');
  const headerLine = /^.*\S.*$/m.exec(text)?.[0];
  if (headerLine === undefined) return;
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    // relax_quotes: a quote inside an unquoted field (Anna "Ankan" A.) is text, as spreadsheets write it.
    records = parse(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const where = `line ${Number(error.lines)}: ${CSV_PROBLEMS[error.code] ?? 'not valid CSV'}`;
    throw new ValidationFailedError(`The CSV is not valid: ${where}`, [{ field: 'csv', message: where }]);
  }
  const rows = records.filter((cells) => cells.some((cell) => cell.trim().length > 0));
  if (rows.length === 0) return;
  const header = rows[0].map((h) => h.trim());
  const recipientColumn = header.findIndex((h) => ['recipient', 'personnummer', 'organisationsnummer'].includes(h.toLowerCase()));
  if (recipientColumn < 0) {
    throw new ValidationFailedError('The CSV has no recipient column', [{ field: 'csv.header', message: 'needs a "recipient" column' }]);
  }
  for (const cells of rows.slice(1)) {
    const values: Record<string, string> = {};
    header.forEach((name, column) => {
      if (column !== recipientColumn && name) values[name] = (cells[column] ?? '').trim();
    });
    yield { recipient: (cells[recipientColumn] ?? '').trim(), values };
  }
}
