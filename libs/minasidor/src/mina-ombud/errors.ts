import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * Why an answer from Mina ombud could not be used. Each one means "not confirmed": a caller never
 * treats it as "may act".
 */
export type MinaOmbudFailure =
  /** The signature over the answer did not verify (forged, altered or signed with another key). */
  | 'signature_invalid'
  /** The answer was signed with a key the third party's key set does not have. */
  | 'unknown_key'
  /** The signed time of the answer is too old (or in the future) to rely on now. */
  | 'expired'
  /** No answer in time. */
  | 'timeout'
  /** The service, its token endpoint or its key set answered with an error or could not be reached. */
  | 'unavailable'
  /** The service refused the request (e.g. the client or the third party is not allowed). */
  | 'rejected'
  /** The answer is not of the published shape, or is about someone other than who was asked about. */
  | 'invalid_answer'
  /** The municipality's Mina ombud connection lacks a setting (e.g. the id token key). */
  | 'not_configured';

/** Mina ombud could not confirm a representation; company mode shows nothing rather than guessing. */
export class RepresentationUnverifiedError extends KommunaError {
  readonly code = 'REPRESENTATION_UNVERIFIED';
  readonly status = 503;
  override readonly details: { reason: MinaOmbudFailure };
  constructor(
    readonly reason: MinaOmbudFailure,
    /** For the log: never an identity number. */
    override readonly cause?: string,
  ) {
    super(`Mina ombud could not confirm the representation (${reason}); try again later`);
    this.details = { reason };
  }
}
