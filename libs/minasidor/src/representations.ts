import { Database, PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { CaseMunicipality, UUID } from './case-views';
import type { RepresentationSource } from './entities/representation.entity';
import { NotRepresentedError } from './errors';
import { MemoryRepresentationCache, RepresentationCache } from './mina-ombud/cache';
import { MinaOmbudConnections, MinaOmbudEnvironment, minaOmbudEnvironmentFromEnv } from './mina-ombud/connections';
import { RepresentationUnverifiedError } from './mina-ombud/errors';
import { Municipalities } from './municipalities';
import { organisationNumber } from './subject-identity';

/** Whom a power of attorney in Mina ombud is for: a company, or another person (a private power of attorney). */
export type PrincipalKind = 'organisation' | 'person';

/** Mina ombud's words for each kind of principal: the role searched for and the principal's identity type. */
const MINA_OMBUD: Record<PrincipalKind, { role: 'ORGANISATION' | 'PRIVAT'; typ: 'orgnr' | 'pnr' }> = {
  organisation: { role: 'ORGANISATION', typ: 'orgnr' },
  person: { role: 'PRIVAT', typ: 'pnr' },
};

/** A power of attorney Mina ombud confirmed, in one municipality, whoever it is for. */
export interface PowerOfAttorneyView {
  /** The principal's name as Mina ombud gives it. */
  name: string;
  personPartyId: string;
  /** The power of attorney's period (dates), where Mina ombud lists it. */
  validFrom: Date | null;
  validTo: Date | null;
  source: 'mina_ombud';
  /** The municipality (Mina ombud's third party) where it holds: only its cases are shown. */
  municipality: CaseMunicipality;
}

/** A company the person may act for, in one municipality, as Mina ombud confirmed it. */
export interface RepresentationView extends PowerOfAttorneyView {
  /** The company's party id: what `asOrganisation` takes. */
  organisationPartyId: string;
  /** The organisation's number (public), so the person can pick the company. */
  organisationsnummer: string;
}

/** A person the caller may act for (a private power of attorney), in one municipality, as Mina ombud confirmed it. */
export interface PersonRepresentationView extends PowerOfAttorneyView {
  /** The principal's party id: what `asPerson` takes. */
  principalPartyId: string;
}

/** A representation the retired register recorded (issue 23): history for the person's data export only. */
export interface RecordedRepresentationView {
  id: string;
  organisationPartyId: string;
  organisationsnummer: string;
  personPartyId: string;
  validFrom: Date;
  validTo: Date | null;
  source: RepresentationSource;
  municipality: CaseMunicipality | null;
}

/** The party whose cases the caller sees, and from which municipalities: `tenantIds` null means every one. */
export interface RepresentedOrganisation {
  partyId: string;
  tenantIds: string[] | null;
}

export interface RepresentationOptions {
  environment?: MinaOmbudEnvironment;
  cache?: RepresentationCache;
}

const ORG_FORMAT = (digits: string) => `${digits.slice(0, 6)}-${digits.slice(6)}`;
const dateOf = (value: string | undefined) => (value ? new Date(`${value}T00:00:00Z`) : null);

/** A principal Mina ombud confirmed in one municipality: its identity number (pnr or orgnr), name and period. */
interface ConfirmedPrincipal {
  identityNumber: string;
  name: string;
  validFrom: string | undefined;
  validTo: string | undefined;
}

/**
 * Who may act for whom in Mina sidor: Bolagsverket's Mina ombud, asked per member municipality
 * (each is a third party there, and a power of attorney holds only towards its third party). A
 * person acts for a company in a municipality when Mina ombud's signed answer says they hold one
 * of the municipality's configured authorisations for it now. Verified answers are kept briefly
 * per municipality, person and principal; an answer that cannot be verified is never kept and
 * never counts as "may act".
 */
export class Representations {
  private readonly connections: MinaOmbudConnections;
  readonly cache: RepresentationCache;

  constructor(
    private readonly database: Database,
    private readonly parties: PartyRegister,
    private readonly municipalities: Municipalities,
    private readonly tenants: TenantDirectory,
    options: RepresentationOptions = {},
  ) {
    this.connections = new MinaOmbudConnections(options.environment ?? minaOmbudEnvironmentFromEnv());
    this.cache = options.cache ?? new MemoryRepresentationCache();
  }

  /**
   * The organisation party the person may act for, named by organisationsnummer or party id, and
   * the municipalities where Mina ombud confirms it. FORBIDDEN when no municipality does;
   * REPRESENTATION_UNVERIFIED when none does and some could not answer verifiably.
   */
  representedOrganisation(personPartyId: string, organisation: string): Promise<RepresentedOrganisation> {
    return this.represented('organisation', personPartyId, organisation);
  }

  /** The same for acting for another person (a private power of attorney), named by their party id. */
  representedPerson(personPartyId: string, principalPartyId: string): Promise<RepresentedOrganisation> {
    return this.represented('person', personPartyId, principalPartyId);
  }

  /** The companies the person may act for now, one entry per municipality where Mina ombud confirms it. */
  async currentFor(personPartyId: string): Promise<RepresentationView[]> {
    return (await this.current('organisation', personPartyId)).map(({ principalPartyId, identityNumber, ...view }) => ({
      ...view,
      organisationPartyId: principalPartyId,
      organisationsnummer: ORG_FORMAT(identityNumber),
    }));
  }

  /** The people the person may act for now (private powers of attorney), one entry per municipality. */
  async currentPersonsFor(personPartyId: string): Promise<PersonRepresentationView[]> {
    // The principal's personnummer stays here: the person is shown by name and party id only.
    return (await this.current('person', personPartyId)).map(({ identityNumber: _, ...view }) => view);
  }

  /** Every representation the retired register recorded for the person (for their data export). */
  async allFor(personPartyId: string): Promise<RecordedRepresentationView[]> {
    const rows: Array<{
      id: string;
      organisation_party_id: string;
      person_party_id: string;
      valid_from: string | Date;
      valid_to: string | Date | null;
      source: RepresentationSource;
      registered_by_tenant_id: string | null;
      organisationsnummer: string;
    }> = await this.database.dataSource.query(
      `SELECT r.id, r.organisation_party_id, r.person_party_id, r.valid_from, r.valid_to, r.source, r.registered_by_tenant_id,
              p.identity_number AS organisationsnummer
         FROM minasidor_representation r JOIN party p ON p.id = r.organisation_party_id
        WHERE r.person_party_id = $1 ORDER BY r.valid_from, r.organisation_party_id, r.id`,
      [personPartyId],
    );
    return rows.map((row) => ({
      id: row.id,
      organisationPartyId: row.organisation_party_id,
      organisationsnummer: ORG_FORMAT(row.organisationsnummer),
      personPartyId: row.person_party_id,
      validFrom: new Date(row.valid_from),
      validTo: row.valid_to ? new Date(row.valid_to) : null,
      source: row.source,
      municipality: row.registered_by_tenant_id ? this.municipalities.municipalityOf(row.registered_by_tenant_id) : null,
    }));
  }

  async close(): Promise<void> {
    await this.cache.close();
  }

  /**
   * The principal of a kind the person may act for, named by party id (a company also by its
   * organisationsnummer), and the municipalities where Mina ombud confirms it.
   */
  private async represented(kind: PrincipalKind, personPartyId: string, named: string): Promise<RepresentedOrganisation> {
    const holder = await this.identityNumberOf(personPartyId, 'person');
    const principal = await this.principal(kind, named);
    if (!holder || !principal?.identityNumber || principal.partyId === personPartyId) throw new NotRepresentedError();
    const tenantIds = await this.confirmedIn(personPartyId, holder, kind, {
      partyId: principal.partyId,
      identityNumber: principal.identityNumber,
    });
    return { partyId: principal.partyId, tenantIds };
  }

  /** The principals of a kind Mina ombud confirms for the person now, one entry per municipality, with their party ids. */
  private async current(
    kind: PrincipalKind,
    personPartyId: string,
  ): Promise<Array<PowerOfAttorneyView & { principalPartyId: string; identityNumber: string }>> {
    const holder = await this.identityNumberOf(personPartyId, 'person');
    if (!holder) return [];
    const views: Array<PowerOfAttorneyView & { principalPartyId: string; identityNumber: string }> = [];
    for (const tenant of this.members()) {
      for (const found of await this.principalsIn(tenant, personPartyId, holder, kind)) {
        views.push({
          principalPartyId: await this.parties.partyIdFor(kind, found.identityNumber),
          identityNumber: found.identityNumber,
          name: found.name,
          personPartyId,
          validFrom: dateOf(found.validFrom),
          validTo: dateOf(found.validTo),
          source: 'mina_ombud',
          municipality: this.municipalities.municipalityOf(tenant.id),
        });
      }
    }
    return views;
  }

  /**
   * The municipalities where Mina ombud confirms the person holds one of the municipality's
   * authorisations for the principal. Municipalities are asked in parallel; one that cannot answer
   * verifiably is left out, and when none confirms and one failed, the failure is the answer.
   */
  private async confirmedIn(
    personPartyId: string,
    holder: string,
    kind: PrincipalKind,
    principal: { partyId: string; identityNumber: string },
  ): Promise<string[]> {
    const { role, typ } = MINA_OMBUD[kind];
    const results = await Promise.allSettled(
      this.members().map(async (tenant) => {
        const key = `${tenant.id}:${personPartyId}:${typ}:${principal.partyId}`;
        const cached = await this.cache.get(key);
        if (cached !== undefined) return cached === 'yes' ? tenant.id : null;
        const { client, settings, tredjeman } = this.connections.of(tenant);
        const contexts = await client.searchAuthorisations({
          tredjeman,
          holder,
          principal: { id: principal.identityNumber, typ },
          roles: [role],
          codes: settings.authorisations,
        });
        const granted = contexts.some((context) => context.behorigheter.some((b) => settings.authorisations.includes(b.kod)));
        await this.cache.set(key, granted ? 'yes' : 'no', settings.cacheSeconds);
        return granted ? tenant.id : null;
      }),
    );
    const confirmed = results.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
    if (confirmed.length > 0) return confirmed;
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure)
      throw failure.reason instanceof RepresentationUnverifiedError
        ? failure.reason
        : new RepresentationUnverifiedError('unavailable', String(failure.reason));
    throw new NotRepresentedError();
  }

  /** The principals of a kind Mina ombud confirms for the person in one municipality, with names and periods. */
  private async principalsIn(tenant: Tenant, personPartyId: string, holder: string, kind: PrincipalKind): Promise<ConfirmedPrincipal[]> {
    const { role, typ } = MINA_OMBUD[kind];
    const key = `${tenant.id}:${personPartyId}:principals:${role}`;
    const cached = await this.cache.get(key);
    if (cached !== undefined) return JSON.parse(cached) as ConfirmedPrincipal[];
    const { client, settings, tredjeman } = this.connections.of(tenant);
    const contexts = (await client.searchAuthorisations({ tredjeman, holder, roles: [role], codes: settings.authorisations })).filter(
      (context) =>
        context.fullmaktsgivare.typ === typ &&
        context.fullmaktsgivare.id !== holder &&
        context.behorigheter.some((b) => settings.authorisations.includes(b.kod)),
    );
    let periods = new Map<string, { giltigFrom: string; giltigTom?: string }>();
    if (contexts.length > 0) {
      // Periods are for showing only: the list is unsigned, so it decides nothing.
      const listed = await client.searchPowersOfAttorney({ holder, tredjeman: [tredjeman] });
      periods = new Map(listed.map((item) => [item.id, { giltigFrom: item.giltigFrom, giltigTom: item.giltigTom }]));
    }
    const found = contexts.map((context) => {
      const period = context.behorigheter.map((b) => periods.get(b.fullmakt)).find(Boolean);
      const name = [context.fullmaktsgivare.fornamn, context.fullmaktsgivare.namn].filter(Boolean).join(' ');
      return { identityNumber: context.fullmaktsgivare.id, name, validFrom: period?.giltigFrom, validTo: period?.giltigTom };
    });
    await this.cache.set(key, JSON.stringify(found), settings.cacheSeconds);
    return found;
  }

  /** The member municipalities that use Mina sidor: each is asked on its own. */
  private members(): Tenant[] {
    return this.tenants.all().filter((tenant) => tenant.config.services.minasidor);
  }

  /** A party's identity number (personnummer or organisationsnummer) when it is a party of that kind. */
  private async identityNumberOf(partyId: string, kind: PrincipalKind): Promise<string | undefined> {
    const [party]: Array<{ kind: string; identity_number: string }> = await this.database.dataSource.query(
      `SELECT kind, identity_number FROM party WHERE id = $1`,
      [partyId],
    );
    return party?.kind === kind ? party.identity_number : undefined;
  }

  /**
   * The principal a request names: a party id, or for a company also its organisationsnummer (a
   * person is named by party id only, so no personnummer travels in a request).
   */
  private async principal(kind: PrincipalKind, named: string): Promise<{ partyId: string; identityNumber?: string } | undefined> {
    if (UUID.test(named)) {
      const partyId = named.toLowerCase();
      return { partyId, identityNumber: await this.identityNumberOf(partyId, kind) };
    }
    if (kind === 'person') return undefined;
    const organisationsnummer = organisationNumber(named, 'asOrganisation');
    return { partyId: await this.parties.partyIdFor('organisation', organisationsnummer), identityNumber: organisationsnummer };
  }
}
