/**
 * The Mina ombud simulator's powers of attorney, consistent with the rest of the demo: dev-idp's
 * foretag-lena (Lena Lind) may act for the demo company 556016-0680 towards Sundsvall (whose demo
 * company case SBN-2025-0301 she then sees), and medborgare-anna may act for medborgare-erik
 * towards Timrå (a private power of attorney).
 */

/**
 * The authorisation "act for the principal in Mina sidor" (a behörighetskod of the municipality's
 * power-of-attorney template). The same code is Mina sidor's default (libs/minasidor
 * mina-ombud/settings.ts); a member with real templates names its own codes in tenant.yaml.
 */
export const MINASIDOR_AUTHORISATION = { kod: '7c9e6679-7425-40de-944b-e07fc1f90ae7', rubrik: 'Företräda i Mina sidor' };

export interface SimulatedParty {
  id: string;
  typ: 'pnr' | 'orgnr';
  namn: string;
  fornamn?: string;
}

export interface SimulatedPowerOfAttorney {
  id: string;
  referensnummer: string;
  rubrik: string;
  /** The third party (a municipality's organisationsnummer, 10 digits) where it holds. */
  tredjeman: string;
  fullmaktsgivare: SimulatedParty;
  fullmaktsgivarroll: 'PRIVAT' | 'ORGANISATION';
  fullmaktshavare: SimulatedParty[];
  behorigheter: Array<{ kod: string; rubrik: string }>;
  /** Dates, YYYY-MM-DD; giltigTom absent: until further notice. */
  giltigFrom: string;
  giltigTom?: string;
  /** Revoked (återkallad) at this time: no longer gives any authorisation. */
  aterkallad?: string;
}

/** The member municipalities' organisationsnummer (tenants/<slug>/tenant.yaml), as the API writes them. */
export const THIRD_PARTIES: Record<string, string> = {
  '2120002411': 'Sundsvalls kommun',
  '2120002395': 'Timrå kommun',
  '2120002387': 'Ånge kommun',
  '2120002403': 'Härnösands kommun',
};

const LENA: SimulatedParty = { id: '196502029884', typ: 'pnr', fornamn: 'Lena', namn: 'Lind' };
const ANNA: SimulatedParty = { id: '199001019802', typ: 'pnr', fornamn: 'Anna', namn: 'Andersson' };
const ERIK: SimulatedParty = { id: '197110109878', typ: 'pnr', fornamn: 'Erik', namn: 'Eriksson' };

export const DEMO_POWERS_OF_ATTORNEY: SimulatedPowerOfAttorney[] = [
  {
    id: '3f0c2a4e-7d1b-4c52-9a8e-1b2c3d4e5f60',
    referensnummer: 'MOF0000000001',
    rubrik: 'Ombud i kommunens e-tjänster',
    tredjeman: '2120002411',
    fullmaktsgivare: { id: '5560160680', typ: 'orgnr', namn: 'Demobolaget AB' },
    fullmaktsgivarroll: 'ORGANISATION',
    fullmaktshavare: [LENA],
    behorigheter: [MINASIDOR_AUTHORISATION],
    giltigFrom: '2025-01-01',
  },
  {
    id: '8a6e0f1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b',
    referensnummer: 'MOP0000000001',
    rubrik: 'Ombud för privatperson',
    tredjeman: '2120002395',
    fullmaktsgivare: ERIK,
    fullmaktsgivarroll: 'PRIVAT',
    fullmaktshavare: [ANNA],
    behorigheter: [MINASIDOR_AUTHORISATION],
    giltigFrom: '2025-01-01',
  },
];
