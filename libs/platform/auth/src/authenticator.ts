import { PartyRegister } from '@kommuna/platform-persistence';
import { parsePersonnummer } from '@kommuna/shared-identifiers';
import { Principal } from './principal';
import { AuthenticationError, KeycloakTokenVerifier } from './token-verifier';

/** What a request's Authorization header established: nothing, a principal, or why not. */
export interface Authentication {
  principal?: Principal;
  error?: AuthenticationError;
}

const ACTS_AS_THEMSELVES = ['citizen', 'company_representative'];

/**
 * Turns a bearer token into a principal once per request. A citizen (or company representative)
 * also gets their party id, the subject context in which they see their own data in every
 * member municipality (docs/architecture.md#tenancy).
 */
export class Authenticator {
  constructor(
    private readonly verifier: KeycloakTokenVerifier,
    private readonly parties: PartyRegister,
  ) {}

  async authenticate(authorization: string | string[] | undefined): Promise<Authentication> {
    if (authorization === undefined) return {};
    const token = typeof authorization === 'string' && /^Bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    try {
      const principal = await this.verifier.verify(token);
      if (principal.personnummer !== undefined && principal.roles.some((r) => ACTS_AS_THEMSELVES.includes(r))) {
        const parsed = parsePersonnummer(principal.personnummer);
        // A samordningsnummer in the personnummer claim (or the reverse) is a broker's mistake, not a person.
        if (!parsed.ok || parsed.value.kind !== principal.identityNumberKind) throw new AuthenticationError('invalid_personnummer');
        principal.partyId = await this.parties.partyIdFor('person', parsed.value.normalized);
      }
      return { principal };
    } catch (error) {
      if (error instanceof AuthenticationError) return { error };
      throw error;
    }
  }
}
