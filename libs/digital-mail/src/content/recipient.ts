import { parseOrganisationsnummer, parsePersonnummer } from '@kommuna/shared-identifiers';
import { InvalidRecipientError } from '../errors';

export type RecipientKind = 'person' | 'organisation';

export interface Recipient {
  kind: RecipientKind;
  /** Normalised: 12 digits for a person, NNNNNN-NNNN for an organisation. */
  identityNumber: string;
}

/**
 * A personnummer or samordningsnummer (a person), or an organisationsnummer (a legal entity; a
 * sole trader's organisationsnummer is the owner's personnummer, so a person).
 */
export function parseRecipient(input: string, field = 'recipient'): Recipient {
  const person = parsePersonnummer(input ?? '');
  if (person.ok) return { kind: 'person', identityNumber: person.value.normalized };
  const organisation = parseOrganisationsnummer(input ?? '');
  if (organisation.ok) {
    return organisation.value.kind === 'legal-entity'
      ? { kind: 'organisation', identityNumber: organisation.value.normalized }
      : { kind: 'person', identityNumber: organisation.value.personnummer.normalized };
  }
  throw new InvalidRecipientError(field);
}
