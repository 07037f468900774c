import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A bulk send: one template to many recipients, accepted as a whole. */
@Entity({ name: 'mail_send_batch' })
@Check('CHK_mail_send_batch_values', `total BETWEEN 1 AND 100000 AND expanded BETWEEN 0 AND total`)
export class MailSendBatchEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'template_id', type: 'uuid' })
  templateId!: string;

  @Column({ type: 'varchar', length: 2 })
  language!: 'sv' | 'en';

  @Column({ type: 'varchar', length: 100, nullable: true })
  department!: string | null;

  @Column({ name: 'support_info', type: 'jsonb' })
  supportInfo!: Record<string, string>;

  @Column({ name: 'external_references', type: 'jsonb', default: () => "'{}'" })
  externalReferences!: Record<string, string>;

  @Column({ name: 'allow_paper', type: 'boolean', default: true })
  allowPaper!: boolean;

  @Column({ name: 'sent_by', type: 'varchar', length: 200 })
  sentBy!: string;

  @Column({ name: 'sent_by_kind', type: 'varchar', length: 8 })
  sentByKind!: 'user' | 'system';

  @Column({ name: 'total', type: 'int' })
  total!: number;

  /** Recipients turned into messages so far (the worker expands the batch in chunks). */
  @Column({ name: 'expanded', type: 'int', default: 0 })
  expanded!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One row of a bulk send, until the worker has made its message. */
@Entity({ name: 'mail_batch_recipient' })
@Index('IDX_mail_batch_recipient_pending', ['tenantId', 'sendBatchId', 'rowNumber'], { where: 'message_id IS NULL' })
export class MailBatchRecipientEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'send_batch_id', type: 'uuid' })
  sendBatchId!: string;

  @PrimaryColumn({ name: 'row_number', type: 'int' })
  rowNumber!: number;

  /** Cleared once the message (and its delivery row) exists. */
  @Column({ name: 'recipient_number', type: 'varchar', length: 12, nullable: true })
  recipientNumber!: string | null;

  @Column({ name: 'recipient_kind', type: 'varchar', length: 16 })
  recipientKind!: 'person' | 'organisation';

  @Column({ type: 'jsonb', default: () => "'{}'" })
  values!: Record<string, string>;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;
}
