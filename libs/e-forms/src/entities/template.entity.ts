import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '@kommuna/platform-persistence';
import type { FormDefinition } from '../definition';

/**
 * A form version a municipality has published for every member to adopt. A deliberate
 * cross-tenant publication: every tenant may read it, only the publisher may write it (RLS),
 * and it holds the definition alone, never citizens' data.
 */
@Entity({ name: 'eforms_template' })
@Unique('UQ_eforms_template_version', ['publisherTenantId', 'slug', 'major', 'minor'])
export class TemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'publisher_tenant_id', type: 'uuid' })
  publisherTenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'publisher_tenant_id', foreignKeyConstraintName: 'FK_eforms_template_publisher' })
  publisher?: TenantEntity;

  @Column({ type: 'varchar', length: 60 })
  slug!: string;

  @Column({ type: 'int' })
  major!: number;

  @Column({ type: 'int' })
  minor!: number;

  @Column({ type: 'varchar', length: 60 })
  unit!: string;

  @Column({ type: 'text' })
  changelog!: string;

  @Column({ type: 'jsonb' })
  definition!: FormDefinition;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
