import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CaseEntity } from './case.entity';

export type MessageAuthor = 'citizen' | 'municipality';

/** One message in a case's thread; `read_at` is set when the other side has read it. */
@Entity({ name: 'minasidor_message' })
@Unique('UQ_minasidor_message_external', ['tenantId', 'caseId', 'externalMessageId'])
@Index('IDX_minasidor_message_case', ['tenantId', 'caseId', 'sentAt'])
@Index('IDX_minasidor_message_subject', ['subjectPartyId'])
@Check('CHK_minasidor_message_author', `author IN ('citizen', 'municipality')`)
export class MessageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_message' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_message' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'case_id', referencedColumnName: 'id' },
  ])
  case?: CaseEntity;

  @Column({ name: 'subject_party_id', type: 'uuid' })
  subjectPartyId!: string;

  @Column({ type: 'varchar', length: 16 })
  author!: MessageAuthor;

  /** Who wrote a citizen reply: the person, also when they act for a company (company mode). */
  @Column({ name: 'author_party_id', type: 'uuid', nullable: true })
  authorPartyId!: string | null;

  @Column({ type: 'text' })
  body!: string;

  /** A municipal system's id of the message (idempotent posting); null for citizens' replies. */
  @Column({ name: 'external_message_id', type: 'varchar', length: 200, nullable: true })
  externalMessageId!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', default: () => 'now()' })
  sentAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}
