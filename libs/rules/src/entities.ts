import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';
import type { RuleDefinition } from './definition';

/**
 * One version of a municipality's rule: a JSON Logic condition over an inbound event of one type
 * and an action. Saving a rule adds its next version; a firing names the version that fired.
 */
@Entity({ name: 'rule' })
@Unique('UQ_rule_key_version', ['tenantId', 'key', 'version'])
export class RuleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_rule' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_rule_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_rule' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'int' })
  version!: number;

  /** The rule as written (name, description, eventType, condition, action, enabled). */
  @Column({ type: 'jsonb' })
  definition!: RuleDefinition;

  /** Copied from the definition for the handler's lookup. */
  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** staff:<subject> for a tenant admin, file:<path> for a shipped rule. */
  @Column({ name: 'created_by', type: 'varchar', length: 300 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A rule that fired: the version, the inbound event that caused it, and what the action made. Once per rule and event. */
@Entity({ name: 'rule_firing' })
@Unique('UQ_rule_firing_event', ['tenantId', 'ruleKey', 'inboundEventId'])
@Index('IDX_rule_firing_fired', ['tenantId', 'firedAt'])
export class RuleFiringEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_rule_firing' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_rule_firing_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_rule_firing' })
  id!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @Column({ name: 'rule_key', type: 'varchar', length: 100 })
  ruleKey!: string;

  @Column({ name: 'rule_version', type: 'int' })
  ruleVersion!: number;

  /** Kommuna's id of the inbound event (inbound_event.id). */
  @Column({ name: 'inbound_event_id', type: 'uuid' })
  inboundEventId!: string;

  /** The sender's CloudEvents source, id and type, for reading the log without a join. */
  @Column({ name: 'event_source', type: 'varchar', length: 500 })
  eventSource!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ name: 'action_kind', type: 'varchar', length: 20 })
  actionKind!: string;

  /** What the action made: the task id, or the event id and errand number it published. */
  @Column({ type: 'jsonb' })
  outcome!: Record<string, unknown>;

  @CreateDateColumn({ name: 'fired_at', type: 'timestamptz' })
  firedAt!: Date;
}

/** A task a rule put in a unit's inbox: only that unit's case workers see it (unit secrecy). */
@Entity({ name: 'rule_task' })
@Index('IDX_rule_task_inbox', ['tenantId', 'unit', 'status', 'createdAt'])
export class RuleTaskEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_rule_task' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_rule_task_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_rule_task' })
  id!: string;

  @Column({ name: 'firing_id', type: 'uuid' })
  firingId!: string;

  @Column({ type: 'varchar', length: 100 })
  unit!: string;

  /** { sv, en }, filled from the event. */
  @Column({ type: 'jsonb' })
  title!: { sv: string; en: string };

  @Column({ type: 'jsonb' })
  description!: { sv: string; en: string };

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  /** OPEN or DONE. */
  @Column({ type: 'varchar', length: 10, default: 'OPEN' })
  status!: 'OPEN' | 'DONE';

  @Column({ name: 'done_by', type: 'varchar', length: 200, nullable: true })
  doneBy!: string | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
