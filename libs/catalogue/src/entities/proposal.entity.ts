import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';

/**
 * A shared service a member proposes, to build here, to procure together, or one a member already
 * runs and offers to share (a robot, an AI platform). Platform-level and append-only: what changes
 * is recorded as interest and decisions beside it.
 */
@Entity({ name: 'catalogue_proposal' })
@Check('CHK_catalogue_proposal_origin', `origin IN ('build', 'procure', 'existing')`)
export class ProposalEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_catalogue_proposal' })
  id!: string;

  @Column({ name: 'title_sv', type: 'varchar', length: 200 })
  titleSv!: string;

  @Column({ name: 'title_en', type: 'varchar', length: 200 })
  titleEn!: string;

  @Column({ name: 'description_sv', type: 'text' })
  descriptionSv!: string;

  @Column({ name: 'description_en', type: 'text' })
  descriptionEn!: string;

  /** build: made here as a shared library; procure: bought together; existing: a member's own, offered to share. */
  @Column({ type: 'varchar', length: 16 })
  origin!: 'build' | 'procure' | 'existing';

  /** The product's supplier, for procured and existing services. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  supplier!: string | null;

  /** What the proposer expects it to cost a year, whole kronor. */
  @Column({ name: 'estimated_yearly_cost_sek', type: 'integer', nullable: true })
  estimatedYearlyCostSek!: number | null;

  /** The member municipality that proposes it (tenant slug). */
  @Column({ name: 'proposed_by', type: 'varchar', length: 63 })
  proposedBy!: string;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;
}
