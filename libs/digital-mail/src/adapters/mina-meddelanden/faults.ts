import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';
import { RecipientRefusedError } from '../types';

/** Why Mina meddelanden (or we, before sending) refused a letter. */
export type RefusalReason =
  | 'SENDER_NOT_ACCEPTED'
  | 'RECIPIENT_PENDING'
  | 'RECIPIENT_NOT_ADULT'
  | 'UNSUPPORTED_OPERATOR'
  | 'RECIPIENT_NOT_REACHABLE'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_DELIVERY'
  | 'SIGNATURE_REJECTED'
  | 'OPERATOR_REFUSED';

/**
 * applicationFault ErrorCode → our reason. DIGG's published contract names the codes (4999,
 * 5000–5005, 6004) but not their meanings; these meanings are our reading and UNCONFIRMED until
 * the member's agreement brings DIGG's interface documentation — this table is the one place to
 * correct. The simulator answers with the same table. 4999 (the service's own error) is the only
 * one retried; an unknown code is a permanent refusal.
 */
export const FAULT_CODES = {
  4999: 'SERVICE_ERROR',
  5000: 'INVALID_DELIVERY',
  5001: 'SIGNATURE_REJECTED',
  5002: 'SENDER_NOT_ACCEPTED',
  5003: 'RECIPIENT_NOT_REACHABLE',
  5004: 'RECIPIENT_PENDING',
  5005: 'MESSAGE_TOO_LARGE',
  6004: 'RECIPIENT_NOT_ADULT',
} as const satisfies Record<number, RefusalReason | 'SERVICE_ERROR'>;

export type FaultCode = keyof typeof FAULT_CODES;

export function faultCodeFor(reason: RefusalReason | 'SERVICE_ERROR'): FaultCode {
  const entry = Object.entries(FAULT_CODES).find(([, r]) => r === reason);
  if (!entry) throw new RangeError(`No applicationFault code for ${reason}`);
  return Number(entry[0]) as FaultCode;
}

/** The delivery status a refusal amounts to (the letter itself is not retried). */
export const STATUS_FOR_REFUSAL: Record<RefusalReason, MailDeliveryStatus> = {
  SENDER_NOT_ACCEPTED: 'NO_CONTACT_WANTED',
  RECIPIENT_PENDING: 'NO_CONTACT_SETTINGS_FOUND',
  RECIPIENT_NOT_REACHABLE: 'NO_CONTACT_SETTINGS_FOUND',
  UNSUPPORTED_OPERATOR: 'NO_CONTACT_SETTINGS_FOUND',
  RECIPIENT_NOT_ADULT: 'NOT_SENT',
  MESSAGE_TOO_LARGE: 'FAILED',
  INVALID_DELIVERY: 'FAILED',
  SIGNATURE_REJECTED: 'FAILED',
  OPERATOR_REFUSED: 'FAILED',
};

/**
 * A letter Mina meddelanden will not take, for a reason retrying does not change. `reason` and
 * `deliveryStatus` say which; the message is safe to store as the letter's status detail (no
 * identity numbers).
 */
export class MailboxRefusalError extends RecipientRefusedError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly faultCode?: number,
  ) {
    super(`${message} (${reason}${faultCode ? `, applicationFault ${faultCode}` : ''})`, STATUS_FOR_REFUSAL[reason]);
  }
}
