import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';

/**
 * The delivery of one message, and the job that drives it: `stage` says which step is next,
 * `next_attempt_at` when (also the lease of a claimed job), `claim_id` who holds it. The
 * recipient's identity number lives only here, while delivery needs it, and is cleared once
 * the delivery is final.
 */
@Entity({ name: 'mail_delivery' })
@Index('IDX_mail_delivery_due', ['tenantId', 'stage', 'nextAttemptAt'], { where: 'completed_at IS NULL' })
@Index('IDX_mail_delivery_batch', ['tenantId', 'sendBatchId', 'status'])
@Index('IDX_mail_delivery_print_batch', ['tenantId', 'printBatchId'])
// Monthly statistics: a range of months read from the index alone.
@Index('IDX_mail_delivery_created', ['tenantId', 'createdAt', 'department', 'status', 'channel'])
@Check(
  'CHK_mail_delivery_values',
  `status IN ('PENDING', 'SENT', 'NOT_SENT', 'FAILED', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND') AND stage IN ('REACHABILITY', 'DIGITAL', 'PAPER', 'PRINT', 'DONE') AND (channel IS NULL OR channel IN ('digital', 'paper')) AND ((stage = 'DONE') = (completed_at IS NOT NULL)) AND (stage = 'DONE' OR status = 'PENDING')`,
)
export class MailDeliveryEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ name: 'recipient_party_id', type: 'uuid' })
  recipientPartyId!: string;

  @Column({ name: 'recipient_number', type: 'varchar', length: 12, nullable: true })
  recipientNumber!: string | null;

  @Column({ type: 'varchar', length: 32 })
  status!: MailDeliveryStatus;

  @Column({ name: 'status_detail', type: 'text', nullable: true })
  statusDetail!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  channel!: 'digital' | 'paper' | null;

  @Column({ type: 'varchar', length: 16 })
  stage!: string;

  @Column({ name: 'mailbox_operator', type: 'varchar', length: 100, nullable: true })
  mailboxOperator!: string | null;

  @Column({ name: 'operator_transaction_id', type: 'varchar', length: 200, nullable: true })
  operatorTransactionId!: string | null;

  @Column({ name: 'print_batch_id', type: 'uuid', nullable: true })
  printBatchId!: string | null;

  @Column({ name: 'send_batch_id', type: 'uuid', nullable: true })
  sendBatchId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  department!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'claim_id', type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
