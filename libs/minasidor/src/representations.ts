import { Database, PartyRegister } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { UUID } from './case-views';
import { MinasidorValidationError, NotRepresentedError } from './errors';
import { organisationNumber, personNumber } from './subject-identity';

export interface RepresentationInput {
  organisationsnummer: string;
  personnummer: string;
  validFrom?: Date | null;
  /** Null: until further notice. A time in the past ends the representation. */
  validTo?: Date | null;
}

export interface RepresentationView {
  organisationPartyId: string;
  /** The organisation's number (public), so the person can pick the company. */
  organisationsnummer: string;
  personPartyId: string;
  validFrom: Date;
  validTo: Date | null;
}

const ORG_FORMAT = (digits: string) => `${digits.slice(0, 6)}-${digits.slice(6)}`;
const toView = (row: Record<string, any>): RepresentationView => ({
  organisationPartyId: row.organisation_party_id,
  organisationsnummer: ORG_FORMAT(row.organisationsnummer),
  personPartyId: row.person_party_id,
  validFrom: new Date(row.valid_from),
  validTo: row.valid_to ? new Date(row.valid_to) : null,
});

/**
 * The representation register: which people may act for which organisations in Mina sidor.
 * Platform-wide (keyed by party ids, no tenant and no RLS) and maintained by municipalities'
 * systems and admins; the app reads it only for the calling person's own party.
 */
export class Representations {
  constructor(
    private readonly database: Database,
    private readonly parties: PartyRegister,
  ) {}

  /** Registers (or changes the period of) a representation; runs in the registering municipality's context. */
  async register(input: RepresentationInput, registeredBy: string): Promise<RepresentationView> {
    const tenantId = requestContext.tenantId();
    const validFrom = input.validFrom ?? new Date();
    if (input.validTo && input.validTo <= validFrom) {
      throw new MinasidorValidationError('validTo must be after validFrom', [{ field: 'validTo', message: 'after validFrom' }]);
    }
    const organisation = await this.parties.partyIdFor('organisation', organisationNumber(input.organisationsnummer));
    const person = await this.parties.partyIdFor('person', personNumber(input.personnummer));
    const [row] = await this.database.dataSource.query(
      `WITH saved AS (
         INSERT INTO minasidor_representation (organisation_party_id, person_party_id, valid_from, valid_to, registered_by_tenant_id, registered_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organisation_party_id, person_party_id) DO UPDATE
           SET valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
               registered_by_tenant_id = EXCLUDED.registered_by_tenant_id, registered_by = EXCLUDED.registered_by, updated_at = now()
         RETURNING organisation_party_id, person_party_id, valid_from, valid_to)
       SELECT saved.*, p.identity_number AS organisationsnummer FROM saved JOIN party p ON p.id = saved.organisation_party_id`,
      [organisation, person, validFrom, input.validTo ?? null, tenantId, registeredBy.slice(0, 200)],
    );
    return toView(row);
  }

  /** The organisations the person represents now. */
  async currentFor(personPartyId: string): Promise<RepresentationView[]> {
    return (await this.query(personPartyId, true)).map(toView);
  }

  /** Every representation of the person, past and present (for their data export). */
  async allFor(personPartyId: string): Promise<RepresentationView[]> {
    return (await this.query(personPartyId, false)).map(toView);
  }

  /**
   * The organisation party the person may act for, named by organisationsnummer or party id;
   * FORBIDDEN when they do not represent it now.
   */
  async representedOrganisation(personPartyId: string, organisation: string): Promise<string> {
    const key = UUID.test(organisation) ? organisation.toLowerCase() : organisationNumber(organisation, 'asOrganisation');
    const [row] = await this.database.dataSource.query(
      `SELECT r.organisation_party_id FROM minasidor_representation r JOIN party p ON p.id = r.organisation_party_id
        WHERE r.person_party_id = $1 AND (p.id::text = $2 OR p.identity_number = $2)
          AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())`,
      [personPartyId, key],
    );
    if (!row) throw new NotRepresentedError();
    return row.organisation_party_id;
  }

  private query(personPartyId: string, currentOnly: boolean): Promise<Array<Record<string, any>>> {
    return this.database.dataSource.query(
      `SELECT r.organisation_party_id, r.person_party_id, r.valid_from, r.valid_to, p.identity_number AS organisationsnummer
         FROM minasidor_representation r JOIN party p ON p.id = r.organisation_party_id
        WHERE r.person_party_id = $1 ${currentOnly ? 'AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())' : ''}
        ORDER BY r.valid_from, r.organisation_party_id`,
      [personPartyId],
    );
  }
}
