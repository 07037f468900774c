import { createHash } from 'node:crypto';
import { InvalidAttachmentError } from '../errors';

export const ATTACHMENT_DELIVERY_MODES = ['DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER'] as const;
/** Which letter an attachment goes with: the digital one, the paper one, or both. */
export type AttachmentDeliveryMode = (typeof ATTACHMENT_DELIVERY_MODES)[number];

export interface AttachmentInput {
  filename: string;
  /** The PDF, base64-encoded. */
  contentBase64: string;
  deliveryMode?: AttachmentDeliveryMode;
}

export interface ValidatedAttachment {
  filename: string;
  deliveryMode: AttachmentDeliveryMode;
  content: Buffer;
  sha256: string;
  sizeBytes: number;
}

export const MAX_ATTACHMENTS = 20;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes and checks one attachment: real base64, within the size cap, and a PDF by its content
 * (the `%PDF-` header), whatever its file name says.
 */
export function validateAttachment(input: AttachmentInput, index: number, maxBytes: number): ValidatedAttachment {
  const filename = (input.filename ?? '').trim();
  if (!filename || filename.length > 255 || /[/\\\0]/.test(filename)) {
    throw new InvalidAttachmentError(
      'ATTACHMENT_INVALID',
      `Attachment ${index + 1}: the file name must be 1–255 characters without path separators`,
      index,
    );
  }
  const base64 = (input.contentBase64 ?? '').replace(/\s+/g, '');
  // Refuse before decoding: base64 is 4/3 of the size.
  if (base64.length > Math.ceil((maxBytes * 4) / 3) + 4) {
    throw new InvalidAttachmentError('ATTACHMENT_TOO_LARGE', `Attachment ${index + 1} is larger than ${maxBytes} bytes`, index);
  }
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new InvalidAttachmentError('ATTACHMENT_INVALID', `Attachment ${index + 1} is not valid base64`, index);
  }
  const content = Buffer.from(base64, 'base64');
  if (content.length > maxBytes) {
    throw new InvalidAttachmentError('ATTACHMENT_TOO_LARGE', `Attachment ${index + 1} is larger than ${maxBytes} bytes`, index);
  }
  if (content.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new InvalidAttachmentError('ATTACHMENT_NOT_PDF', `Attachment ${index + 1} ("${filename}") is not a PDF document`, index);
  }
  const deliveryMode = input.deliveryMode ?? 'EITHER';
  if (!ATTACHMENT_DELIVERY_MODES.includes(deliveryMode)) {
    throw new InvalidAttachmentError(
      'ATTACHMENT_INVALID',
      `Attachment ${index + 1}: deliveryMode must be one of ${ATTACHMENT_DELIVERY_MODES.join(', ')}`,
      index,
    );
  }
  return { filename, deliveryMode, content, sha256: sha256Hex(content), sizeBytes: content.length };
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
