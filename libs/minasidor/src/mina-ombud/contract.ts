import { z } from 'zod';

/**
 * The structure of Bolagsverket's Mina ombud consumer API (API för digitala fullmakter, v2), as
 * far as Kommuna uses it: the searches for authorisations (/sok/behorigheter) and powers of
 * attorney (/sok/fullmakter), the third party's key set and the error body. Transcribed from the
 * published OpenAPI description; answers may carry attributes added later, so objects are not
 * strict (the published API says to accept unknown attributes), but every required one is checked.
 */

/** An organisationsnummer as the API writes it: 10 digits, no hyphen, no 16 prefix. */
export const Organisationsnummer = z.string().regex(/^\d{10}$/, '10 digits');
export const Identitetstyp = z.enum(['pnr', 'orgnr', 'samnr', 'gdnr']);
export const Identitetsbeteckning = z.object({ id: z.string().min(1), typ: Identitetstyp });
export const NamnIdentitet = Identitetsbeteckning.extend({
  namn: z.string().min(1).max(255),
  fornamn: z.string().min(1).max(255).optional(),
});
export const FullmaktsgivareRoll = z.enum(['PRIVAT', 'ORGANISATION']);
export const FullmaktStatus = z.enum(['HISTORISK', 'AKTUELL', 'GILTIG']);
const BehorighetKod = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\u0021-\u007e\u00a1-\u00ff]*$/);
const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID');
const DateTime = z.iso.datetime({ offset: true });
const LocalDate = z.iso.date();

export const PageParameters = z.object({
  page: z.number().int().min(0).optional(),
  size: z.number().int().min(1).optional(),
  sort: z.string().optional(),
});
export const PageMetadata = z.object({
  size: z.number().int().optional(),
  number: z.number().int().optional(),
  totalElements: z.number().int().optional(),
  totalPages: z.number().int().optional(),
});

/** RFC 7515 flattened JWS without its payload: the signed object itself, less `_sig`, is the payload. */
export const JwsSig = z.object({
  protected: z.string().min(1),
  header: z.record(z.string(), z.unknown()).optional(),
  signature: z.string().min(1),
});

export const HamtaBehorigheterRequest = z
  .object({
    fullmaktshavare: Identitetsbeteckning,
    fullmaktsgivare: Identitetsbeteckning.optional(),
    fullmaktsgivarroll: z.array(FullmaktsgivareRoll).min(1).optional(),
    tredjeman: Organisationsnummer,
    behorigheter: z.array(BehorighetKod).min(1).optional(),
    page: PageParameters.optional(),
  })
  .strict();
export type HamtaBehorigheterRequest = z.infer<typeof HamtaBehorigheterRequest>;

export const UtdeladBehorighet = z.object({ kod: BehorighetKod, fullmakt: Uuid });
export const Behorighetskontext = z.object({
  fullmaktsgivare: NamnIdentitet,
  fullmaktsgivarroll: FullmaktsgivareRoll,
  fullmaktshavare: z.array(NamnIdentitet).min(1),
  tredjeman: Organisationsnummer,
  behorigheter: z.array(UtdeladBehorighet).min(1),
  tidpunkt: DateTime,
  _sig: JwsSig,
});
export type Behorighetskontext = z.infer<typeof Behorighetskontext>;

export const HamtaBehorigheterResponse = z.object({ kontext: z.array(z.unknown()), page: PageMetadata });

export const HamtaFullmakterRequest = z
  .object({
    fullmaktshavare: Identitetsbeteckning.optional(),
    fullmaktsgivare: Identitetsbeteckning.optional(),
    fullmaktsgivarroll: z.array(FullmaktsgivareRoll).min(1).optional(),
    tredjeman: z.array(Organisationsnummer).min(1).optional(),
    status: FullmaktStatus.optional(),
    aterkallad: z.boolean().optional(),
    referenstidpunkt: DateTime.optional(),
    giltigFrom: LocalDate.optional(),
    giltigTom: LocalDate.nullable().optional(),
    ursprung: Uuid.nullable().optional(),
    page: PageParameters.optional(),
  })
  .strict()
  .refine((request) => request.fullmaktshavare || request.fullmaktsgivare, 'fullmaktshavare or fullmaktsgivare is required');
export type HamtaFullmakterRequest = z.infer<typeof HamtaFullmakterRequest>;

export const FullmaktListItem = z.object({
  referensnummer: z.string().min(1).max(150),
  registreringstidpunkt: DateTime.optional(),
  status: FullmaktStatus,
  id: Uuid,
  rubrik: z.string().min(1).max(255),
  giltigFrom: LocalDate,
  giltigTom: LocalDate.optional(),
  tredjeman: Organisationsnummer,
  fullmaktsgivare: NamnIdentitet,
  fullmaktsgivarroll: FullmaktsgivareRoll,
  fullmaktshavare: z.array(NamnIdentitet),
});
export type FullmaktListItem = z.infer<typeof FullmaktListItem>;
export const HamtaFullmakterResponse = z.object({ fullmakter: z.array(FullmaktListItem), page: PageMetadata });

export const Jwk = z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() });
export const JwkSet = z.object({ keys: z.array(Jwk) });

export const ApiError = z.object({
  type: z.string(),
  instance: z.string(),
  status: z.number().int(),
  title: z.string(),
  detail: z.string().optional(),
  timestamp: z.string().optional(),
  requestId: z.string().optional(),
});

/** The id token's claim for the end user's personnummer (OIDC Sweden, as Mina ombud's samples issue it). */
export const PERSONAL_NUMBER_CLAIM = 'https://claims.oidc.se/1.0/personalNumber';
