import { createHash } from 'node:crypto';
import { AttachmentType } from './definition';
import { EFormsError } from './errors';

const SIGNATURES: Array<{ type: AttachmentType; bytes: number[] }> = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

const EXTENSIONS: Record<string, AttachmentType> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

/** The content type the bytes really are (by their magic number), or undefined when none we accept. */
export function detectContentType(bytes: Uint8Array): AttachmentType | undefined {
  return SIGNATURES.find((s) => s.bytes.length <= bytes.length && s.bytes.every((b, i) => bytes[i] === b))?.type;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file name safe to show and store: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const controlCharacters = /[\u0000-\u001f\u007f]/g;
  const clean = base.replace(controlCharacters, '').trim().slice(0, 200);
  return clean.length > 0 ? clean : 'bilaga';
}

/** Decodes strict base64 (a malformed string is refused rather than half-decoded). */
export function decodeBase64(content: string): Buffer {
  const compact = content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new EFormsError('VALIDATION_FAILED', 'The attachment content is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Checks an uploaded file against a field's rule by what it is, not what it is called: the bytes
 * must be one of the allowed types, no larger than the limit, and the name's extension must agree
 * with the content (a PNG named .pdf is refused as disguised).
 */
export function inspectAttachment(
  fileName: string,
  bytes: Uint8Array,
  rule: { allowedTypes: readonly AttachmentType[]; maxBytes: number },
): { contentType: AttachmentType; sha256: string; fileName: string } {
  if (bytes.length === 0) throw new EFormsError('VALIDATION_FAILED', 'The attachment is empty');
  if (bytes.length > rule.maxBytes) {
    throw new EFormsError('ATTACHMENT_TOO_LARGE', `The attachment is ${bytes.length} bytes; this field takes at most ${rule.maxBytes}`, {
      sizeBytes: bytes.length,
      maxBytes: rule.maxBytes,
    });
  }
  const contentType = detectContentType(bytes);
  if (!contentType || !rule.allowedTypes.includes(contentType)) {
    throw new EFormsError(
      'ATTACHMENT_TYPE_NOT_ALLOWED',
      `The attachment's content is ${contentType ?? 'of an unknown type'}; this field takes ${rule.allowedTypes.join(', ')}`,
      {
        detected: contentType ?? null,
        allowedTypes: rule.allowedTypes,
      },
    );
  }
  const clean = cleanFileName(fileName);
  const extension = /\.([A-Za-z0-9]+)$/.exec(clean)?.[1]?.toLowerCase();
  const named = extension ? EXTENSIONS[extension] : undefined;
  if (named !== contentType) {
    throw new EFormsError('ATTACHMENT_DISGUISED', `The file is named "${clean}" but its content is ${contentType}`, {
      detected: contentType,
      fileName: clean,
    });
  }
  return { contentType, sha256: sha256Hex(bytes), fileName: clean };
}
