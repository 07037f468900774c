import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { PartyEntity } from '@kommuna/platform-persistence';

/**
 * That a person may act for an organisation in Mina sidor (company mode). Platform-wide, like the
 * party register: representing a company is not one municipality's data. No tenant_id, no RLS;
 * the app only ever reads it for the caller's own person party (docs/minasidor.md).
 */
@Entity({ name: 'minasidor_representation' })
@Unique('UQ_minasidor_representation_pair', ['organisationPartyId', 'personPartyId'])
@Index('IDX_minasidor_representation_person', ['personPartyId'])
@Check('CHK_minasidor_representation_period', `valid_to IS NULL OR valid_to > valid_from`)
export class RepresentationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_minasidor_representation' })
  id!: string;

  @Column({ name: 'organisation_party_id', type: 'uuid' })
  organisationPartyId!: string;

  @ManyToOne(() => PartyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_party_id', foreignKeyConstraintName: 'FK_minasidor_representation_organisation' })
  organisation?: PartyEntity;

  @Column({ name: 'person_party_id', type: 'uuid' })
  personPartyId!: string;

  @ManyToOne(() => PartyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_party_id', foreignKeyConstraintName: 'FK_minasidor_representation_person' })
  person?: PartyEntity;

  @Column({ name: 'valid_from', type: 'timestamptz', default: () => 'now()' })
  validFrom!: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo!: Date | null;

  /** Which municipality's system or admin last registered it, and who (client id or subject). */
  @Column({ name: 'registered_by_tenant_id', type: 'uuid' })
  registeredByTenantId!: string;

  @Column({ name: 'registered_by', type: 'varchar', length: 200 })
  registeredBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
