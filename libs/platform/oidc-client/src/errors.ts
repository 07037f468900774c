import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * The realm's answer to a login or a renewal was refused: a state, nonce, issuer, audience, expiry
 * or signature that does not hold, or the realm said no. The person starts the login again.
 */
export class LoginFailedError extends KommunaError {
  readonly code = 'LOGIN_FAILED';
  readonly status = 400;
  // The reason names the realm's answer, which is for the log, not the person.
  override readonly exposeMessage = false;
}

/** The realm could not be asked (unreachable, timed out, a server error): nothing was decided. */
export class IdentityProviderUnavailableError extends KommunaError {
  readonly code = 'IDENTITY_PROVIDER_UNAVAILABLE';
  readonly status = 502;
  override readonly exposeMessage = false;
}
