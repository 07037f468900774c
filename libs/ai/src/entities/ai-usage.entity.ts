import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AiModelEntity } from './ai-model.entity';

/**
 * What a municipality's models were used for in a day (Stockholm time): the requests answered,
 * their tokens and the seconds of audio transcribed. Quotas are checked against it.
 */
@Entity({ name: 'ai_usage' })
export class AiUsageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_usage' })
  tenantId!: string;

  @PrimaryColumn({ name: 'model_id', type: 'uuid', primaryKeyConstraintName: 'PK_ai_usage' })
  modelId!: string;

  @ManyToOne(() => AiModelEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'FK_ai_usage_model' },
    { name: 'model_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_ai_usage_model' },
  ])
  model?: AiModelEntity;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_ai_usage' })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  requests!: number;

  @Column({ type: 'bigint', default: 0 })
  tokens!: string;

  @Column({ name: 'audio_seconds', type: 'numeric', precision: 12, scale: 2, default: 0 })
  audioSeconds!: string;
}
