import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/** The last errand number taken per tenant, prefix and (Swedish) year. */
@Entity({ name: 'eforms_errand_counter' })
export class ErrandCounterEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_eforms_errand_counter_tenant' })
  tenant?: TenantEntity;

  @PrimaryColumn({ type: 'varchar', length: 6 })
  prefix!: string;

  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ name: 'last_value', type: 'int' })
  lastValue!: number;
}
