import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TenantStatus = 'active' | 'suspended' | 'closed';

/** A member municipality, upserted from its tenants/<slug>/tenant.yaml at start-up. */
@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 41, unique: true })
  slug!: string;

  @Column({ type: 'char', length: 4, unique: true })
  kommunkod!: string;

  @Column({ type: 'varchar', length: 11 })
  organisationsnummer!: string;

  @Column({ name: 'name_sv', type: 'text' })
  nameSv!: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn!: string;

  @Column({ name: 'enabled_services', type: 'text', array: true, default: () => "'{}'" })
  enabledServices!: string[];

  /** The whole validated tenant.yaml, so every service reads the same settings the file held. */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
