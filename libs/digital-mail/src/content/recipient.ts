import { parseOrganisationsnummer, parsePersonnummer } from '@kommuna/shared-identifiers';
import type { PaperAddress, PersonRecord, RegistrationStatus } from '../adapters/types';
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

/** How paper letters to protected identities go (settings.ts, protectedIdentityLetters). */
export type ProtectedLetterRouting =
  | { protectedIdentityLetters: 'hold' }
  | {
      protectedIdentityLetters: 'via-skatteverket-forwarding';
      skatteverketForwardingAddress: { careOf: string; street: string; postalCode: string; city: string };
    };

const WHY_NOT_ON_PAPER: Record<Exclude<RegistrationStatus, 'ACTIVE'>, string> = {
  DECEASED: 'The recipient is deceased according to the population register; no paper letter was sent',
  EMIGRATED: 'The recipient has emigrated according to the population register; no paper letter was sent',
  DEREGISTERED: 'The recipient is deregistered from the population register; no paper letter was sent',
  NOT_FOUND: 'The population register does not know the recipient; no paper letter was sent',
};

/** The status detail of a held letter: a marker that the identity is protected, never where the person lives. */
export const PROTECTED_IDENTITY_HELD =
  'The recipient has protected personal data (skyddade personuppgifter); the letter was held, not printed (protectedIdentityLetters: hold)';

/**
 * Where one person's paper letter goes. Deregistered and unknown people get none, with the reason;
 * a protected person's letter is held or goes to Skatteverket's forwarding address, whatever
 * address the register may have had (the adapter has dropped it already: this does not rely on that).
 */
export function paperAddressOf(person: PersonRecord | undefined, routing: ProtectedLetterRouting): PaperAddress {
  if (!person) return { withheld: WHY_NOT_ON_PAPER.NOT_FOUND };
  if (person.status !== 'ACTIVE') return { withheld: WHY_NOT_ON_PAPER[person.status] };
  if (person.protection !== 'NONE') {
    if (routing.protectedIdentityLetters === 'hold') return { withheld: PROTECTED_IDENTITY_HELD };
    const name = person.name ? [person.name.givenName, person.name.familyName].filter(Boolean).join(' ') : null;
    // Skatteverket forwards by the person's name and identity number, which go on the first line.
    return {
      ...routing.skatteverketForwardingAddress,
      name: [name, formatIdentityNumber(person.identityNumber)].filter(Boolean).join(', '),
    };
  }
  return person.address;
}

/** YYYYMMDD-NNNN, as identity numbers are written on envelopes. */
const formatIdentityNumber = (twelveDigits: string): string => `${twelveDigits.slice(0, 8)}-${twelveDigits.slice(8)}`;
