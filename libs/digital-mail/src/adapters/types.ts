/**
 * One interface per outside party (issue 6, part 3). The pipeline speaks only to these;
 * MinaMeddelandenOperator speaks Mina meddelanden's SOAP services (and the simulator, which
 * answers the same protocol).
 */

import { KommunaError, MailDeliveryStatus } from '@kommuna/shared-service-contracts';

/** A fault worth retrying: the party was unreachable, overloaded (503) or timed out. */
export class TransientAdapterError extends KommunaError {
  readonly code = 'ADAPTER_TRANSIENT';
  readonly status = 503;
  override readonly exposeMessage = false;
}

/** A refusal that retrying will not change (4xx, a malformed answer, a rejected sender). */
export class PermanentAdapterError extends KommunaError {
  readonly code = 'ADAPTER_PERMANENT';
  readonly status = 502;
  override readonly exposeMessage = false;
}

/**
 * The recipient's mailbox will not take this letter (the sender is no longer accepted, the account
 * is pending, the recipient is a minor …), learnt only at delivery: `deliveryStatus` is what that
 * amounts to, as the same answer at the reachability check would have. FAILED means the letter
 * itself is at fault; any other status is routed like a reachability answer (to paper if allowed).
 */
export class RecipientRefusedError extends PermanentAdapterError {
  constructor(
    message: string,
    readonly deliveryStatus: MailDeliveryStatus,
  ) {
    super(message);
  }
}

export interface ReachabilityResult {
  recipientId: string;
  /** The recipient has a digital mailbox. */
  reachable: boolean;
  mailboxOperator: string | null;
  /** The recipient's mailbox accepts letters from this sender. */
  senderAccepted: boolean;
  /** Why not reachable, when the service says (e.g. RECIPIENT_UNDER_18, RECIPIENT_PENDING, UNSUPPORTED_OPERATOR). */
  reason?: string | null;
  /** Mina meddelanden's account type (Secure, Anonymous, Not) and whether the account is still pending. */
  accountType?: 'Secure' | 'Anonymous' | 'Not';
  pending?: boolean;
}

/** The reason a recipient under 18 gets (the pipeline's routeAfterReachability keys NOT_SENT on it). */
export const UNDER_18_REASON = 'RECIPIENT_UNDER_18';

export interface DigitalDeliveryRequest {
  /** Our message id: also the operator's idempotency key, so a retried delivery is one letter. */
  messageId: string;
  senderOrgNr: string;
  senderName: string;
  recipient: string;
  mailboxOperator: string | null;
  subject: string;
  body: string;
  bodyFormat: 'TEXT' | 'HTML';
  supportInfo: Record<string, string>;
  attachments: Array<{ filename: string; contentType: 'application/pdf'; contentBase64: string; sha256: string }>;
}

/** Mina meddelanden: the reachability (FaR) and delivery services. */
export interface MailboxOperator {
  /** At most MAX_REACHABILITY_BATCH recipients a call. */
  checkReachability(senderOrgNr: string, recipients: string[]): Promise<ReachabilityResult[]>;
  deliver(request: DigitalDeliveryRequest): Promise<{ transactionId: string }>;
}

export const MAX_REACHABILITY_BATCH = 1000;

export interface PostalAddress {
  name: string;
  careOf?: string | null;
  street: string;
  postalCode: string;
  city: string;
}

/** Skydd av personuppgifter: either kind means the address is never printed, shown or passed on. */
export type PersonProtection = 'NONE' | 'SEKRETESSMARKERING' | 'SKYDDAD_FOLKBOKFORING';

/** Whether the person is registered (folkbokförd); deregistered people get no paper letter. */
export type RegistrationStatus = 'ACTIVE' | 'DECEASED' | 'EMIGRATED' | 'DEREGISTERED' | 'NOT_FOUND';

/** One person as the population register answers, reduced to what Kommuna uses. */
export interface PersonRecord {
  /** 12 digits (personnummer or samordningsnummer). */
  identityNumber: string;
  status: RegistrationStatus;
  protection: PersonProtection;
  name: { givenName: string | null; familyName: string } | null;
  /** The folkbokföringsadress. Always null for a protected person: the adapter drops it on arrival. */
  address: PostalAddress | null;
}

/** Where a paper letter goes: an address, or why it goes nowhere (the delivery's status detail). */
export type PaperAddress = PostalAddress | { withheld: string } | null;

/** The population register (folkbokföringen, Navet): people and paper addresses by identity number. */
export interface PopulationRegister {
  /** A record for each id asked (status NOT_FOUND for an id the register does not know). */
  lookupPeople(ids: string[]): Promise<Map<string, PersonRecord>>;
  /**
   * Where each person's paper letter goes, as the tenant's protectedIdentityLetters says: an
   * address, `{ withheld }` (protected and held, deceased, emigrated, unknown) or null (no address).
   */
  lookupAddresses(ids: string[]): Promise<Map<string, PaperAddress>>;
}

/** The register refused our configuration (credentials, order): retrying will not help until tenant.yaml or a secret changes. */
export class AdapterConfigurationError extends PermanentAdapterError {}

export interface PrintLetter {
  sequence: number;
  messageId: string;
  pdf: Buffer;
  pageCount: number;
  sha256: string;
}

export interface PrintBatchDescription {
  batchId: string;
  tenantSlug: string;
  senderName: string;
  letterCount: number;
}

/** The print and distribution provider: receives a whole batch, once. */
export interface PrintProvider {
  /** Idempotent per batch id: releasing a batch again returns where it already is. */
  release(batch: PrintBatchDescription, letters: AsyncIterable<PrintLetter>): Promise<{ location: string }>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** E-mail notices (e.g. to the sender when a bulk send is done). */
export interface EmailNotifier {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/** What the delivery pipeline needs from the outside world, for one tenant. */
export interface DigitalMailAdapters {
  mailbox: MailboxOperator;
  population: PopulationRegister;
  print: PrintProvider;
  email?: EmailNotifier;
}
