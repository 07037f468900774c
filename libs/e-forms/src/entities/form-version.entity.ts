import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { FormDefinition } from '../definition';
import { FormEntity } from './form.entity';

export type FormVersionStatus = 'draft' | 'published' | 'retired';

/**
 * One version (major.minor) of a form. A published version is immutable (the service refuses,
 * and a trigger stops any UPDATE but published → retired); changes make a new version.
 */
@Entity({ name: 'eforms_form_version' })
@Unique('UQ_eforms_form_version_number', ['tenantId', 'formId', 'major', 'minor'])
@Check('CHK_eforms_form_version_status', "status IN ('draft', 'published', 'retired')")
@Check('CHK_eforms_form_version_number', 'major >= 1 AND minor >= 0')
export class FormVersionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'form_id', type: 'uuid' })
  formId!: string;

  @ManyToOne(() => FormEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_eforms_form_version_form' },
    { name: 'form_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_eforms_form_version_form' },
  ])
  form?: FormEntity;

  @Column({ type: 'int' })
  major!: number;

  @Column({ type: 'int' })
  minor!: number;

  @Column({ type: 'text' })
  changelog!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: FormVersionStatus;

  /** The checked definition: texts, steps, data schema, logic, attachment and decision rules. */
  @Column({ type: 'jsonb' })
  definition!: FormDefinition;

  /** Provenance: the template version (eforms_template.id) this version was copied from. */
  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
