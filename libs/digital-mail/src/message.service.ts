import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import {
  Database,
  EntityRowsContext,
  PartyRegister,
  RawRow,
  rowOf,
  rowsOf,
  selectColumns,
  selectRows,
  TenantDirectory,
} from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';
import { MailScope, unitOf } from './access';
import { AttachmentInput, MAX_ATTACHMENTS, sha256Hex, validateAttachment, ValidatedAttachment } from './content/attachments';
import { assertSafeHtml, assertSafeLinks, htmlToText } from './content/html';
import { assertPrintableOnPaper } from './content/paper-text';
import { MailAttachmentEntity } from './entities/attachment.entity';
import { MailDeliveryEntity } from './entities/delivery.entity';
import { MailMessageEntity } from './entities/message.entity';
import { parseRecipient, Recipient } from './content/recipient';
import {
  FieldProblem,
  IdempotencyConflictError,
  NotFoundError,
  OtherUnitError,
  SupportInfoMissingError,
  ValidationFailedError,
} from './errors';
import { DigitalMailSettings, digitalMailSettingsOf, SupportInfo, SupportInfoSchema } from './settings';
import { recordStatusChanged } from './status-events';
import { currentTenant } from './tenant';

/** Who sends: a staff user (token subject) or a municipal system (service account client id). */
export interface Sender {
  kind: 'user' | 'system';
  id: string;
}

export interface SendMessageInput {
  /** Personnummer, samordningsnummer or organisationsnummer. Stored only on the delivery job. */
  recipient: string;
  subject: string;
  body: string;
  bodyFormat?: 'TEXT' | 'HTML';
  language?: 'sv' | 'en';
  attachments?: AttachmentInput[];
  /** Overrides the department's and the tenant's support info. */
  supportInfo?: SupportInfo;
  department?: string;
  externalReferences?: Record<string, string>;
  idempotencyKey?: string;
  /** Whether the letter may go on paper when the recipient has no digital mailbox (default true). */
  allowPaper?: boolean;
}

const ATTACHMENT_FIELDS = ['filename', 'deliveryMode', 'sha256', 'sizeBytes'] as const;
const MESSAGE_FIELDS = [
  'id',
  'subject',
  'bodyFormat',
  'language',
  'department',
  'externalReferences',
  'sentBy',
  'sentByKind',
  'idempotencyKey',
  'sendBatchId',
  'recipientPartyId',
  'createdAt',
  'contentPurgedAt',
] as const;
const DELIVERY_FIELDS = ['status', 'statusDetail', 'channel', 'mailboxOperator', 'operatorTransactionId', 'attempts', 'updatedAt'] as const;

/** An attachment as its letter shows it: what was sent, not its content. */
export type AttachmentView = Pick<MailAttachmentEntity, (typeof ATTACHMENT_FIELDS)[number]>;

/** A letter as its sender sees it: the message and its delivery (docs/architecture.md#typed-rows), without its content. */
export type MessageView = Omit<Pick<MailMessageEntity, (typeof MESSAGE_FIELDS)[number]>, 'contentPurgedAt'> &
  Pick<MailDeliveryEntity, (typeof DELIVERY_FIELDS)[number]> & {
    /** The body and attachments were purged after the retention period. */
    contentPurged: boolean;
    attachments: AttachmentView[];
  };

const DEPARTMENT = z.string().trim().min(1).max(100);
const SendShape = z.object({
  recipient: z.string().min(1, 'is required'),
  subject: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
  body: z.string().min(1, 'is required').max(200_000, 'must be at most 200,000 characters'),
  bodyFormat: z.enum(['TEXT', 'HTML']).default('TEXT'),
  language: z.enum(['sv', 'en']).default('sv'),
  attachments: z.array(z.any()).max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} attachments`).default([]),
  supportInfo: SupportInfoSchema.optional(),
  department: DEPARTMENT.optional(),
  externalReferences: z
    .record(z.string().min(1).max(64), z.string().max(255))
    .refine((refs) => Object.keys(refs).length <= 20, 'at most 20 references')
    .default({}),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
  allowPaper: z.boolean().default(true),
});

/** Turns a zod failure into the field problems of a VALIDATION_FAILED error. */
export function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({ field: `${prefix}${issue.path.join('.')}` || 'input', message: issue.message }));
}

/** A send request, checked and normalised: everything acceptance needs, nothing it must still decide. */
export interface PreparedMessage {
  recipient: Recipient;
  subject: string;
  body: string;
  bodyFormat: 'TEXT' | 'HTML';
  language: 'sv' | 'en';
  attachments: ValidatedAttachment[];
  supportInfo: SupportInfo;
  department: string | null;
  externalReferences: Record<string, string>;
  idempotencyKey: string | null;
  allowPaper: boolean;
  payloadHash: string;
}

/** Which support info a letter carries: the request's, else its department's, else the tenant's. */
export function resolveSupportInfo(settings: DigitalMailSettings, department: string | null, given?: SupportInfo): SupportInfo {
  const info = given ?? (department ? settings.departments[department]?.supportInfo : undefined) ?? settings.supportInfo;
  if (!info) throw new SupportInfoMissingError();
  return info;
}

/**
 * The department a letter is sent under: a unit scope sends under its own unit (the default) and
 * no other; the whole municipality may name any. Values that are not text are left to validation.
 */
export function departmentFor(scope: MailScope, given: unknown): unknown {
  if (scope.kind === 'municipality') return given;
  if (given === undefined || given === null) return scope.unit;
  if (typeof given === 'string' && given.trim() !== scope.unit) throw new OtherUnitError(scope.unit);
  return given;
}

export function prepareMessage(input: SendMessageInput, settings: DigitalMailSettings): PreparedMessage {
  const parsed = SendShape.safeParse(input);
  if (!parsed.success) throw new ValidationFailedError('The message is not valid', problemsOf(parsed.error));
  const v = parsed.data;
  const recipient = parseRecipient(v.recipient);
  const body = v.bodyFormat === 'HTML' ? assertSafeHtml(v.body) : v.body;
  if (v.bodyFormat === 'HTML') assertSafeLinks(body, 'body');
  const attachments = (v.attachments as AttachmentInput[]).map((a, i) => validateAttachment(a, i, settings.maxAttachmentBytes));
  const department = v.department ?? null;
  const supportInfo = resolveSupportInfo(settings, department, v.supportInfo);
  if (v.allowPaper) {
    assertPrintableOnPaper({
      subject: v.subject,
      body: v.bodyFormat === 'HTML' ? htmlToText(body) : body,
      ...Object.fromEntries(
        Object.entries(supportInfo).map(([name, value]) => [`supportInfo.${name}`, typeof value === 'string' ? value : null]),
      ),
    });
  }
  const externalReferences = Object.fromEntries(Object.entries(v.externalReferences).sort(([a], [b]) => a.localeCompare(b)));
  const payloadHash = sha256Hex(
    JSON.stringify([
      recipient.identityNumber,
      v.subject,
      body,
      v.bodyFormat,
      v.language,
      attachments.map((a) => [a.filename, a.deliveryMode, a.sha256]),
      v.supportInfo ?? null,
      department,
      externalReferences,
      v.allowPaper,
    ]),
  );
  return {
    recipient,
    subject: v.subject,
    body,
    bodyFormat: v.bodyFormat,
    language: v.language,
    attachments,
    supportInfo,
    department,
    externalReferences,
    idempotencyKey: v.idempotencyKey ?? null,
    allowPaper: v.allowPaper,
    payloadHash,
  };
}

/** Stores a prepared message, its attachments, its delivery job and its PENDING event (caller's transaction). */
export async function insertMessage(
  em: EntityManager,
  tenantId: string,
  message: PreparedMessage,
  recipientPartyId: string,
  sender: Sender,
  extra: { sendBatchId?: string | null; templateId?: string | null } = {},
): Promise<string | undefined> {
  const inserted: RawRow[] = await em.query(
    `INSERT INTO mail_message (tenant_id, recipient_party_id, recipient_kind, subject, body, body_format, language, support_info,
        department, external_references, sent_by, sent_by_kind, allow_paper, idempotency_key, payload_hash, send_batch_id, template_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      tenantId,
      recipientPartyId,
      message.recipient.kind,
      message.subject,
      message.body,
      message.bodyFormat,
      message.language,
      JSON.stringify(message.supportInfo),
      message.department,
      JSON.stringify(message.externalReferences),
      sender.id,
      sender.kind,
      message.allowPaper,
      message.idempotencyKey,
      message.payloadHash,
      extra.sendBatchId ?? null,
      extra.templateId ?? null,
    ],
  );
  const row = rowOf(em, MailMessageEntity, inserted, ['id']);
  if (!row) return undefined;
  const messageId = row.id;
  for (const [position, attachment] of message.attachments.entries()) {
    await em.query(
      `INSERT INTO mail_attachment (tenant_id, message_id, position, filename, delivery_mode, sha256, size_bytes, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        tenantId,
        messageId,
        position,
        attachment.filename,
        attachment.deliveryMode,
        attachment.sha256,
        attachment.sizeBytes,
        attachment.content,
      ],
    );
  }
  await em.query(
    `INSERT INTO mail_delivery (tenant_id, message_id, recipient_party_id, recipient_number, status, stage, send_batch_id, department)
     VALUES ($1, $2, $3, $4, 'PENDING', 'REACHABILITY', $5, $6)`,
    [tenantId, messageId, recipientPartyId, message.recipient.identityNumber, extra.sendBatchId ?? null, message.department],
  );
  await recordStatusChanged(em, {
    messageId,
    recipientPartyId,
    status: 'PENDING',
    channel: null,
    statusDetail: null,
    externalReferences: message.externalReferences,
  });
  return messageId;
}

/** The letters' messages joined with their deliveries, read by viewsOf. */
const messageViewSql = (em: EntityRowsContext) =>
  `SELECT ${selectColumns(em, MailMessageEntity, { alias: 'm', only: MESSAGE_FIELDS, prefix: 'm.' })},
          ${selectColumns(em, MailDeliveryEntity, { alias: 'd', only: DELIVERY_FIELDS, prefix: 'd.' })}
     FROM mail_message m JOIN mail_delivery d ON d.tenant_id = m.tenant_id AND d.message_id = m.id`;

/** Rows of messageViewSql as views, with their attachments (one more statement for all of them). */
async function viewsOf(em: EntityManager, tenantId: string, raw: readonly RawRow[]): Promise<MessageView[]> {
  if (raw.length === 0) return [];
  const messages = rowsOf(em, MailMessageEntity, raw, MESSAGE_FIELDS, { prefix: 'm.' });
  const deliveries = rowsOf(em, MailDeliveryEntity, raw, DELIVERY_FIELDS, { prefix: 'd.' });
  const attachments = await selectRows(
    em,
    MailAttachmentEntity,
    ['messageId', ...ATTACHMENT_FIELDS],
    `FROM mail_attachment
        WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) ORDER BY position`,
    [tenantId, messages.map((m) => m.id)],
  );
  return messages.map(({ contentPurgedAt, ...message }, i) => ({
    ...message,
    ...deliveries[i],
    contentPurged: contentPurgedAt !== null,
    attachments: attachments.filter((a) => a.messageId === message.id).map(({ messageId: _, ...attachment }) => attachment),
  }));
}

export interface MessageFilter {
  status?: MailDeliveryStatus;
  sendBatchId?: string;
  department?: string;
  limit?: number;
  offset?: number;
}

/**
 * Accepting and reading letters. Acceptance stores the message, its delivery job and its event
 * in one transaction and answers at once; delivery happens in the worker (DeliveryWorker).
 */
export class MessageService {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly parties: PartyRegister = new PartyRegister(database),
  ) {}

  async send(input: SendMessageInput, sender: Sender, scope: MailScope): Promise<MessageView> {
    const tenant = currentTenant(this.tenants);
    const message = prepareMessage(
      { ...input, department: departmentFor(scope, input.department) as string | undefined },
      digitalMailSettingsOf(tenant),
    );
    // Outside the transaction: on the embedded database the register shares the one session.
    const recipientPartyId = await this.parties.partyIdFor(message.recipient.kind, message.recipient.identityNumber);
    const messageId = await this.database.transaction(async (em) => {
      if (message.idempotencyKey) {
        const existing = await this.byIdempotencyKey(em, tenant.id, message.idempotencyKey);
        if (existing) return this.replay(existing, message.payloadHash);
      }
      const created = await insertMessage(em, tenant.id, message, recipientPartyId, sender);
      if (created) return created;
      // A concurrent request with the same key committed first: its row is visible now.
      return this.replay((await this.byIdempotencyKey(em, tenant.id, message.idempotencyKey!))!, message.payloadHash);
    });
    return this.get(messageId, scope);
  }

  /** One letter of the scope; another unit's letter is answered like a missing one (its existence is not disclosed). */
  async get(messageId: string, scope: MailScope): Promise<MessageView> {
    const tenantId = requestContext.tenantId();
    if (!/^[0-9a-f-]{36}$/i.test(messageId)) throw new NotFoundError('The message');
    const [view] = await this.database.transaction(async (em) =>
      viewsOf(
        em,
        tenantId,
        await em.query(`${messageViewSql(em)} WHERE m.tenant_id = $1 AND m.id = $2 AND ($3::varchar IS NULL OR m.department = $3)`, [
          tenantId,
          messageId,
          unitOf(scope),
        ]),
      ),
    );
    if (!view) throw new NotFoundError('The message');
    return view;
  }

  /** The scope's letters, newest first. */
  async list(scope: MailScope, filter: MessageFilter = {}): Promise<MessageView[]> {
    const tenantId = requestContext.tenantId();
    // A filter is input like any other: checked here, so a bad one is a coded error and not a failed query.
    const problems: FieldProblem[] = [];
    if (filter.sendBatchId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(filter.sendBatchId))
      problems.push({ field: 'sendBatchId', message: 'must be a batch id (UUID)' });
    if (filter.department !== undefined && filter.department.length > 100)
      problems.push({ field: 'department', message: 'at most 100 characters' });
    for (const key of ['limit', 'offset'] as const) {
      const value = filter[key];
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 1_000_000))
        problems.push({ field: key, message: 'must be a whole number from 0 to 1000000' });
    }
    if (problems.length > 0) throw new ValidationFailedError('The filter is not valid', problems);
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    return this.database.transaction(async (em) =>
      viewsOf(
        em,
        tenantId,
        await em.query(
          `${messageViewSql(em)}
          WHERE m.tenant_id = $1 AND ($2::varchar IS NULL OR d.status = $2) AND ($3::uuid IS NULL OR m.send_batch_id = $3)
            AND ($4::varchar IS NULL OR m.department = $4) AND ($7::varchar IS NULL OR m.department = $7)
          ORDER BY m.created_at DESC, m.id LIMIT $5 OFFSET $6`,
          [
            tenantId,
            filter.status ?? null,
            filter.sendBatchId ?? null,
            filter.department ?? null,
            limit,
            Math.max(filter.offset ?? 0, 0),
            unitOf(scope),
          ],
        ),
      ),
    );
  }

  private async byIdempotencyKey(
    em: EntityManager,
    tenantId: string,
    key: string,
  ): Promise<Pick<MailMessageEntity, 'id' | 'payloadHash'> | undefined> {
    return rowOf(
      em,
      MailMessageEntity,
      await em.query(`SELECT id, payload_hash FROM mail_message WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, key]),
      ['id', 'payloadHash'],
    );
  }

  private replay(existing: Pick<MailMessageEntity, 'id' | 'payloadHash'>, payloadHash: string): string {
    if (existing.payloadHash !== payloadHash) throw new IdempotencyConflictError();
    return existing.id;
  }
}
