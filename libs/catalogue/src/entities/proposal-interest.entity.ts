import { Column, CreateDateColumn, Entity, ManyToOne, JoinColumn, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';
import { ProposalEntity } from './proposal.entity';

/** A member's interest in a proposal: once per member (append-only), with what it would use it for. */
@Entity({ name: 'catalogue_proposal_interest' })
export class ProposalInterestEntity {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid', primaryKeyConstraintName: 'PK_catalogue_proposal_interest' })
  proposalId!: string;

  @PrimaryColumn({ type: 'varchar', length: 63, primaryKeyConstraintName: 'PK_catalogue_proposal_interest' })
  municipality!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;

  @ManyToOne(() => ProposalEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'FK_catalogue_proposal_interest_proposal' })
  proposal?: ProposalEntity;
}
