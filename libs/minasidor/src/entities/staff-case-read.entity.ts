import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CaseEntity } from './case.entity';

/** Audit of staff reading a case (who, when, which case). Append-only: the app may not change it. */
@Entity({ name: 'minasidor_staff_case_read' })
@Index('IDX_minasidor_staff_case_read_case', ['tenantId', 'caseId', 'readAt'])
export class StaffCaseReadEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'PK_minasidor_staff_case_read' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_staff_case_read' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'case_id', referencedColumnName: 'id' },
  ])
  case?: CaseEntity;

  /** The staff member's token subject (stable per realm). */
  @Column({ name: 'staff_subject', type: 'varchar', length: 200 })
  staffSubject!: string;

  @Column({ name: 'staff_unit', type: 'varchar', length: 64, nullable: true })
  staffUnit!: string | null;

  @Column({ name: 'read_at', type: 'timestamptz', default: () => 'now()' })
  readAt!: Date;
}
