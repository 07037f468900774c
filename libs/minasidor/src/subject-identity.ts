import { PartyRegister } from '@kommuna/platform-persistence';
import { parseOrganisationsnummer, parsePersonnummer } from '@kommuna/shared-identifiers';
import { MinasidorValidationError } from './errors';
import type { SubjectKind } from './entities/case.entity';

/** Whom a case is about, as a municipal system names them: exactly one identity number. */
export interface SubjectIdentity {
  personnummer?: string | null;
  organisationsnummer?: string | null;
}

/**
 * Maps an identity number to its party id. The number itself goes no further: it is never stored
 * in a case row, an event or a log line, and errors never repeat it.
 */
export async function resolveSubject(parties: PartyRegister, subject: SubjectIdentity): Promise<{ partyId: string; kind: SubjectKind }> {
  const { personnummer, organisationsnummer } = subject ?? {};
  if ((personnummer ? 1 : 0) + (organisationsnummer ? 1 : 0) !== 1) {
    throw new MinasidorValidationError('Name the subject by exactly one of personnummer or organisationsnummer', [
      { field: 'subject', message: 'exactly one of personnummer or organisationsnummer' },
    ]);
  }
  if (personnummer) {
    return { partyId: await parties.partyIdFor('person', personNumber(personnummer, 'subject.personnummer')), kind: 'person' };
  }
  return {
    partyId: await parties.partyIdFor('organisation', organisationNumber(organisationsnummer as string, 'subject.organisationsnummer')),
    kind: 'organisation',
  };
}

/** The party register's form of an organisationsnummer: its 10 digits (party.entity.ts). */
export function organisationNumber(input: string, field = 'organisationsnummer'): string {
  const parsed = parseOrganisationsnummer(input);
  if (!parsed.ok)
    throw new MinasidorValidationError('The organisationsnummer is not valid', [{ field, message: 'not a valid organisationsnummer' }]);
  return parsed.value.normalized.replace(/\D/g, '');
}

/** The party register's form of a personnummer: 12 digits. */
export function personNumber(input: string, field = 'personnummer'): string {
  const parsed = parsePersonnummer(input);
  if (!parsed.ok) throw new MinasidorValidationError('The personnummer is not valid', [{ field, message: 'not a valid personnummer' }]);
  return parsed.value.normalized;
}
