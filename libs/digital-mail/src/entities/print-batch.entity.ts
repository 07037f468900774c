import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Paper letters collected for the print provider: OPEN takes letters, CLOSED is being handed over, RELEASED was handed over as a whole, once. */
@Entity({ name: 'mail_print_batch' })
@Index('IDX_mail_print_batch_open', ['tenantId', 'sendBatchId'], { where: "status = 'OPEN'" })
@Check('CHK_mail_print_batch_status', `status IN ('OPEN', 'CLOSED', 'RELEASED')`)
export class MailPrintBatchEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The bulk send this batch prints, or null for single letters. */
  @Column({ name: 'send_batch_id', type: 'uuid', nullable: true })
  sendBatchId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'OPEN' })
  status!: 'OPEN' | 'CLOSED' | 'RELEASED';

  @Column({ name: 'letter_count', type: 'int', default: 0 })
  letterCount!: number;

  /** Where the print provider put it (a folder, an SFTP path). */
  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}

/** One print-ready letter (PDF) in a print batch. */
@Entity({ name: 'mail_print_letter' })
@Index('IDX_mail_print_letter_batch', ['tenantId', 'printBatchId', 'sequence'], { unique: true })
export class MailPrintLetterEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ name: 'print_batch_id', type: 'uuid' })
  printBatchId!: string;

  @Column({ type: 'int' })
  sequence!: number;

  @Column({ name: 'page_count', type: 'int' })
  pageCount!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  /** Null once purged with the message's content. */
  @Column({ type: 'bytea', nullable: true })
  pdf!: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
