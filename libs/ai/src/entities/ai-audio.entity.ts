import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { AiDraftEntity } from './ai-draft.entity';

/** A call recording behind a draft note, kept for the reviewer and deleted once the note is reviewed. */
@Entity({ name: 'ai_audio' })
export class AiAudioEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_audio' })
  tenantId!: string;

  @PrimaryColumn({ name: 'draft_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_audio' })
  draftId!: string;

  @OneToOne(() => AiDraftEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'draft_id', referencedColumnName: 'id' },
  ])
  draft?: AiDraftEntity;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType!: string;

  @Column({ type: 'bytea' })
  content!: Buffer;
}
