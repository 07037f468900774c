import { randomUUID, X509Certificate } from 'node:crypto';
import {
  minaMeddelanden as mm,
  type MinaMeddelandenFaultCode,
  type MinaMeddelandenReachabilityStatus,
  type MinaMeddelandenRefusalReason,
} from '@kommuna/digital-mail';

/**
 * Mina meddelanden's SOAP services as the simulator answers them: the Recipient service
 * (isReachable) at /mina-meddelanden/Recipient/v3 and each operator's Service (deliverSecure) at
 * /mina-meddelanden/service/<operator>/v3. Requests are read with the same contract as the
 * adapter's (element names and namespaces from DIGG's schemas); deliveries are refused with the
 * applicationFault a real operator would give: unchecked signatures, wrong checksums, an
 * oversized letter, a recipient the operator does not have, pending, a minor, a refused sender.
 */

/** What the simulator's settings say about recipients and senders (SimulatorConfig's fields). */
export interface MinaMeddelandenCases {
  reachable: string[];
  unreachable: string[];
  under18: string[];
  refusingRecipients: string[];
  rejectedSenders: string[];
  /** Accounts opened but not yet confirmed (Pending true). */
  pending: string[];
  /** Accounts never opened with an e-identification (Type Anonymous). */
  anonymous: string[];
  /** Mailboxes at an operator Kommuna's members have no agreement with. */
  unknownOperator: string[];
}

export interface MinaMeddelandenHost {
  cases(): MinaMeddelandenCases;
  /** Whether the recipient has a mailbox by the simulator's share and lists. */
  hasMailbox(id: string): boolean;
  /** The recipient's operator by name (Kivra, Min myndighetspost, Billo, Fortnox). */
  operatorOf(id: string): string;
  baseUrl(): string;
  onReachabilityCall(call: { senderOrgNr: string; recipientCount: number }): void;
  /** Counts a delivery request; `accepted` when it is a new letter. */
  onDelivery(messageId: string, record: { accepted: boolean; letter?: SimulatedLetter }): void;
  /** Issuers the senders' and intermediaries' certificates must come from; empty: any that verifies. */
  trustedIssuers(): X509Certificate[];
}

export interface SimulatedLetter {
  messageId: string;
  transactionId: string;
  recipient: string;
  mailboxOperator: string;
  senderOrgNr: string;
  subject: string;
  attachmentCount: number;
  receivedAt: string;
  /** The certificate subjects of the sender's signature and the intermediary's seal, both verified. */
  signedBy: string;
  sealedBy: string;
}

export interface SoapAnswer {
  status: number;
  body: string;
}

const OPERATORS = [
  { slug: 'kivra', name: 'Kivra', id: '165560000001', ui: 'https://www.kivra.com' },
  { slug: 'min-myndighetspost', name: 'Min myndighetspost', id: '165560000002', ui: 'https://minameddelanden.gov.se' },
  { slug: 'billo', name: 'Billo', id: '165560000003', ui: 'https://www.billo.se' },
  { slug: 'fortnox', name: 'Fortnox', id: '165560000004', ui: 'https://www.fortnox.se' },
];
/** The operator behind `unknownOperator`: real enough to answer, unknown to Kommuna's members. */
const UNKNOWN_OPERATOR = { slug: 'okand-brevlada', name: 'Okänd Brevlåda AB', id: '165560000099', ui: null };

export const RECIPIENT_PATH = mm.SIMULATOR_RECIPIENT_PATH;
const SERVICE_PATH = /^\/mina-meddelanden\/service\/([a-z-]+)\/v3$/;

/** 212000-2411 and 162120002411 name the same organisation. */
export function organisationKey(id: string): string {
  const digits = id.replace(/\D/g, '');
  return digits.length === 12 && digits.startsWith('16') ? digits.slice(2) : digits;
}

export function createMinaMeddelandenServices(host: MinaMeddelandenHost) {
  const delivered = new Map<string, SimulatedLetter>();

  const operatorFor = (id: string) =>
    host.cases().unknownOperator.includes(id) ? UNKNOWN_OPERATOR : (OPERATORS.find((o) => o.name === host.operatorOf(id)) ?? OPERATORS[0]);

  const senderRejected = (senderOrgNr: string) =>
    host.cases().rejectedSenders.some((s) => organisationKey(s) === organisationKey(senderOrgNr));

  function statusOf(senderOrgNr: string, id: string): MinaMeddelandenReachabilityStatus {
    const cases = host.cases();
    // A minor may have a Kivra account; the operator refuses their letters from authorities (6004).
    const hasAccount =
      cases.under18.includes(id) ||
      cases.pending.includes(id) ||
      cases.anonymous.includes(id) ||
      cases.unknownOperator.includes(id) ||
      host.hasMailbox(id);
    if (!hasAccount) return { recipientId: id, accountType: 'Not', pending: false, serviceSupplier: null, senderAccepted: false };
    const operator = operatorFor(id);
    return {
      recipientId: id,
      accountType: cases.anonymous.includes(id) ? 'Anonymous' : 'Secure',
      pending: cases.pending.includes(id),
      serviceSupplier: {
        id: operator.id,
        name: operator.name,
        serviceAddress: `${host.baseUrl()}/mina-meddelanden/service/${operator.slug}/v3`,
        uiAddress: operator.ui,
      },
      senderAccepted: !senderRejected(senderOrgNr) && !cases.refusingRecipients.includes(id),
    };
  }

  function isReachable(raw: string): SoapAnswer {
    const { senderOrgNr, recipientIds } = mm.readIsReachableRequest(mm.soapBodyElement(raw));
    if (!/^16\d{10}$/.test(senderOrgNr)) return refuse('INVALID_DELIVERY', 'senderOrgNr is not a 16-prefixed organisationsnummer');
    if (recipientIds.length > mm.MAX_RECIPIENTS_PER_CALL)
      return refuse('INVALID_DELIVERY', `At most ${mm.MAX_RECIPIENTS_PER_CALL} recipients a call`);
    host.onReachabilityCall({ senderOrgNr: dashed(senderOrgNr), recipientCount: recipientIds.length });
    return { status: 200, body: mm.isReachableResponse(recipientIds.map((id) => statusOf(senderOrgNr, id))) };
  }

  function deliverSecure(operatorSlug: string, raw: string): SoapAnswer {
    const operator = [...OPERATORS, UNKNOWN_OPERATOR].find((o) => o.slug === operatorSlug);
    if (!operator) return { status: 404, body: 'No such operator' };
    // Both layers: the intermediary's seal over everything, the sender's signature over the delivery.
    const { letter, sealedBy, signedBy } = mm.verifiedDelivery(mm.soapBodyElement(raw), { trustedIssuers: host.trustedIssuers() });
    host.onDelivery(letter.messageId, { accepted: false });
    if (!letter.seal.signaturesOk)
      return refuse('SIGNATURE_REJECTED', 'The intermediary did not confirm the sender signature (SignaturesOK false)');
    if (letter.language !== mm.LANGUAGE) return refuse('INVALID_DELIVERY', `Language must be ${mm.LANGUAGE}`);
    if (letter.subject.length > mm.SUBJECT_MAX || letter.supportInfo.text.length > mm.SUPPORT_TEXT_MAX)
      return refuse('INVALID_DELIVERY', 'Subject or support text too long');
    for (const attachment of letter.attachments) {
      if (attachment.checksum !== mm.attachmentChecksum(attachment.content))
        return refuse('INVALID_DELIVERY', `The checksum of ${attachment.filename} does not match its content`);
    }
    const size = letter.body.content.length + letter.attachments.reduce((sum, a) => sum + a.content.length, 0);
    if (size > mm.MAX_MESSAGE_BYTES) return refuse('MESSAGE_TOO_LARGE', `The message is ${size} bytes; at most ${mm.MAX_MESSAGE_BYTES}`);
    const status = statusOf(letter.sender.id, letter.recipientId);
    if (status.accountType !== 'Secure' || status.serviceSupplier?.id !== operator.id)
      return refuse('RECIPIENT_NOT_REACHABLE', 'The recipient has no secure mailbox at this operator');
    if (status.pending) return refuse('RECIPIENT_PENDING', "The recipient's account is not yet confirmed");
    if (host.cases().under18.includes(letter.recipientId) || !mm.isAdult(letter.recipientId, new Date()))
      return refuse('RECIPIENT_NOT_ADULT', 'The recipient is not an adult');
    if (!status.senderAccepted) return refuse('SENDER_NOT_ACCEPTED', 'The recipient does not accept letters from this sender');
    // The message id is the key: the same letter delivered again gets the first answer.
    const key = `${organisationKey(letter.sender.id)}:${letter.messageId}`;
    let record = delivered.get(key);
    if (!record) {
      record = {
        messageId: letter.messageId,
        transactionId: `mm-${randomUUID()}`,
        recipient: letter.recipientId,
        mailboxOperator: operator.name,
        senderOrgNr: dashed(letter.sender.id),
        subject: letter.subject,
        attachmentCount: letter.attachments.length,
        receivedAt: new Date().toISOString(),
        signedBy: signedBy.subject.replace(/\n/g, ', '),
        sealedBy: sealedBy.subject.replace(/\n/g, ', '),
      };
      delivered.set(key, record);
      host.onDelivery(letter.messageId, { accepted: true, letter: record });
    }
    return { status: 200, body: mm.deliverSecureResponse(record.transactionId, letter.recipientId, true) };
  }

  return {
    /** Whether `path` is one of these services. */
    serves(path: string): boolean {
      return path === RECIPIENT_PATH || SERVICE_PATH.test(path);
    },
    /** The answer to a SOAP request to one of these services. */
    handle(method: string, path: string, raw: string): SoapAnswer {
      const service = SERVICE_PATH.exec(path);
      if (method !== 'POST') return { status: 405, body: 'POST a SOAP 1.1 envelope' };
      try {
        return service ? deliverSecure(service[1], raw) : isReachable(raw);
      } catch (error) {
        if (error instanceof mm.SignatureRejected) return refuse('SIGNATURE_REJECTED', error.message);
        if (error instanceof mm.ContractViolation) return refuse('INVALID_DELIVERY', error.message);
        throw error;
      }
    },
    reset(): void {
      delivered.clear();
    },
  };
}

/** A SOAP fault (HTTP 500, as SOAP 1.1 answers faults) with the applicationFault for the reason. */
function refuse(reason: MinaMeddelandenRefusalReason, description: string): SoapAnswer {
  const code: MinaMeddelandenFaultCode = mm.faultCodeFor(reason);
  return { status: 500, body: mm.applicationFaultEnvelope(code, description) };
}

function dashed(orgNr: string): string {
  const key = organisationKey(orgNr);
  return key.length === 10 ? `${key.slice(0, 6)}-${key.slice(6)}` : key;
}
