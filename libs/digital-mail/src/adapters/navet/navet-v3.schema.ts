/**
 * The structure of Skatteverket's Navet REST v3 lookup, "Folkbokföringsuppgifter för offentliga
 * aktörer" (POST …/folkbokforing/folkbokforingsuppgifter-for-offentliga-aktorer/v3/hamta), as JSON
 * Schema 2020-12. The adapter checks every answer against ANSWER_SCHEMA before it reads a field,
 * and the contract tests check every request we send (and every answer the simulator gives) too.
 *
 * Written from the published description (docs/digital-mail.md, "Population register (Navet)";
 * the field names are indicative there): the order (`bestallning` with `organisationsnummer` and
 * `bestallningsidentitet`), the search terms (`sokvillkor[].identitetsbeteckning`), the answer's
 * `personposter` and `felrapporter` with `orsakskod`/`orsakskodsbeskrivning` are from the
 * description. INDICATIVE — taken from the legacy SOAP service's names (Personpost, Namn,
 * Folkbokforingsadress, Avregistrering, Sekretessmarkering) in the v3 spelling, not yet seen in a
 * v3 contract: `identitet.status`, `namn.mellannamn`, `namn.tilltalsnamnsmarkering`, everything under
 * `adresser`, `skyddAvPersonuppgifter.sekretessmarkering` / `.skyddadFolkbokforing`, `avregistrering`
 * with `avregistreringsorsakKod` (AV avliden, UV utvandrad, GN/GS gammalt nummer, OB försvunnen,
 * TA teknisk, AN annan) and `avregistreringsdatum`, and `felrapporter[].identitetsbeteckning`.
 * Objects allow unknown properties: Skatteverket may add fields without breaking us.
 */

/** Personnummer or samordningsnummer, 12 digits (a samordningsnummer has 60 added to the day). */
const IDENTITETSBETECKNING = {
  type: 'string',
  pattern: '^(18|19|20)[0-9]{2}(0[1-9]|1[0-2])([06][1-9]|[1278][0-9]|[39][01])[0-9]{4}$',
} as const;

/** At most this many identities per call. UNCONFIRMED (the reference says ≤900); the adapter splits larger lookups. */
export const NAVET_MAX_IDS_PER_CALL = 900;

export const NAVET_REQUEST_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kommuna.se/schemas/navet/v3/hamta-request.json',
  type: 'object',
  required: ['bestallning', 'sokvillkor'],
  additionalProperties: false,
  properties: {
    bestallning: {
      type: 'object',
      required: ['organisationsnummer', 'bestallningsidentitet'],
      additionalProperties: false,
      properties: {
        /** The ordering authority's organisationsnummer, 10 digits without a dash. */
        organisationsnummer: { type: 'string', pattern: '^[0-9]{10}$' },
        /** The order's identity Skatteverket issues with the agreement. */
        bestallningsidentitet: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
    sokvillkor: {
      type: 'array',
      minItems: 1,
      maxItems: NAVET_MAX_IDS_PER_CALL,
      items: {
        type: 'object',
        required: ['identitetsbeteckning'],
        additionalProperties: false,
        properties: { identitetsbeteckning: IDENTITETSBETECKNING },
      },
    },
  },
} as const;

const TEXT = { type: 'string', maxLength: 200 } as const;
const OPTIONAL_TEXT = { type: ['string', 'null'], maxLength: 200 } as const;

export const NAVET_ANSWER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kommuna.se/schemas/navet/v3/hamta-answer.json',
  type: 'object',
  required: ['personposter'],
  properties: {
    personposter: {
      type: 'array',
      items: {
        type: 'object',
        required: ['identitet', 'skyddAvPersonuppgifter'],
        properties: {
          identitet: {
            type: 'object',
            required: ['identitetsbeteckning'],
            properties: {
              identitetsbeteckning: IDENTITETSBETECKNING,
              // INDICATIVE: the person's registration status in words Skatteverket chooses.
              status: OPTIONAL_TEXT,
            },
          },
          namn: {
            type: ['object', 'null'],
            required: ['efternamn'],
            properties: {
              fornamn: OPTIONAL_TEXT,
              mellannamn: OPTIONAL_TEXT,
              efternamn: TEXT,
              tilltalsnamnsmarkering: OPTIONAL_TEXT,
            },
          },
          skyddAvPersonuppgifter: {
            type: 'object',
            required: ['sekretessmarkering', 'skyddadFolkbokforing'],
            properties: { sekretessmarkering: { type: 'boolean' }, skyddadFolkbokforing: { type: 'boolean' } },
          },
          adresser: {
            type: ['object', 'null'],
            properties: {
              folkbokforingsadress: {
                type: ['object', 'null'],
                required: ['utdelningsadress2', 'postnummer', 'postort'],
                properties: {
                  careOf: OPTIONAL_TEXT,
                  utdelningsadress1: OPTIONAL_TEXT,
                  utdelningsadress2: TEXT,
                  postnummer: { type: 'string', pattern: '^[0-9]{3} ?[0-9]{2}$' },
                  postort: TEXT,
                },
              },
            },
          },
          avregistrering: {
            type: ['object', 'null'],
            required: ['avregistreringsorsakKod'],
            properties: {
              avregistreringsorsakKod: { type: 'string', enum: ['AV', 'UV', 'GN', 'GS', 'OB', 'TA', 'AN'] },
              avregistreringsdatum: { type: ['string', 'null'], format: 'date' },
            },
          },
        },
      },
    },
    felrapporter: {
      type: 'array',
      items: {
        type: 'object',
        required: ['orsakskod'],
        properties: {
          // As asked, which may be a number that is not valid (the reason for the report).
          identitetsbeteckning: { type: 'string', maxLength: 20 },
          orsakskod: { type: 'string', minLength: 1, maxLength: 50 },
          orsakskodsbeskrivning: { type: 'string', maxLength: 1000 },
        },
      },
    },
  },
} as const;

/** The request body, as NAVET_REQUEST_SCHEMA describes it. */
export interface NavetRequest {
  bestallning: { organisationsnummer: string; bestallningsidentitet: string };
  sokvillkor: Array<{ identitetsbeteckning: string }>;
}

export interface NavetFolkbokforingsadress {
  careOf?: string | null;
  utdelningsadress1?: string | null;
  utdelningsadress2: string;
  postnummer: string;
  postort: string;
}

export interface NavetPersonpost {
  identitet: { identitetsbeteckning: string; status?: string | null };
  namn?: { fornamn?: string | null; mellannamn?: string | null; efternamn: string; tilltalsnamnsmarkering?: string | null } | null;
  skyddAvPersonuppgifter: { sekretessmarkering: boolean; skyddadFolkbokforing: boolean };
  adresser?: { folkbokforingsadress?: NavetFolkbokforingsadress | null } | null;
  avregistrering?: { avregistreringsorsakKod: 'AV' | 'UV' | 'GN' | 'GS' | 'OB' | 'TA' | 'AN'; avregistreringsdatum?: string | null } | null;
}

/** The answer, as NAVET_ANSWER_SCHEMA describes it (after validation). */
export interface NavetAnswer {
  personposter: NavetPersonpost[];
  felrapporter?: Array<{ identitetsbeteckning?: string; orsakskod: string; orsakskodsbeskrivning?: string }>;
}
