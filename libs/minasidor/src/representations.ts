import type { EntityManager } from 'typeorm';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, PartyRegister } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { CaseMunicipality, UUID } from './case-views';
import type { RepresentationSource } from './entities/representation.entity';
import { MinasidorValidationError, NotRepresentedError, RepresentationNotFoundError } from './errors';
import { Municipalities } from './municipalities';
import { organisationNumber, personNumber } from './subject-identity';

export interface RepresentationInput {
  organisationsnummer: string;
  personnummer: string;
  /** Default: the current row's start, or now for a new one. */
  validFrom?: Date | null;
  /** Null: until further notice. A time in the past ends the representation. */
  validTo?: Date | null;
}

export interface RepresentationView {
  id: string;
  organisationPartyId: string;
  /** The organisation's number (public), so the person can pick the company. */
  organisationsnummer: string;
  personPartyId: string;
  validFrom: Date;
  validTo: Date | null;
  source: RepresentationSource;
  /** The municipality that registered it, whose cases alone it reaches; null: an authoritative source, every municipality. */
  municipality: CaseMunicipality | null;
}

/** The organisation a person acts for in company mode, and where: `tenantIds` null means every member municipality. */
export interface RepresentedOrganisation {
  partyId: string;
  tenantIds: string[] | null;
}

const ORG_FORMAT = (digits: string) => `${digits.slice(0, 6)}-${digits.slice(6)}`;
const CURRENT = `r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())`;
const COLUMNS = `r.id, r.organisation_party_id, r.person_party_id, r.valid_from, r.valid_to, r.source, r.registered_by_tenant_id`;
/** A row as COLUMNS (plus the organisation's number) selects it. */
interface RepresentationRow {
  id: string;
  organisation_party_id: string;
  person_party_id: string;
  valid_from: Date | string;
  valid_to: Date | string | null;
  source: RepresentationSource;
  registered_by_tenant_id: string | null;
  organisationsnummer: string;
}
type PreviousPeriod = Pick<RepresentationRow, 'id' | 'valid_from' | 'valid_to'>;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * The representation register: which people may act for which organisations in Mina sidor.
 * Platform-wide (keyed by party ids, no tenant and no RLS); the app reads it only for the calling
 * person's own party. A municipality registers, changes and ends only its own rows, which reach
 * only its own cases (it can disclose nothing it does not already hold); rows from an
 * authoritative source (companies register, eID mandate) reach every member municipality. Every
 * change is in the registering municipality's hash-chained audit trail.
 */
export class Representations {
  constructor(
    private readonly database: Database,
    private readonly parties: PartyRegister,
    private readonly municipalities: Municipalities,
  ) {}

  /**
   * Registers, changes the period of, or (with a past `validTo`) ends the current municipality's
   * own registration of the pair; another municipality's row, or an authoritative one, is never
   * touched. Ending a registration this municipality does not have is NOT_FOUND.
   */
  async register(input: RepresentationInput, registeredBy: string): Promise<RepresentationView> {
    const tenantId = requestContext.tenantId();
    for (const field of ['validFrom', 'validTo'] as const) {
      const value = input[field];
      // Years the database and people can mean: a year 200000 date is junk, not a period.
      if (
        value !== null &&
        value !== undefined &&
        !(value instanceof Date && value.getUTCFullYear() >= 1900 && value.getUTCFullYear() <= 9999)
      ) {
        throw new MinasidorValidationError(`${field} is not a time between the years 1900 and 9999`, [
          { field, message: 'a time in 1900-9999' },
        ]);
      }
    }
    const organisationsnummer = organisationNumber(input.organisationsnummer);
    const organisation = await this.parties.partyIdFor('organisation', organisationsnummer);
    const person = await this.parties.partyIdFor('person', personNumber(input.personnummer));
    const actor = registeredBy.slice(0, 200);
    return this.database.transaction(async (em) => {
      // One change at a time per registration, so the audit entry's "previous" is what it replaced.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('minasidor_representation:' || $1 || ':' || $2 || ':' || $3, 0))`, [
        organisation,
        person,
        tenantId,
      ]);
      const [previous]: Array<PreviousPeriod | undefined> = await em.query(
        `SELECT id, valid_from, valid_to FROM minasidor_representation
          WHERE organisation_party_id = $1 AND person_party_id = $2 AND registered_by_tenant_id = $3`,
        [organisation, person, tenantId],
      );
      const now = new Date();
      const validFrom = input.validFrom ?? (previous ? new Date(previous.valid_from) : now);
      const validTo = input.validTo ?? null;
      if (validTo && validTo <= validFrom) {
        throw new MinasidorValidationError('validTo must be after validFrom', [{ field: 'validTo', message: 'after validFrom' }]);
      }
      const ends = validTo !== null && validTo <= now;
      if (ends && !previous) throw new RepresentationNotFoundError();
      // The same period again (e.g. a system's nightly resend) is a replay: nothing to change or audit.
      if (previous && iso(previous.valid_from) === iso(validFrom) && iso(previous.valid_to) === iso(validTo)) {
        const [same]: Array<Omit<RepresentationRow, 'organisationsnummer'>> = await em.query(
          `SELECT ${COLUMNS} FROM minasidor_representation r WHERE r.id = $1`,
          [previous.id],
        );
        return this.toView({ ...same, organisationsnummer });
      }
      const [row]: Array<Omit<RepresentationRow, 'organisationsnummer'>> = await em.query(
        `INSERT INTO minasidor_representation (organisation_party_id, person_party_id, valid_from, valid_to, source, registered_by_tenant_id, registered_by)
         VALUES ($1, $2, $3, $4, 'municipality', $5, $6)
         ON CONFLICT (organisation_party_id, person_party_id, registered_by_tenant_id) WHERE registered_by_tenant_id IS NOT NULL
         DO UPDATE SET valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to, registered_by = EXCLUDED.registered_by, updated_at = now()
         RETURNING id, organisation_party_id, person_party_id, valid_from, valid_to, source, registered_by_tenant_id`,
        [organisation, person, validFrom, validTo, tenantId, actor],
      );
      await this.audit(em, actor, ends ? 'minasidor.representation.ended' : 'minasidor.representation.registered', row, previous);
      return this.toView({ ...row, organisationsnummer });
    });
  }

  /** The organisations the person represents now (one entry per registering municipality or source). */
  async currentFor(personPartyId: string): Promise<RepresentationView[]> {
    return (await this.query(personPartyId, true)).map((row) => this.toView(row));
  }

  /** Every representation of the person, past and present (for their data export). */
  async allFor(personPartyId: string): Promise<RepresentationView[]> {
    return (await this.query(personPartyId, false)).map((row) => this.toView(row));
  }

  /**
   * The organisation party the person may act for, named by organisationsnummer or party id, and
   * the municipalities whose cases of it they may see; FORBIDDEN when they do not represent it now.
   */
  async representedOrganisation(personPartyId: string, organisation: string): Promise<RepresentedOrganisation> {
    const key = UUID.test(organisation) ? organisation.toLowerCase() : organisationNumber(organisation, 'asOrganisation');
    const rows: Array<{ organisation_party_id: string; registered_by_tenant_id: string | null }> = await this.database.dataSource.query(
      `SELECT r.organisation_party_id, r.registered_by_tenant_id FROM minasidor_representation r JOIN party p ON p.id = r.organisation_party_id
        WHERE r.person_party_id = $1 AND (p.id::text = $2 OR p.identity_number = $2) AND ${CURRENT}`,
      [personPartyId, key],
    );
    if (rows.length === 0) throw new NotRepresentedError();
    const everywhere = rows.some((row) => row.registered_by_tenant_id === null);
    return {
      partyId: rows[0].organisation_party_id,
      tenantIds: everywhere ? null : [...new Set(rows.map((row) => row.registered_by_tenant_id as string))],
    };
  }

  private async audit(
    em: EntityManager,
    actor: string,
    action: string,
    row: Omit<RepresentationRow, 'organisationsnummer'>,
    previous: PreviousPeriod | undefined,
  ): Promise<void> {
    // Party ids only: no identity number goes into the trail.
    await appendAuditEntry(em, {
      actor,
      action,
      targetType: 'minasidor_representation',
      targetId: row.id,
      details: {
        organisationPartyId: row.organisation_party_id,
        personPartyId: row.person_party_id,
        validFrom: iso(row.valid_from),
        validTo: iso(row.valid_to),
        previous: previous ? { validFrom: iso(previous.valid_from), validTo: iso(previous.valid_to) } : null,
      },
    });
  }

  private query(personPartyId: string, currentOnly: boolean): Promise<RepresentationRow[]> {
    return this.database.dataSource.query(
      `SELECT ${COLUMNS}, p.identity_number AS organisationsnummer
         FROM minasidor_representation r JOIN party p ON p.id = r.organisation_party_id
        WHERE r.person_party_id = $1 ${currentOnly ? `AND ${CURRENT}` : ''}
        ORDER BY r.valid_from, r.organisation_party_id, r.id`,
      [personPartyId],
    );
  }

  private toView(row: RepresentationRow): RepresentationView {
    return {
      id: row.id,
      organisationPartyId: row.organisation_party_id,
      organisationsnummer: ORG_FORMAT(row.organisationsnummer),
      personPartyId: row.person_party_id,
      validFrom: new Date(row.valid_from),
      validTo: row.valid_to ? new Date(row.valid_to) : null,
      source: row.source,
      municipality: row.registered_by_tenant_id ? this.municipalities.municipalityOf(row.registered_by_tenant_id) : null,
    };
  }
}
