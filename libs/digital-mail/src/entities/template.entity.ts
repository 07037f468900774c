import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One version of a tenant's letter template; a new version is a new row, never an edit. */
@Entity({ name: 'mail_template' })
@Index('UQ_mail_template_version', ['tenantId', 'name', 'version'], { unique: true })
@Check('CHK_mail_template_values', `body_format IN ('TEXT', 'HTML') AND version >= 1`)
export class MailTemplateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'int' })
  version!: number;

  /** { sv, en } */
  @Column({ type: 'jsonb' })
  subject!: { sv: string; en: string };

  /** { sv, en } */
  @Column({ type: 'jsonb' })
  body!: { sv: string; en: string };

  @Column({ name: 'body_format', type: 'varchar', length: 8 })
  bodyFormat!: 'TEXT' | 'HTML';

  @Column({ type: 'jsonb' })
  placeholders!: string[];

  /** The unit whose template this is (unit secrecy: only its case workers use it); null: the whole municipality's. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  department!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
