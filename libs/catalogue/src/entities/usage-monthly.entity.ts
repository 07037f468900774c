import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/**
 * Metered use per municipality, service, metric and month: counts only, never who or what.
 * Tenant-owned (row-level security); the steering group reads it across municipalities only
 * through catalogue_usage_between(), which returns these aggregates.
 */
@Entity({ name: 'catalogue_usage_monthly' })
@Check('CHK_catalogue_usage_monthly_count', 'count >= 0')
@Check('CHK_catalogue_usage_monthly_month', `month = date_trunc('month', month)::date`)
export class UsageMonthlyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_catalogue_usage_monthly' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_catalogue_usage_monthly_tenant' })
  tenant?: TenantEntity;

  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_catalogue_usage_monthly' })
  service!: string;

  @PrimaryColumn({ type: 'varchar', length: 60, primaryKeyConstraintName: 'PK_catalogue_usage_monthly' })
  metric!: string;

  /** The first day of the month (Stockholm time). */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_catalogue_usage_monthly' })
  month!: string;

  @Column({ type: 'bigint', default: 0 })
  count!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
