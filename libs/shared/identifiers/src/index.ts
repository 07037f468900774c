export { assertPersonnummer, isValidPersonnummer, maskPersonnummer, parsePersonnummer } from './personnummer';
export type {
  LegalSex,
  ParsedPersonnummer,
  PersonnummerInvalidReason,
  PersonnummerKind,
  PersonnummerParseOptions,
  PersonnummerParseResult,
} from './personnummer';

export { generateTestPersonnummer } from './test-personnummer';
export type { TestPersonnummerOptions } from './test-personnummer';

export { assertOrganisationsnummer, isValidOrganisationsnummer, parseOrganisationsnummer } from './organisationsnummer';
export type {
  OrganisationForm,
  OrganisationsnummerInvalidReason,
  OrganisationsnummerParseOptions,
  OrganisationsnummerParseResult,
  ParsedLegalEntityNumber,
  ParsedOrganisationsnummer,
  ParsedSoleTraderNumber,
} from './organisationsnummer';

export { stockholmDay } from './calendar-date';

export { allKommuner, allLan, findKommun, isKommunkod } from './kommunkod';
export type { Kommun, Lan } from './kommunkod';
