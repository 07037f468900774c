import type { EntityManager } from 'typeorm';

/** What a letter says and carries, read in a claim's transaction for the step that sends it. */
export interface MessageContent {
  id: string;
  subject: string;
  body: string | null;
  bodyFormat: 'TEXT' | 'HTML';
  /** The letter's language, as the sender gave it. */
  language: 'sv' | 'en';
  supportInfo: Record<string, string>;
  sendBatchId: string | null;
  attachments: Array<{ filename: string; sha256: string; content: Buffer }>;
}

interface MessageContentRow {
  id: string;
  subject: string;
  body: string | null;
  body_format: MessageContent['bodyFormat'];
  language: MessageContent['language'];
  support_info: Record<string, string>;
  send_batch_id: string | null;
}

interface AttachmentContentRow {
  message_id: string;
  filename: string;
  sha256: string;
  content: unknown;
}

export const toBuffer = (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array));

/** The letters' content with the attachments of the given delivery modes, two statements for any number of letters. */
export async function readContents(em: EntityManager, tenantId: string, ids: string[], modes: string[]): Promise<MessageContent[]> {
  const messages = await em.query(
    `SELECT id, subject, body, body_format, language, support_info, send_batch_id FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, ids],
  );
  const attachments = await em.query(
    `SELECT message_id, filename, sha256, content FROM mail_attachment
      WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND delivery_mode = ANY($3::varchar[]) AND content IS NOT NULL ORDER BY position`,
    [tenantId, ids, modes],
  );
  return messages.map((m: MessageContentRow) => ({
    id: m.id,
    subject: m.subject,
    body: m.body,
    bodyFormat: m.body_format,
    language: m.language,
    supportInfo: m.support_info,
    sendBatchId: m.send_batch_id,
    attachments: attachments
      .filter((a: AttachmentContentRow) => a.message_id === m.id)
      .map((a: AttachmentContentRow) => ({ filename: a.filename, sha256: a.sha256, content: toBuffer(a.content) })),
  }));
}
