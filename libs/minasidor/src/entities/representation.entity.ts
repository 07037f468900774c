import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PartyEntity, TenantEntity } from '@kommuna/platform-persistence';

/**
 * Where a representation comes from: a municipality that registered it (it reaches only that
 * municipality's cases), or an authoritative source (the companies register, the eID broker's
 * mandate), which reaches every member municipality's cases.
 */
export type RepresentationSource = 'municipality' | 'companies_register' | 'eid_mandate';

/**
 * That a person may act for an organisation in Mina sidor (company mode). Platform-wide, like the
 * party register (no tenant_id, no RLS): the app only ever reads it for the caller's own person
 * party. Each registering municipality has its own row for a pair, which only it may change
 * (docs/minasidor.md).
 */
@Entity({ name: 'minasidor_representation' })
@Index('UQ_minasidor_representation_municipality', ['organisationPartyId', 'personPartyId', 'registeredByTenantId'], {
  unique: true,
  where: 'registered_by_tenant_id IS NOT NULL',
})
@Index('UQ_minasidor_representation_authoritative', ['organisationPartyId', 'personPartyId', 'source'], {
  unique: true,
  where: 'registered_by_tenant_id IS NULL',
})
@Index('IDX_minasidor_representation_person', ['personPartyId'])
@Check('CHK_minasidor_representation_period', `valid_to IS NULL OR valid_to > valid_from`)
@Check('CHK_minasidor_representation_source', `source IN ('municipality', 'companies_register', 'eid_mandate')`)
@Check('CHK_minasidor_representation_registrar', `(source = 'municipality') = (registered_by_tenant_id IS NOT NULL)`)
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

  @Column({ type: 'varchar', length: 32 })
  source!: RepresentationSource;

  /** The municipality that registered it and alone may change it; null for an authoritative source. */
  @Column({ name: 'registered_by_tenant_id', type: 'uuid', nullable: true })
  registeredByTenantId!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'registered_by_tenant_id', foreignKeyConstraintName: 'FK_minasidor_representation_tenant' })
  registeredByTenant?: TenantEntity;

  /** Who last changed it, as the audit trail names actors (service:<client>, staff:<subject>, system:<feed>). */
  @Column({ name: 'registered_by', type: 'varchar', length: 200 })
  registeredBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
