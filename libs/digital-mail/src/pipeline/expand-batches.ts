import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Database, PartyEntity, PartyRegister, RawRow, rowOf, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import type { MailDeliveryStatusChangedData } from '@kommuna/shared-service-contracts';
import { sha256Hex } from '../content/attachments';
import { renderPlaceholders } from '../content/placeholders';
import { MailBatchRecipientEntity, MailSendBatchEntity } from '../entities/send-batch.entity';
import { MailTemplateEntity } from '../entities/template.entity';
import { UnsafeLinkError } from '../errors';
import { recordStatusChanges } from '../status-events';
import { RenderedLetter, renderTemplate } from '../template.service';

/** Why a letter was refused at rendering: it is FAILED at once and never delivered. */
const UNSAFE_LINK_DETAIL = 'UNSAFE_LINK: a link in the letter is not an absolute https link; not delivered';

type RecipientKind = 'person' | 'organisation';

/** What expansion takes from a batch, its template and its rows (docs/architecture.md#typed-rows). */
const BATCH_FIELDS = [
  'language',
  'department',
  'supportInfo',
  'externalReferences',
  'sentBy',
  'sentByKind',
  'allowPaper',
  'templateId',
] as const;
const TEMPLATE_FIELDS = ['subject', 'body', 'bodyFormat'] as const;
const ROW_FIELDS = ['rowNumber', 'recipientNumber', 'recipientKind', 'values'] as const;

/** A row not yet expanded keeps its recipient's number (it is cleared when the row gets its message). */
function numberOf(row: Pick<MailBatchRecipientEntity, 'rowNumber' | 'recipientNumber'>): string {
  if (row.recipientNumber === null) throw new Error(`Send batch row ${row.rowNumber} has neither a message nor a recipient number`);
  return row.recipientNumber;
}

/**
 * Turns accepted bulk-send rows into messages and delivery jobs, a chunk at a time, so a batch of
 * 100,000 recipients never sits in memory. Rows are locked with SKIP LOCKED, so two workers
 * expand different chunks; a row gets its message exactly once (message_id is set with it).
 * Set-based: a chunk costs a fixed number of statements (parties, messages, deliveries, rows,
 * events), not a few per letter.
 */
export async function expandSendBatches(
  database: Database,
  _parties: PartyRegister,
  tenantId: string,
  chunkSize: number,
  maxWaiting = Infinity,
): Promise<number> {
  const pending = await database.transaction(async (em) => {
    // Paced (issue 24): no further ahead of the reachability step than `maxWaiting` letters. Run
    // beside the other steps, expansion took a 20,000-letter send whole within a minute, and its
    // writes and status events crowded out deliveries, the outbox and other municipalities' letters.
    if (Number.isFinite(maxWaiting)) {
      // An aggregate: the letters waiting for reachability, counted up to the cap.
      const [{ waiting }]: Array<{ waiting: number }> = await em.query(
        `SELECT count(*)::int AS waiting FROM (SELECT 1 FROM mail_delivery WHERE tenant_id = $1 AND stage = 'REACHABILITY' AND completed_at IS NULL LIMIT $2) w`,
        [tenantId, maxWaiting],
      );
      if (waiting >= maxWaiting) return [];
    }
    return rowsOf(
      em,
      MailBatchRecipientEntity,
      await em.query(
        `SELECT send_batch_id, row_number, recipient_number, recipient_kind FROM mail_batch_recipient
          WHERE tenant_id = $1 AND message_id IS NULL ORDER BY send_batch_id, row_number LIMIT $2`,
        [tenantId, chunkSize],
      ),
      ['sendBatchId', 'rowNumber', 'recipientNumber', 'recipientKind'],
    );
  });
  if (pending.length === 0) return 0;
  // Party ids first, outside the transaction (the embedded database has one session), one statement a chunk.
  const partyIds = await partyIdsFor(
    database,
    pending.map((r) => [r.recipientKind, numberOf(r)]),
  );
  const batchId = pending[0].sendBatchId;
  const rowNumbers = pending.filter((r) => r.sendBatchId === batchId).map((r) => r.rowNumber);
  return database.transaction(async (em) => expandChunk(em, tenantId, batchId, rowNumbers, partyIds));
}

// Finds or creates many parties at once; the main SELECT sees the parties that existed before the
// statement, `created` those it added, so together they answer every number (except race losers).
const FIND_OR_CREATE_MANY = `
  WITH input AS (SELECT DISTINCT ON (num) kind, num FROM unnest($1::varchar[], $2::varchar[]) AS i(kind, num)),
       created AS (
         INSERT INTO party (kind, identity_number)
         SELECT kind, num FROM input WHERE NOT EXISTS (SELECT 1 FROM party p WHERE p.identity_number = input.num)
         ON CONFLICT (identity_number) DO NOTHING
         RETURNING id, identity_number)
  SELECT p.id, p.identity_number FROM party p JOIN input ON p.identity_number = input.num
  UNION ALL SELECT id, identity_number FROM created`;

async function partyIdsFor(database: Database, recipients: Array<[RecipientKind, string]>): Promise<Map<string, string>> {
  const em = database.dataSource.manager;
  const rows = rowsOf(
    em,
    PartyEntity,
    await database.dataSource.query(FIND_OR_CREATE_MANY, [recipients.map((r) => r[0]), recipients.map((r) => r[1])]),
    ['id', 'identityNumber'],
  );
  const ids = new Map(rows.map((r) => [r.identityNumber, r.id]));
  const missing = [...new Set(recipients.map((r) => r[1]).filter((n) => !ids.has(n)))];
  if (missing.length > 0) {
    // Lost a race with a concurrent first sighting of the same people: their rows are there now.
    const late = rowsOf(
      em,
      PartyEntity,
      await database.dataSource.query(`SELECT id, identity_number FROM party WHERE identity_number = ANY($1::varchar[])`, [missing]),
      ['id', 'identityNumber'],
    );
    for (const r of late) ids.set(r.identityNumber, r.id);
  }
  return ids;
}

async function expandChunk(
  em: EntityManager,
  tenantId: string,
  batchId: string,
  rowNumbers: number[],
  partyIds: Map<string, string>,
): Promise<number> {
  const raw: RawRow[] = await em.query(
    `SELECT ${selectColumns(em, MailSendBatchEntity, { alias: 'b', only: BATCH_FIELDS })},
            ${selectColumns(em, MailTemplateEntity, { alias: 't', only: TEMPLATE_FIELDS, prefix: 't.' })}
       FROM mail_send_batch b JOIN mail_template t ON t.tenant_id = b.tenant_id AND t.id = b.template_id
      WHERE b.tenant_id = $1 AND b.id = $2`,
    [tenantId, batchId],
  );
  const batch = rowOf(em, MailSendBatchEntity, raw, BATCH_FIELDS);
  const template = rowOf(em, MailTemplateEntity, raw, TEMPLATE_FIELDS, { prefix: 't.' });
  if (!batch || !template) throw new Error(`Send batch ${batchId} is not in this municipality`);
  const rows = rowsOf(
    em,
    MailBatchRecipientEntity,
    await em.query(
      `SELECT ${selectColumns(em, MailBatchRecipientEntity, { only: ROW_FIELDS })} FROM mail_batch_recipient
      WHERE tenant_id = $1 AND send_batch_id = $2 AND row_number = ANY($3::int[]) AND message_id IS NULL
      ORDER BY row_number FOR UPDATE SKIP LOCKED`,
      [tenantId, batchId, rowNumbers],
    ),
    ROW_FIELDS,
  );
  if (rows.length === 0) return 0;
  const letters = rows.map((row) => {
    // Acceptance checked every row's links; a row accepted before that check (or a template changed
    // since) is still never delivered with an unsafe link: its letter is FAILED with the reason.
    let letter: RenderedLetter;
    let refused = false;
    try {
      letter = renderTemplate(template, batch.language, row.values);
    } catch (error) {
      if (!(error instanceof UnsafeLinkError)) throw error;
      letter = {
        subject: renderPlaceholders(template.subject[batch.language], row.values).slice(0, 255),
        body: '',
        bodyFormat: template.bodyFormat,
      };
      refused = true;
    }
    const partyId = partyIds.get(numberOf(row));
    if (!partyId) throw new Error(`No party id for a recipient of send batch ${batchId}`);
    return {
      id: randomUUID(),
      row,
      partyId,
      letter,
      refused,
      externalReferences: { ...batch.externalReferences, sendBatchRow: String(row.rowNumber) },
    };
  });
  const ids = letters.map((l) => l.id);
  await em.query(
    `INSERT INTO mail_message (tenant_id, id, recipient_party_id, recipient_kind, subject, body, body_format, language, support_info,
        department, external_references, sent_by, sent_by_kind, allow_paper, idempotency_key, payload_hash, send_batch_id, template_id)
     SELECT $1::uuid, l.id, l.party, l.kind, l.subject, l.body, l.format, $2::varchar, $3::jsonb, $4::varchar, l.refs::jsonb, $5::varchar, $6::varchar, $7::boolean, NULL, l.hash, $8::uuid, $9::uuid
       FROM unnest($10::uuid[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
         AS l(id, party, kind, subject, body, format, refs, hash)`,
    [
      tenantId,
      batch.language,
      JSON.stringify(batch.supportInfo),
      batch.department,
      batch.sentBy,
      batch.sentByKind,
      batch.allowPaper,
      batchId,
      batch.templateId,
      ids,
      letters.map((l) => l.partyId),
      letters.map((l) => l.row.recipientKind),
      letters.map((l) => l.letter.subject),
      letters.map((l) => (l.refused ? null : l.letter.body)),
      letters.map((l) => l.letter.bodyFormat),
      letters.map((l) => JSON.stringify(l.externalReferences)),
      letters.map((l) => sha256Hex(`${batchId}:${l.row.rowNumber}`)),
    ],
  );
  await em.query(
    `INSERT INTO mail_delivery (tenant_id, message_id, recipient_party_id, recipient_number, status, stage, send_batch_id, department, status_detail, completed_at)
     SELECT $1::uuid, l.id, l.party, CASE WHEN l.refused THEN NULL ELSE l.num END, CASE WHEN l.refused THEN 'FAILED' ELSE 'PENDING' END,
            CASE WHEN l.refused THEN 'DONE' ELSE 'REACHABILITY' END, $2::uuid, $3::varchar, CASE WHEN l.refused THEN $8::text END, CASE WHEN l.refused THEN now() END
       FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::boolean[]) AS l(id, party, num, refused)`,
    [
      tenantId,
      batchId,
      batch.department,
      ids,
      letters.map((l) => l.partyId),
      letters.map((l) => numberOf(l.row)),
      letters.map((l) => l.refused),
      UNSAFE_LINK_DETAIL,
    ],
  );
  await em.query(
    `UPDATE mail_batch_recipient r SET message_id = l.id, recipient_number = NULL, "values" = '{}'
       FROM unnest($3::int[], $4::uuid[]) AS l(row_number, id)
      WHERE r.tenant_id = $1 AND r.send_batch_id = $2 AND r.row_number = l.row_number`,
    [tenantId, batchId, letters.map((l) => l.row.rowNumber), ids],
  );
  await recordStatusChanges(
    em,
    letters.map((l): MailDeliveryStatusChangedData => ({
      messageId: l.id,
      recipientPartyId: l.partyId,
      status: l.refused ? 'FAILED' : 'PENDING',
      channel: null,
      statusDetail: l.refused ? UNSAFE_LINK_DETAIL : null,
      externalReferences: l.externalReferences,
    })),
  );
  await em.query(`UPDATE mail_send_batch SET expanded = expanded + $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, batchId, rows.length]);
  return rows.length;
}
