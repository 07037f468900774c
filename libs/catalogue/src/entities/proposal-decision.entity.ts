import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_AS_ISO } from '@kommuna/platform-persistence';
import { ProposalEntity } from './proposal.entity';

/** The steering group's decision on a proposal, with its diary number; append-only, the latest stands. */
@Entity({ name: 'catalogue_proposal_decision' })
@Index('IDX_catalogue_proposal_decision_proposal', ['proposalId', 'recordedAt'])
@Check('CHK_catalogue_proposal_decision_outcome', `outcome IN ('accepted', 'rejected', 'postponed')`)
export class ProposalDecisionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_catalogue_proposal_decision' })
  id!: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'accepted' | 'rejected' | 'postponed';

  @Column({ name: 'decided_on', type: 'date' })
  decidedOn!: string;

  /** Diarienummer, e.g. "KS 2026/45". */
  @Column({ name: 'diary_number', type: 'varchar', length: 60 })
  diaryNumber!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  /** ISO 8601 (UTC). */
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz', transformer: TIMESTAMP_AS_ISO })
  recordedAt!: string;

  @ManyToOne(() => ProposalEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'FK_catalogue_proposal_decision_proposal' })
  proposal?: ProposalEntity;
}
