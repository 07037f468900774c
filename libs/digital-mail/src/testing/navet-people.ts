/**
 * The Navet simulator's seeded people (apps/digital-mail-simulator/src/navet.ts, SEEDED_PEOPLE),
 * by what each one tests. Libraries never import apps, so the numbers are named here once.
 */
export const NAVET_PEOPLE = {
  /** Anna Andersson, Storgatan 12, 852 30 SUNDSVALL: dev-idp's demo citizen with a digital mailbox. */
  anna: '199001019802',
  /** Erik Eriksson, Bergsgatan 4, TIMRÅ: dev-idp's demo citizen without one; gets paper. */
  erik: '197110109878',
  /** Sara Nilsson: skyddad folkbokföring, no address. */
  skyddad: '198507099805',
  /** Johan Larsson: sekretessmarkering, answered with his address (which must go no further). */
  sekretess: '197608259813',
  /** Karin Olsson: deceased (AV). */
  deceased: '193910149800',
  /** Lars Persson: emigrated (UV). */
  emigrated: '196811289815',
  /** Maria Karlsson: a samordningsnummer (born 1991-02-11), c/o Eva Johansson, HÄRNÖSAND. */
  samordningsnummer: '199102719805',
} as const;

/** Johan's address in the simulator's seed: a test that finds it anywhere has found a leak. */
export const SEKRETESS_ADDRESS = 'Hemliga vägen 7';

/** A forwarding address as a tenant configures it for via-skatteverket-forwarding. */
export const FORWARDING_ADDRESS = {
  careOf: 'Skatteverket, Särskild postförmedling',
  street: 'Box 2820',
  postalCode: '403 20',
  city: 'Göteborg',
};
