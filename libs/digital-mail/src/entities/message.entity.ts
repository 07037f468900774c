import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One letter to one recipient. The body and attachments are purged after the tenant's retention
 * period (content_purged_at); who, when, how and with what outcome stays for statistics.
 */
@Entity({ name: 'mail_message' })
@Index('UQ_mail_message_idempotency', ['tenantId', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
@Index('IDX_mail_message_created', ['tenantId', 'createdAt'])
@Check(
  'CHK_mail_message_values',
  `recipient_kind IN ('person', 'organisation') AND body_format IN ('TEXT', 'HTML') AND language IN ('sv', 'en') AND sent_by_kind IN ('user', 'system') AND length(subject) > 0`,
)
export class MailMessageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'recipient_party_id', type: 'uuid' })
  recipientPartyId!: string;

  @Column({ name: 'recipient_kind', type: 'varchar', length: 16 })
  recipientKind!: 'person' | 'organisation';

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** Null once purged. */
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ name: 'body_format', type: 'varchar', length: 8 })
  bodyFormat!: 'TEXT' | 'HTML';

  @Column({ type: 'varchar', length: 2, default: 'sv' })
  language!: 'sv' | 'en';

  @Column({ name: 'support_info', type: 'jsonb' })
  supportInfo!: Record<string, string>;

  @Column({ type: 'varchar', length: 100, nullable: true })
  department!: string | null;

  @Column({ name: 'external_references', type: 'jsonb', default: () => "'{}'" })
  externalReferences!: Record<string, string>;

  /** A staff user's token subject, or a system's client id. */
  @Column({ name: 'sent_by', type: 'varchar', length: 200 })
  sentBy!: string;

  @Column({ name: 'sent_by_kind', type: 'varchar', length: 8 })
  sentByKind!: 'user' | 'system';

  @Column({ name: 'allow_paper', type: 'boolean', default: true })
  allowPaper!: boolean;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the request as accepted: a repeated key must carry the same payload. */
  @Column({ name: 'payload_hash', type: 'varchar', length: 64 })
  payloadHash!: string;

  @Column({ name: 'send_batch_id', type: 'uuid', nullable: true })
  sendBatchId!: string | null;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'content_purged_at', type: 'timestamptz', nullable: true })
  contentPurgedAt!: Date | null;
}
