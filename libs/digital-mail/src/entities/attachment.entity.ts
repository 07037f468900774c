import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A PDF attached to a letter; its content is purged with the body, its checksum stays. */
@Entity({ name: 'mail_attachment' })
@Index('IDX_mail_attachment_message', ['tenantId', 'messageId'])
@Check('CHK_mail_attachment_values', `delivery_mode IN ('DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER') AND size_bytes >= 0`)
export class MailAttachmentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'varchar', length: 255 })
  filename!: string;

  @Column({ name: 'delivery_mode', type: 'varchar', length: 16 })
  deliveryMode!: 'DIGITAL_ONLY' | 'PAPER_ONLY' | 'EITHER';

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'bytea', nullable: true })
  content!: Buffer | null;
}
