// Swedish organisationsnummer (lag 1974:174 om identitetsbeteckning för juridiska personer).
//
// Ten digits with a Luhn check digit, like a personnummer, but the third digit
// is always 2 or higher so it can never be mistaken for a month. Sole traders
// (enskild firma) have no organisationsnummer of their own and use the owner's
// personnummer, so a personnummer is accepted too and reported as such.

import { isLuhnValid } from './luhn';
import { ParsedPersonnummer, PersonnummerInvalidReason, PersonnummerParseOptions, parsePersonnummer } from './personnummer';

/** Legal form group, from the first digit (gruppnummer). */
export type OrganisationForm =
  /** 1: dödsbon */
  | 'estate'
  /** 2: stat, regioner, kommuner, myndigheter, församlingar */
  | 'public-sector'
  /** 3: utländska företag med verksamhet eller fastighet i Sverige */
  | 'foreign-company'
  /** 5: aktiebolag */
  | 'aktiebolag'
  /** 6: enkla bolag */
  | 'simple-partnership'
  /** 7: ekonomiska föreningar, bostadsrättsföreningar */
  | 'economic-association'
  /** 8: ideella föreningar och stiftelser */
  | 'non-profit-association-or-foundation'
  /** 9: handelsbolag och kommanditbolag */
  | 'trading-or-limited-partnership';

// Group numbers 0 and 4 are not assigned.
const FORM_BY_GROUP_NUMBER: Readonly<Partial<Record<number, OrganisationForm>>> = {
  1: 'estate',
  2: 'public-sector',
  3: 'foreign-company',
  5: 'aktiebolag',
  6: 'simple-partnership',
  7: 'economic-association',
  8: 'non-profit-association-or-foundation',
  9: 'trading-or-limited-partnership',
};

export interface ParsedLegalEntityNumber {
  readonly kind: 'legal-entity';
  /** `NNNNNN-NNNN` */
  readonly normalized: string;
  readonly groupNumber: number;
  readonly form: OrganisationForm;
}

export interface ParsedSoleTraderNumber {
  readonly kind: 'personnummer';
  /** `YYMMDD-NNNN`: the 10-digit form a sole trader uses as organisationsnummer. */
  readonly normalized: string;
  readonly personnummer: ParsedPersonnummer;
}

export type ParsedOrganisationsnummer = ParsedLegalEntityNumber | ParsedSoleTraderNumber;

export type OrganisationsnummerInvalidReason = 'format' | 'checksum' | 'group' | PersonnummerInvalidReason;

export type OrganisationsnummerParseResult =
  | { readonly ok: true; readonly value: ParsedOrganisationsnummer }
  | { readonly ok: false; readonly reason: OrganisationsnummerInvalidReason };

/** Used only when the input turns out to be a personnummer in 10-digit form. */
export type OrganisationsnummerParseOptions = PersonnummerParseOptions;

// The 12-digit form prefixes legal entities with "16"; natural persons get
// their century (18, 19, 20) instead, i.e. a 12-digit personnummer.
const LEGAL_ENTITY_CENTURY_PREFIX = '16';
const TWELVE_DIGIT_FORM = /^(\d{2})(\d{6})-?(\d{4})$/;
const TEN_DIGIT_FORM = /^(\d{6})([-+]?)(\d{4})$/;

const INVALID_REASON_MESSAGES: Record<OrganisationsnummerInvalidReason, string> = {
  format: 'Invalid organisationsnummer: expected NNNNNN-NNNN, NNNNNNNNNN or 16NNNNNNNNNN (or a personnummer)',
  checksum: 'Invalid organisationsnummer: the check digit does not match (Luhn)',
  group: 'Invalid organisationsnummer: the first digit is not an assigned group number (0 and 4 are unused)',
  date: 'Invalid organisationsnummer: it has the shape of a personnummer, but the date part is not a real calendar date',
};

/** Parses any accepted form. Never throws for bad input; see `reason` instead. */
export function parseOrganisationsnummer(input: string, options: OrganisationsnummerParseOptions = {}): OrganisationsnummerParseResult {
  if (typeof input !== 'string') return invalid('format');
  const text = input.trim();

  const twelve = TWELVE_DIGIT_FORM.exec(text);
  if (twelve) {
    const [, prefix, first, last] = twelve;
    if (prefix !== LEGAL_ENTITY_CENTURY_PREFIX) return parseSoleTraderNumber(text, options);
    const tenDigits = `${first}${last}`;
    return hasLegalEntityThirdDigit(tenDigits) ? parseLegalEntityNumber(tenDigits) : invalid('format');
  }

  const ten = TEN_DIGIT_FORM.exec(text);
  if (ten) {
    const [, first, separator, last] = ten;
    const tenDigits = `${first}${last}`;
    if (!hasLegalEntityThirdDigit(tenDigits)) return parseSoleTraderNumber(text, options);
    // '+' only means "100 years or older", which is meaningless for a legal entity.
    return separator === '+' ? invalid('format') : parseLegalEntityNumber(tenDigits);
  }

  return invalid('format');
}

export function isValidOrganisationsnummer(input: string, options: OrganisationsnummerParseOptions = {}): boolean {
  return parseOrganisationsnummer(input, options).ok;
}

/** Like `parseOrganisationsnummer`, but throws an Error (without echoing the number) when invalid. */
export function assertOrganisationsnummer(input: string, options: OrganisationsnummerParseOptions = {}): ParsedOrganisationsnummer {
  const result = parseOrganisationsnummer(input, options);
  if (!result.ok) throw new Error(INVALID_REASON_MESSAGES[result.reason]);
  return result.value;
}

function hasLegalEntityThirdDigit(tenDigits: string): boolean {
  return Number(tenDigits[2]) >= 2;
}

function parseLegalEntityNumber(tenDigits: string): OrganisationsnummerParseResult {
  if (!isLuhnValid(tenDigits)) return invalid('checksum');
  const groupNumber = Number(tenDigits[0]);
  const form = FORM_BY_GROUP_NUMBER[groupNumber];
  if (form === undefined) return invalid('group');
  return {
    ok: true,
    value: { kind: 'legal-entity', normalized: withHyphen(tenDigits), groupNumber, form },
  };
}

function parseSoleTraderNumber(text: string, options: PersonnummerParseOptions): OrganisationsnummerParseResult {
  const result = parsePersonnummer(text, options);
  if (!result.ok) return invalid(result.reason);
  return {
    ok: true,
    value: {
      kind: 'personnummer',
      normalized: withHyphen(result.value.normalized.slice(2)),
      personnummer: result.value,
    },
  };
}

function withHyphen(tenDigits: string): string {
  return `${tenDigits.slice(0, 6)}-${tenDigits.slice(6)}`;
}

function invalid(reason: OrganisationsnummerInvalidReason): OrganisationsnummerParseResult {
  return { ok: false, reason };
}
