import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

export type WebhookSubscriptionStatus = 'ACTIVE' | 'DISABLED';
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * A municipality's webhook: where its events of the chosen types are delivered, signed with its
 * secret (Standard Webhooks).
 */
@Entity({ name: 'webhook_subscription' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** CloudEvents types (versioned, e.g. se.kommuna.eforms.submission.received.v1). */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  /**
   * whsec_<base64 key>, stored as it is: HMAC signing needs the key itself, so it cannot be
   * hashed, and an application-level key would sit beside it in the same process. Row-level
   * security confines it to its municipality, no read returns it (it is shown once, at creation),
   * and at rest it has the database volume's encryption, like the events it signs.
   */
  @Column({ type: 'varchar', length: 200 })
  secret!: string;

  /** ACTIVE or DISABLED (by its admin, or after persistent failure: disabled_reason says which). */
  @Column({ type: 'varchar', length: 20, default: 'ACTIVE' })
  status!: WebhookSubscriptionStatus;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * One event for one subscription: the queue row the delivery loop claims (FOR UPDATE SKIP LOCKED)
 * and the delivery log. Its id is the webhook-id: every attempt and replay carries the same one.
 * The body is not kept here but in the event log (webhook_event), once per event. Its indexes
 * cover only columns a successful delivery's record leaves as they are (not status, claim or
 * outcome), so a fan-out's delivery handed straight to the worker in the same process (next
 * attempt null, held under a webhook_hand_over lease) is recorded as a HOT update: no index entry
 * written (docs/adr/0002-benchmark-driven-changes.md, the hand-over).
 */
@Entity({ name: 'webhook_delivery' })
@Unique('UQ_webhook_delivery_event', ['tenantId', 'eventId', 'subscriptionId'])
// Queued rows only: due, retrying, leased by a claim, parked ('infinity'); null once finished or while handed over.
@Index('IDX_webhook_delivery_due', ['tenantId', 'nextAttemptAt'], { where: `next_attempt_at IS NOT NULL` })
@Index('IDX_webhook_delivery_log', ['tenantId', 'subscriptionId', 'createdAt'])
// The delivery log's housekeeping: a municipality's deliveries oldest event first (finished ones are picked from them).
@Index('IDX_webhook_delivery_event_time', ['tenantId', 'eventTime'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId!: string;

  @ManyToOne(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'subscription_id', referencedColumnName: 'id' },
  ])
  subscription?: WebhookSubscriptionEntity;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** The CloudEvents type, for the log. */
  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ name: 'event_time', type: 'timestamptz' })
  eventTime!: Date;

  /** PENDING, DELIVERED or FAILED (every attempt of the retry schedule failed). */
  @Column({ type: 'varchar', length: 20, default: 'PENDING' })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /**
   * When it is due (or, claimed, when the claim's lease ends; 'infinity' while its subscription is
   * disabled). Null once it is finished, and while a fan-out's hand-over holds it (the lease is then
   * the webhook_hand_over row named by claim_id).
   */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true, default: () => 'now()' })
  nextAttemptAt!: Date | null;

  /** The claim or hand-over holding it while it is sent; null when none. */
  @Column({ name: 'claim_id', type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * The webhook event log: every published event a subscription could name, as the structured-mode
 * CloudEvent it is sent as, kept for its own retention (KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS,
 * default 90 days) independent of the outbox's (7 days) and of any delivery, so a replay reaches
 * back that far, also to events a subscription never had.
 */
@Entity({ name: 'webhook_event' })
@Index('IDX_webhook_event_time', ['tenantId', 'eventTime'])
export class WebhookEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_webhook_event' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_webhook_event_tenant' })
  tenant?: TenantEntity;

  /** The event's id (the outbox event's, the CloudEvent's id). */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_webhook_event' })
  id!: string;

  /** The CloudEvents type (versioned). */
  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ name: 'event_time', type: 'timestamptz' })
  eventTime!: Date;

  /** The structured-mode CloudEvent, the bytes every subscription is sent. */
  @Column({ type: 'text' })
  body!: string;
}

/**
 * A fan-out's deliveries handed straight to the delivery worker of the same process: its lease.
 * The deliveries (claim_id = this id, next attempt null) are held by that worker while the lease
 * is renewed; the row goes once all are recorded. Should the worker die, any worker finds the
 * lease run out and puts the deliveries still unrecorded back in the queue, due at once, under
 * their own ids (webhook-ids).
 */
@Entity({ name: 'webhook_hand_over' })
export class WebhookHandOverEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_webhook_hand_over' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_webhook_hand_over_tenant' })
  tenant?: TenantEntity;

  /** The claim id its deliveries carry. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_webhook_hand_over' })
  id!: string;

  /** The events whose deliveries it holds (found by UQ_webhook_delivery_event, which leads with the event). */
  @Column({ name: 'event_ids', type: 'uuid', array: true })
  eventIds!: string[];

  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;
}
