import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * A domain event written in the same transaction as the change that caused it (transactional
 * outbox, docs/architecture.md#events-and-background-work), CloudEvents-shaped; the worker publishes it at least once.
 */
@Entity({ name: 'outbox_event' })
@Index('IDX_outbox_event_due', ['tenantId', 'occurredAt', 'id'], { where: 'published_at IS NULL' })
@Index('IDX_outbox_event_published', ['tenantId', 'occurredAt'], { where: 'published_at IS NOT NULL' })
@Index('IDX_outbox_event_dead', ['tenantId', 'deadLetteredAt'], { where: 'dead_lettered_at IS NOT NULL' })
export class OutboxEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** CloudEvents `type`, e.g. se.kommuna.eforms.submission.received */
  @Column({ type: 'varchar', length: 200 })
  type!: string;

  /** CloudEvents `source`: the service that emitted it, e.g. /e-forms */
  @Column({ type: 'varchar', length: 200 })
  source!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Failed delivery attempts so far; the next one waits until next_attempt_at (backoff). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** Why the last attempt failed: a failing event stays visible, never silently dropped. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Set when the attempts were spent: a dead letter, kept with its error until an admin retries it. */
  @Column({ name: 'dead_lettered_at', type: 'timestamptz', nullable: true })
  deadLetteredAt!: Date | null;
}
