import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/**
 * An inbound event type a municipality registered for its own systems and sensors, beside the
 * shared ones (INBOUND_EVENT_CONTRACTS): its CloudEvents type and the JSON Schema of its data.
 */
@Entity({ name: 'inbound_event_type' })
export class InboundEventTypeEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_inbound_event_type' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_inbound_event_type_tenant' })
  tenant?: TenantEntity;

  /** Versioned reverse-DNS, e.g. se.sundsvall.va.leak-detected.v1: a changed schema is a new version. */
  @PrimaryColumn({ name: 'cloud_event_type', type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_inbound_event_type' })
  cloudEventType!: string;

  @Column({ type: 'varchar', length: 500 })
  summary!: string;

  @Column({ name: 'data_schema', type: 'jsonb' })
  dataSchema!: Record<string, unknown>;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * An event a municipal system or sensor delivered, checked against its type and stored once: a
 * second delivery of the same source and id is recognised (idempotent), never stored twice.
 */
@Entity({ name: 'inbound_event' })
@Unique('UQ_inbound_event_source_id', ['tenantId', 'source', 'eventId'])
@Index('IDX_inbound_event_received', ['tenantId', 'receivedAt'])
export class InboundEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_inbound_event' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_inbound_event_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_inbound_event' })
  id!: string;

  /** The CloudEvents source (a URI reference) as the sender gave it. */
  @Column({ type: 'varchar', length: 500 })
  source!: string;

  /** The CloudEvents id, unique per source. */
  @Column({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 200 })
  type!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  subject!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  time!: Date | null;

  /** As the type's schema accepted it, identity numbers replaced by party ids. */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /** http or nats. */
  @Column({ name: 'received_via', type: 'varchar', length: 10 })
  receivedVia!: string;

  /** The service account's client id, or the NATS subject. */
  @Column({ name: 'received_from', type: 'varchar', length: 300 })
  receivedFrom!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
