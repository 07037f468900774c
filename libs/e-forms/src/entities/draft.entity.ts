import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FormVersionEntity } from './form-version.entity';

/** A citizen's unsubmitted answers, resumable until they expire (the form's retention). */
@Entity({ name: 'eforms_draft' })
@Index('IDX_eforms_draft_subject', ['subjectPartyId'])
export class DraftEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'form_version_id', type: 'uuid' })
  formVersionId!: string;

  @ManyToOne(() => FormVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_eforms_draft_version' },
    { name: 'form_version_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_eforms_draft_version' },
  ])
  formVersion?: FormVersionEntity;

  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
