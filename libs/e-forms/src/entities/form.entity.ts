import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';

/** A form family of one municipality: a stable slug, the unit that handles it, and where it came from. */
@Entity({ name: 'eforms_form' })
@Unique('UQ_eforms_form_slug', ['tenantId', 'slug'])
export class FormEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_eforms_form_tenant' })
  tenant?: TenantEntity;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 60 })
  slug!: string;

  /** The handling unit (secrecy boundary), e.g. socialtjanst, skola, samhallsbyggnad. */
  @Column({ type: 'varchar', length: 60 })
  unit!: string;

  /** Adopted forms: the publishing municipality and slug of the template family. */
  @Column({ name: 'template_publisher_tenant_id', type: 'uuid', nullable: true })
  templatePublisherTenantId!: string | null;

  @Column({ name: 'template_slug', type: 'varchar', length: 60, nullable: true })
  templateSlug!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
