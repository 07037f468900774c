import canonicalize from 'canonicalize';
import { base64url, errors, flattenedVerify, type FlattenedVerifyGetKey } from 'jose';
import { JwsSig } from './contract';
import { RepresentationUnverifiedError } from './errors';

/** The algorithms Mina ombud signs with; `none` and HMAC are never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/**
 * The payload Mina ombud signs for an object with an embedded `_sig`: the object without `_sig`,
 * as RFC 8785 canonical JSON, base64url-encoded (a detached JWS payload).
 */
export function signedPayloadOf(signed: Record<string, unknown>): string {
  const content = Object.fromEntries(Object.entries(signed).filter(([key]) => key !== '_sig'));
  const canonical = canonicalize(content);
  if (canonical === undefined) throw new RepresentationUnverifiedError('invalid_answer', 'the signed object has no JSON form');
  return base64url.encode(canonical);
}

/**
 * Verifies an object's embedded signature (`_sig`: protected header and signature) against the
 * third party's key set. Verifies the object as received: a parsed copy without unknown
 * attributes would have another canonical form. Throws RepresentationUnverifiedError with
 * `signature_invalid` or `unknown_key` (or `unavailable` when the key set cannot be read).
 */
export async function verifyEmbeddedSignature(signed: unknown, keys: FlattenedVerifyGetKey): Promise<void> {
  if (typeof signed !== 'object' || signed === null || Array.isArray(signed))
    throw new RepresentationUnverifiedError('invalid_answer', 'a signed answer is not an object');
  const sig = JwsSig.safeParse((signed as Record<string, unknown>)._sig);
  if (!sig.success || !sig.data.protected) throw new RepresentationUnverifiedError('signature_invalid', 'the answer carries no signature');
  try {
    await flattenedVerify(
      { protected: sig.data.protected, payload: signedPayloadOf(signed as Record<string, unknown>), signature: sig.data.signature },
      keys,
      { algorithms: ALGORITHMS },
    );
  } catch (error) {
    if (error instanceof RepresentationUnverifiedError) throw error;
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
      throw new RepresentationUnverifiedError('unknown_key', error.message);
    if (error instanceof errors.JWKSTimeout) throw new RepresentationUnverifiedError('timeout', 'the key set did not answer in time');
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWSInvalid ||
      error instanceof errors.JOSEAlgNotAllowed ||
      error instanceof errors.JOSENotSupported
    )
      throw new RepresentationUnverifiedError('signature_invalid', error.message);
    // The key set could not be read (refused, not JSON, not 200): no key, so nothing verified.
    throw new RepresentationUnverifiedError('unavailable', (error as Error).message);
  }
}
