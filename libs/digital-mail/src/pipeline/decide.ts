import type { MailDeliveryStatus } from '@kommuna/shared-service-contracts';
import { ReachabilityResult, UNDER_18_REASON } from '../adapters/types';

/** The reachability reason for a minor (the adapters' UNDER_18_REASON). */
export const UNDER_18 = UNDER_18_REASON;

export type RouteDecision =
  { next: 'DIGITAL'; mailboxOperator: string | null } | { next: 'PAPER'; why: string } | { final: MailDeliveryStatus; detail: string };

/**
 * Where a letter goes after the reachability check. Paper is the fallback whenever digital
 * delivery is impossible and paper is allowed (the municipality's setting and the letter's).
 */
export function routeAfterReachability(result: ReachabilityResult | undefined, paperAllowed: boolean): RouteDecision {
  if (!result) return { final: 'FAILED', detail: 'The reachability service gave no answer for the recipient' };
  if (result.reachable && result.senderAccepted) return { next: 'DIGITAL', mailboxOperator: result.mailboxOperator };
  const [status, why]: [MailDeliveryStatus, string] = !result.reachable
    ? result.reason === UNDER_18
      ? ['NOT_SENT', 'The recipient is under 18 and cannot receive digital mail']
      : ['NO_CONTACT_SETTINGS_FOUND', 'The recipient has no digital mailbox']
    : ['NO_CONTACT_WANTED', "The recipient's mailbox does not accept letters from this sender"];
  return paperAllowed ? { next: 'PAPER', why } : { final: status, detail: `${why}; paper is not allowed for this letter` };
}
