import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/**
 * An e-forms event about a submission whose case Mina sidor does not have yet (a decision made in
 * the same transaction as the submission may be delivered first). It waits here, in Mina sidor's
 * own table, until the submission's own event makes the case; then it is applied and deleted.
 */
@Entity({ name: 'minasidor_waiting_submission_event' })
@Index('IDX_minasidor_waiting_submission_event_submission', ['tenantId', 'submissionId', 'occurredAt'])
export class WaitingSubmissionEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_waiting_submission_event' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_minasidor_waiting_submission_event_tenant' })
  tenant?: TenantEntity;

  /** The event's own id: a redelivered event waits once. */
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_waiting_submission_event' })
  eventId!: string;

  /** The e-forms submission the event is about (the case's external id). */
  @Column({ name: 'submission_id', type: 'varchar', length: 200 })
  submissionId!: string;

  @Column({ type: 'varchar', length: 200 })
  type!: string;

  /** The event's data, as its contract in service-contracts has it. */
  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
