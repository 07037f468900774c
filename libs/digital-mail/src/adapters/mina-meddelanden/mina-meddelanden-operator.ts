import { parsePersonnummer, stockholmDay } from '@kommuna/shared-identifiers';
import type { ClientTls } from '../http-json';
import { DigitalDeliveryRequest, MailboxOperator, PermanentAdapterError, ReachabilityResult } from '../types';
import { UNDER_18_REASON } from '../types';
import type { CredentialSource, MailboxCredentials } from './credentials';
import { MailboxRefusalError, RefusalReason } from './faults';
import {
  deliverSecureRequest,
  isReachableRequest,
  readDeliverSecureResponse,
  readIsReachableResponse,
  ReachabilityStatus,
  sealedDelivery,
  SecureLetter,
  signedDelivery,
} from './messages';
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS_PER_CALL, SUBJECT_MAX, SUPPORT_TEXT_MAX } from './namespaces';
import { callSoap } from './soap';
import { ContractViolation } from './xml';

export interface MinaMeddelandenOptions {
  /** The Recipient service (FaR) that answers isReachable. */
  recipientServiceUrl: string;
  credentials: CredentialSource;
  /** Operators this member has agreed to deliver through (case-insensitive, part of the name, e.g. "Kivra"); empty: all. */
  acceptedOperators?: string[];
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * Mina meddelanden, sender side, over its SOAP 1.1 services: reachability from the Recipient
 * service (isReachable, at most 1,000 ids a call, more are sent in batches) and delivery with
 * deliverSecure to the recipient's operator, as a SealedDelivery signed by the member and sealed
 * by the intermediary. Mutual TLS with the member's organisation certificate on every call.
 */
export class MinaMeddelandenOperator implements MailboxOperator {
  /** Operator name → its deliverSecure address, learnt from reachability answers. */
  private readonly serviceAddresses = new Map<string, string>();
  private tls: ClientTls | undefined;

  constructor(private readonly options: MinaMeddelandenOptions) {}

  async checkReachability(senderOrgNr: string, recipients: string[]): Promise<ReachabilityResult[]> {
    const credentials = await this.options.credentials();
    const results: ReachabilityResult[] = [];
    for (let start = 0; start < recipients.length; start += MAX_RECIPIENTS_PER_CALL) {
      const batch = recipients.slice(start, start + MAX_RECIPIENTS_PER_CALL);
      for (const status of await this.isReachable(credentials, senderOrgNr, batch)) results.push(status);
    }
    return results;
  }

  async deliver(request: DigitalDeliveryRequest): Promise<{ transactionId: string }> {
    // Everything that can be checked here is checked before anything is signed or sent.
    const letter = this.letterOf(request);
    const credentials = await this.options.credentials();
    const operator = await this.operatorFor(credentials, request);
    const envelope = await this.signedRequest(letter, credentials);
    const party = `Mailbox operator ${operator.name}`;
    const body = await callSoap(operator.address, envelope, this.callOptions(credentials), party);
    const result = this.readAnswer(party, () => readDeliverSecureResponse(body));
    const status = result.statuses.find((s) => s.recipientId === letter.recipientId);
    if (!status?.delivered) throw new MailboxRefusalError('OPERATOR_REFUSED', `${party} did not deliver the letter`);
    if (!result.transId) throw new PermanentAdapterError(`${party} answered without a transaction id`);
    return { transactionId: result.transId };
  }

  // ---- reachability ---------------------------------------------------------------------------

  private async isReachable(credentials: MailboxCredentials, senderOrgNr: string, recipients: string[]): Promise<ReachabilityResult[]> {
    const ours = new Map(recipients.map((id) => [minaMeddelandenId(id), id]));
    const body = await callSoap(
      this.options.recipientServiceUrl,
      isReachableRequest(minaMeddelandenId(senderOrgNr), [...ours.keys()]),
      this.callOptions(credentials),
      'Reachability service',
    );
    const statuses = this.readAnswer('Reachability service', () => readIsReachableResponse(body));
    return statuses.flatMap((status) => {
      const recipientId = ours.get(status.recipientId);
      if (recipientId === undefined) return [];
      return [this.resultOf(recipientId, status)];
    });
  }

  private resultOf(recipientId: string, status: ReachabilityStatus): ReachabilityResult {
    const supplier = status.serviceSupplier;
    const base = {
      recipientId,
      mailboxOperator: supplier?.name ?? null,
      senderAccepted: status.senderAccepted,
      accountType: status.accountType,
      pending: status.pending,
    };
    const reason = this.unreachableReason(status);
    if (reason || !supplier) return { ...base, reachable: false, reason: reason ?? 'NO_MAILBOX' };
    this.serviceAddresses.set(supplier.name, supplier.serviceAddress);
    return { ...base, reachable: true, reason: null };
  }

  /** Why a recipient cannot get this letter digitally, or null (the sender's acceptance is judged by the pipeline). */
  private unreachableReason(status: ReachabilityStatus): string | null {
    if (status.accountType === 'Not') return 'NO_MAILBOX';
    // An anonymous account has not been opened with an e-identification: no secure deliveries.
    if (status.accountType === 'Anonymous') return 'NOT_SECURE_ACCOUNT';
    if (status.pending) return 'RECIPIENT_PENDING';
    if (!status.serviceSupplier?.serviceAddress) return 'NO_MAILBOX';
    if (!isAdult(status.recipientId, this.now())) return UNDER_18_REASON;
    if (!this.accepts(status.serviceSupplier.name)) return 'UNSUPPORTED_OPERATOR';
    return null;
  }

  private accepts(operatorName: string): boolean {
    const accepted = this.options.acceptedOperators ?? [];
    return accepted.length === 0 || accepted.some((name) => operatorName.toLowerCase().includes(name.toLowerCase()));
  }

  // ---- delivery -------------------------------------------------------------------------------

  private letterOf(request: DigitalDeliveryRequest): SecureLetter {
    const invalid = (message: string) => new MailboxRefusalError('INVALID_DELIVERY', message);
    if (request.subject.length === 0 || request.subject.length > SUBJECT_MAX)
      throw invalid(`The subject must be 1-${SUBJECT_MAX} characters`);
    const text = request.supportInfo.text?.trim();
    if (!text || text.length > SUPPORT_TEXT_MAX) throw invalid(`The support text must be 1-${SUPPORT_TEXT_MAX} characters`);
    if (request.senderName.trim().length < 2) throw invalid('The sender name must be at least 2 characters');
    const body = Buffer.from(request.body, 'utf8');
    const attachments = request.attachments.map((a) => ({
      contentType: a.contentType,
      filename: a.filename,
      content: Buffer.from(a.contentBase64, 'base64'),
    }));
    const size = body.length + attachments.reduce((sum, a) => sum + a.content.length, 0);
    if (size > MAX_MESSAGE_BYTES) {
      throw new MailboxRefusalError(
        'MESSAGE_TOO_LARGE',
        `The letter is ${size} bytes with its attachments; Mina meddelanden takes at most ${MAX_MESSAGE_BYTES}`,
      );
    }
    return {
      messageId: request.messageId,
      sender: { id: minaMeddelandenId(request.senderOrgNr), name: request.senderName.trim() },
      recipientId: minaMeddelandenId(request.recipient),
      subject: request.subject,
      supportInfo: { text, url: request.supportInfo.url, phone: request.supportInfo.phone, email: request.supportInfo.email },
      body: { contentType: request.bodyFormat === 'HTML' ? 'text/html' : 'text/plain', content: body },
      attachments,
    };
  }

  private async signedRequest(letter: SecureLetter, credentials: MailboxCredentials): Promise<string> {
    try {
      const signed = await signedDelivery(letter, credentials.organisation);
      // We are the intermediary too: the sender's signature was made just above, so the seal can
      // say SignaturesOK without checking it again.
      return deliverSecureRequest(await sealedDelivery(signed, credentials.seal, this.now()));
    } catch (error) {
      // Text XML cannot carry (a control character in the subject, say): the letter is at fault.
      if (error instanceof ContractViolation)
        throw new MailboxRefusalError('INVALID_DELIVERY', `The letter cannot be sent: ${error.message}`);
      throw error;
    }
  }

  /**
   * The recipient's operator and its address: learnt from the reachability answer, or (after a
   * restart) asked again, which also notices a mailbox closed since.
   */
  private async operatorFor(credentials: MailboxCredentials, request: DigitalDeliveryRequest): Promise<{ name: string; address: string }> {
    const name = request.mailboxOperator;
    const known = name ? this.serviceAddresses.get(name) : undefined;
    if (name && known && this.accepts(name)) return { name, address: known };
    const [answer] = await this.isReachable(credentials, request.senderOrgNr, [request.recipient]);
    if (!answer) throw new PermanentAdapterError('The reachability service gave no answer for the recipient');
    if (!answer.reachable || !answer.senderAccepted) {
      const reason: RefusalReason = !answer.reachable
        ? ((
            {
              RECIPIENT_PENDING: 'RECIPIENT_PENDING',
              UNSUPPORTED_OPERATOR: 'UNSUPPORTED_OPERATOR',
              [UNDER_18_REASON]: 'RECIPIENT_NOT_ADULT',
            } as Record<string, RefusalReason>
          )[answer.reason ?? ''] ?? 'RECIPIENT_NOT_REACHABLE')
        : 'SENDER_NOT_ACCEPTED';
      throw new MailboxRefusalError(reason, 'The recipient cannot receive this letter digitally');
    }
    const address = answer.mailboxOperator ? this.serviceAddresses.get(answer.mailboxOperator) : undefined;
    if (!answer.mailboxOperator || !address)
      throw new PermanentAdapterError('The reachability service named no operator address for the recipient');
    return { name: answer.mailboxOperator, address };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private callOptions(credentials: MailboxCredentials) {
    const { certificatePem, privateKeyPem } = credentials.organisation;
    const caPem = credentials.serviceCaPem;
    // The same object while the certificate is the same, so its kept-alive TLS connections are reused.
    if (!this.tls || this.tls.certificatePem !== certificatePem || this.tls.privateKeyPem !== privateKeyPem || this.tls.caPem !== caPem) {
      this.tls = { certificatePem, privateKeyPem, caPem };
    }
    return { tls: this.tls, timeoutMs: this.options.timeoutMs };
  }

  private readAnswer<T>(party: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof ContractViolation) throw new PermanentAdapterError(`${party} answered outside the contract: ${error.message}`);
      throw error;
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/**
 * Our identity numbers in Mina meddelanden's form: a personnummer as its 12 digits, an
 * organisationsnummer (NNNNNN-NNNN) with the 16 prefix (RecipientId / OrganizationNumber).
 */
export function minaMeddelandenId(id: string): string {
  const digits = id.replace(/\D/g, '');
  if (digits.length === 10) return `16${digits}`;
  return digits;
}

/** 18 or older today in Sweden (a 16-prefixed organisation is no person and counts as adult). */
export function isAdult(recipientId: string, now: Date): boolean {
  if (recipientId.startsWith('16')) return true;
  const parsed = parsePersonnummer(recipientId, { referenceDate: now });
  if (!parsed.ok) return true;
  const [year, month, day] = parsed.value.birthDate.split('-').map(Number);
  // A birthday begins at Swedish midnight, not UTC's an hour or two later.
  const today = stockholmDay(now).split('-').map(Number);
  const age = today[0] - year - (today[1] < month || (today[1] === month && today[2] < day) ? 1 : 0);
  return age >= 18;
}
