import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PartyKind = 'person' | 'organisation';

/**
 * The platform-wide party register (docs/architecture.md#tenancy): an opaque id for a person (personnummer or
 * samordningsnummer) or an organisation (organisationsnummer). Everything else refers to the id;
 * the identity number stays here and at the edges.
 */
@Entity({ name: 'party' })
@Check('CHK_party_kind', "kind IN ('person', 'organisation')")
export class PartyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: PartyKind;

  /** Normalised: 12 digits for people (YYYYMMDDNNNN), 10 for organisations. */
  @Column({ name: 'identity_number', type: 'varchar', length: 12, unique: true })
  identityNumber!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
