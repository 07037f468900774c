import type { DecisionDocument } from './entities/decision.entity';

/** A stand-in origin for resolving the platform's own (root-relative) links. */
const PLATFORM_ORIGIN = 'https://platform.invalid';

/**
 * Whether a decision document's link may be shown to a resident: an https link without
 * credentials, or the platform's own link (a root-relative path such as /documents/…). Anything
 * else (javascript:, data:, http:, protocol-relative //host, "java\tscript:") is refused: a
 * browser would run it, send it in clear text, or leave the platform for a host nobody named.
 */
export function isSafeDocumentUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return false;
  // Browsers skip whitespace and control characters inside a scheme, and read \ as /: no real link has them.
  if (/[\s\\]/.test(value) || Array.from(value).some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f')) return false;
  const platformPath = value.startsWith('/');
  let url: URL;
  try {
    url = platformPath ? new URL(value, PLATFORM_ORIGIN) : new URL(value);
  } catch {
    return false;
  }
  if (platformPath) return !value.startsWith('//') && url.origin === PLATFORM_ORIGIN;
  return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}

/**
 * The documents as a resident may see them: a link that is not safe (stored before links were
 * checked) is left out, the document itself (name, reference, checksum) stays.
 */
export function withSafeLinks(documents: unknown): DecisionDocument[] {
  if (!Array.isArray(documents)) return [];
  return documents
    .filter((d): d is DecisionDocument & Record<string, unknown> => d !== null && typeof d === 'object')
    .map(({ url, ...rest }) => (isSafeDocumentUrl(url) ? { ...rest, url } : rest));
}
