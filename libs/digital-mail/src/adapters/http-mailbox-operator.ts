import { HttpPartyOptions, postJson } from './http-json';
import { DigitalDeliveryRequest, MailboxOperator, MAX_REACHABILITY_BATCH, PermanentAdapterError, ReachabilityResult } from './types';

/** Mina meddelanden's reachability and delivery services over HTTP (the simulator in development). */
export class HttpMailboxOperator implements MailboxOperator {
  constructor(private readonly options: HttpPartyOptions) {}

  async checkReachability(senderOrgNr: string, recipients: string[]): Promise<ReachabilityResult[]> {
    if (recipients.length > MAX_REACHABILITY_BATCH) {
      throw new RangeError(`At most ${MAX_REACHABILITY_BATCH} recipients per reachability call, got ${recipients.length}`);
    }
    const results = await postJson<ReachabilityResult[]>(
      this.options,
      '/reachability',
      { senderOrgNr, recipients },
      'Reachability service',
    );
    if (!Array.isArray(results)) throw new PermanentAdapterError('Reachability service answered without a result list');
    return results.map((r) => ({
      recipientId: String(r.recipientId),
      reachable: r.reachable === true,
      mailboxOperator: typeof r.mailboxOperator === 'string' ? r.mailboxOperator : null,
      senderAccepted: r.senderAccepted === true,
      reason: typeof r.reason === 'string' ? r.reason : null,
    }));
  }

  async deliver(request: DigitalDeliveryRequest): Promise<{ transactionId: string }> {
    const answer = await postJson<{ transactionId?: unknown }>(this.options, '/deliveries', request, 'Mailbox operator');
    if (typeof answer?.transactionId !== 'string' || !answer.transactionId) {
      throw new PermanentAdapterError('Mailbox operator answered without a transaction id');
    }
    return { transactionId: answer.transactionId };
  }
}
