import type { EntityManager } from 'typeorm';
import { Database, PartyRegister } from '@kommuna/platform-persistence';
import { sha256Hex } from '../content/attachments';
import { insertMessage, PreparedMessage } from '../message.service';
import { renderTemplate } from '../template.service';

/**
 * Turns accepted bulk-send rows into messages and delivery jobs, a chunk at a time, so a batch of
 * 100,000 recipients never sits in memory. Rows are locked with SKIP LOCKED, so two workers
 * expand different chunks; a row gets its message exactly once (message_id is set with it).
 */
export async function expandSendBatches(database: Database, parties: PartyRegister, tenantId: string, chunkSize: number): Promise<number> {
  const pending: Array<{ send_batch_id: string; row_number: number; recipient_number: string; recipient_kind: 'person' | 'organisation' }> =
    await database.transaction((em) =>
      em.query(
        `SELECT send_batch_id, row_number, recipient_number, recipient_kind FROM mail_batch_recipient
          WHERE tenant_id = $1 AND message_id IS NULL ORDER BY send_batch_id, row_number LIMIT $2`,
        [tenantId, chunkSize],
      ),
    );
  if (pending.length === 0) return 0;
  // Party ids first, outside the transaction (the embedded database has one session).
  const partyIds = new Map<string, string>();
  for (const row of pending) {
    if (!partyIds.has(row.recipient_number)) partyIds.set(row.recipient_number, await parties.partyIdFor(row.recipient_kind, row.recipient_number));
  }
  const batchId = pending[0].send_batch_id;
  const rowNumbers = pending.filter((r) => r.send_batch_id === batchId).map((r) => r.row_number);
  return database.transaction(async (em) => expandChunk(em, tenantId, batchId, rowNumbers, partyIds));
}

async function expandChunk(em: EntityManager, tenantId: string, batchId: string, rowNumbers: number[], partyIds: Map<string, string>): Promise<number> {
  const [batch] = await em.query(
    `SELECT b.*, t.subject AS t_subject, t.body AS t_body, t.body_format AS t_body_format
       FROM mail_send_batch b JOIN mail_template t ON t.tenant_id = b.tenant_id AND t.id = b.template_id
      WHERE b.tenant_id = $1 AND b.id = $2`,
    [tenantId, batchId],
  );
  const rows: Array<{ row_number: number; recipient_number: string; recipient_kind: 'person' | 'organisation'; values: Record<string, string> }> = await em.query(
    `SELECT row_number, recipient_number, recipient_kind, "values" FROM mail_batch_recipient
      WHERE tenant_id = $1 AND send_batch_id = $2 AND row_number = ANY($3::int[]) AND message_id IS NULL
      ORDER BY row_number FOR UPDATE SKIP LOCKED`,
    [tenantId, batchId, rowNumbers],
  );
  const template = { subject: batch.t_subject, body: batch.t_body, bodyFormat: batch.t_body_format };
  for (const row of rows) {
    const letter = renderTemplate(template, batch.language, row.values);
    const message: PreparedMessage = {
      recipient: { kind: row.recipient_kind, identityNumber: row.recipient_number },
      subject: letter.subject,
      body: letter.body,
      bodyFormat: letter.bodyFormat,
      language: batch.language,
      attachments: [],
      supportInfo: batch.support_info,
      department: batch.department,
      externalReferences: { ...batch.external_references, sendBatchRow: String(row.row_number) },
      idempotencyKey: null,
      allowPaper: batch.allow_paper,
      payloadHash: sha256Hex(`${batchId}:${row.row_number}`),
    };
    const partyId = partyIds.get(row.recipient_number)!;
    const messageId = await insertMessage(em, tenantId, message, partyId, { kind: batch.sent_by_kind, id: batch.sent_by }, { sendBatchId: batchId, templateId: batch.template_id });
    await em.query(
      `UPDATE mail_batch_recipient SET message_id = $4, recipient_number = NULL, "values" = '{}' WHERE tenant_id = $1 AND send_batch_id = $2 AND row_number = $3`,
      [tenantId, batchId, row.row_number, messageId],
    );
  }
  if (rows.length > 0) {
    await em.query(`UPDATE mail_send_batch SET expanded = expanded + $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, batchId, rows.length]);
  }
  return rows.length;
}
