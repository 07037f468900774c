import { createHash, X509Certificate } from 'node:crypto';
import { stockholmDay } from '@kommuna/shared-identifiers';
import { NS } from './namespaces';
import { LANGUAGE } from './namespaces';
import { canonicalElement, CanonicalContent, canonicalOf } from './canonical';
import { envelopedSignatureOf, signCanonical, SigningKey, verifySignature, VerifyOptions } from './signature';
import { soapEnvelope } from './soap';
import {
  childElements,
  childrenNamed,
  ContractViolation,
  element,
  newDocument,
  optional,
  optionalChild,
  optionalText,
  parseXml,
  requiredBoolean,
  requiredChild,
  requiredText,
  serialize,
  textOf,
} from './xml';

// ---- Recipient service: isReachable ---------------------------------------------------------

export type AccountType = 'Secure' | 'Anonymous' | 'Not';

export interface ServiceSupplier {
  /** The operator's organisationsnummer, 16-prefixed. */
  id: string;
  name: string;
  /** Where its deliverSecure service answers. */
  serviceAddress: string;
  uiAddress: string | null;
}

/** One recipient's answer (Recipient ReachabilityStatus). */
export interface ReachabilityStatus {
  recipientId: string;
  accountType: AccountType;
  pending: boolean;
  serviceSupplier: ServiceSupplier | null;
  senderAccepted: boolean;
}

export function isReachableRequest(senderOrgNr: string, recipientIds: string[]): string {
  return soapEnvelope((doc) =>
    element(
      doc,
      NS.recipientV3,
      'isReachable',
      element(doc, NS.recipientV3, 'senderOrgNr', senderOrgNr),
      recipientIds.map((id) => element(doc, NS.recipientV3, 'recipientId', id)),
    ),
  );
}

export function readIsReachableRequest(body: Element): { senderOrgNr: string; recipientIds: string[] } {
  expectElement(body, NS.recipientV3, 'isReachable');
  return {
    senderOrgNr: requiredText(body, NS.recipientV3, 'senderOrgNr'),
    recipientIds: childrenNamed(body, NS.recipientV3, 'recipientId').map(textOf),
  };
}

export function isReachableResponse(statuses: ReachabilityStatus[]): string {
  return soapEnvelope((doc) => {
    const r = (name: string, ...content: Parameters<typeof element>[3][]) => element(doc, NS.recipient, name, ...content);
    return element(
      doc,
      NS.recipientV3,
      'isReachableResponse',
      statuses.map((s) =>
        element(
          doc,
          NS.recipientV3,
          'return',
          r(
            'AccountStatus',
            r('RecipientId', s.recipientId),
            r('Type', s.accountType),
            r('Pending', s.pending),
            s.serviceSupplier
              ? r(
                  'ServiceSupplier',
                  r('Id', s.serviceSupplier.id),
                  r('Name', s.serviceSupplier.name),
                  r('ServiceAdress', s.serviceSupplier.serviceAddress),
                  optional(doc, NS.recipient, 'UIAdress', s.serviceSupplier.uiAddress),
                  r('InternalServiceAdress', s.serviceSupplier.serviceAddress),
                )
              : null,
          ),
          r('SenderAccepted', s.senderAccepted),
        ),
      ),
    );
  });
}

export function readIsReachableResponse(body: Element): ReachabilityStatus[] {
  expectElement(body, NS.recipientV3, 'isReachableResponse');
  return childrenNamed(body, NS.recipientV3, 'return').map((ret) => {
    const account = requiredChild(ret, NS.recipient, 'AccountStatus');
    const type = requiredText(account, NS.recipient, 'Type');
    if (type !== 'Secure' && type !== 'Anonymous' && type !== 'Not')
      throw new ContractViolation(`Unknown account type "${type.slice(0, 20)}"`);
    const supplier = optionalChild(account, NS.recipient, 'ServiceSupplier');
    return {
      recipientId: requiredText(account, NS.recipient, 'RecipientId'),
      accountType: type,
      pending: requiredBoolean(account, NS.recipient, 'Pending'),
      serviceSupplier: supplier
        ? {
            id: requiredText(supplier, NS.recipient, 'Id'),
            name: requiredText(supplier, NS.recipient, 'Name'),
            serviceAddress: requiredText(supplier, NS.recipient, 'ServiceAdress'),
            uiAddress: optionalText(supplier, NS.recipient, 'UIAdress'),
          }
        : null,
      senderAccepted: requiredBoolean(ret, NS.recipient, 'SenderAccepted'),
    };
  });
}

// ---- Service: deliverSecure -----------------------------------------------------------------

export interface SupportInfoFields {
  text: string;
  url?: string | null;
  phone?: string | null;
  email?: string | null;
}

/** One letter to one recipient, as SecureDelivery carries it. */
export interface SecureLetter {
  /** Our message id: MessageHeader Id (the operator's key for a repeated delivery). */
  messageId: string;
  sender: { id: string; name: string };
  recipientId: string;
  subject: string;
  supportInfo: SupportInfoFields;
  body: { contentType: 'text/plain' | 'text/html'; content: Buffer };
  attachments: Array<{ contentType: string; filename: string; content: Buffer }>;
}

/** MD5 of the attachment's bytes in upper-case hex, as Attachment/Checksum carries it. */
export function attachmentChecksum(content: Buffer): string {
  return createHash('md5').update(content).digest('hex').toUpperCase();
}

/**
 * The SignedDelivery as its own document, signed by the sender (the member's organisation
 * certificate), in exclusive canonical form: written as it is digested (canonical.ts), so a large
 * attachment is copied into the document once and never parsed or walked.
 */
export async function signedDelivery(letter: SecureLetter, sender: SigningKey): Promise<string> {
  const m3 = (name: string, ...content: CanonicalContent[]) => canonicalElement(NS.messageV3, name, ...content);
  const m1 = (name: string, ...content: CanonicalContent[]) => canonicalElement(NS.message, name, ...content);
  const optional = (name: string, value: string | null | undefined) =>
    value === null || value === undefined || value === '' ? null : m3(name, value);
  const root = m3(
    'SignedDelivery',
    m3(
      'Delivery',
      m3(
        'Header',
        canonicalElement(
          NS.messageV2,
          'Sender',
          canonicalElement(NS.sender, 'Id', letter.sender.id),
          canonicalElement(NS.sender, 'Name', letter.sender.name),
        ),
        canonicalElement(NS.messageV2, 'Recipient', letter.recipientId),
      ),
      m3(
        'Message',
        m3(
          'Header',
          m3('Id', letter.messageId),
          m3('Subject', letter.subject),
          m3(
            'Supportinfo',
            m3('Text', letter.supportInfo.text),
            optional('URL', letter.supportInfo.url),
            optional('PhoneNumber', letter.supportInfo.phone),
            optional('EmailAdress', letter.supportInfo.email),
          ),
          m3('Language', LANGUAGE),
        ),
        m3('Body', m1('ContentType', letter.body.contentType), m1('Body', letter.body.content.toString('base64'))),
        letter.attachments.map((a) =>
          m3(
            'Attachment',
            m1('ContentType', a.contentType),
            m1('Body', a.content.toString('base64')),
            m1('Checksum', attachmentChecksum(a.content)),
            m1('Filename', a.filename),
          ),
        ),
      ),
    ),
  );
  return signCanonical(root.canonical(), NS.messageV3, sender);
}

const SIGNED_DELIVERY_START = `<SignedDelivery xmlns="${NS.messageV3}">`;
const SEALED_DELIVERY_START = `<SealedDelivery xmlns="${NS.messageV3}">`;

/**
 * The SealedDelivery as its own document: the signed delivery, the seal (when the intermediary
 * received it, and that it checked the sender's signature) and the intermediary's signature.
 * `signedXml` is a SignedDelivery in canonical form, as signedDelivery and signEnveloped return
 * it: it goes in as it is, its namespace declared by the SealedDelivery around it.
 */
export async function sealedDelivery(signedXml: string, intermediary: SigningKey, receivedAt: Date): Promise<string> {
  if (!signedXml.startsWith(SIGNED_DELIVERY_START) || !signedXml.endsWith('</SignedDelivery>'))
    throw new ContractViolation('A SealedDelivery seals a SignedDelivery in canonical form (as signedDelivery returns it)');
  const seal = canonicalElement(
    NS.messageV3,
    'Seal',
    // xs:date without a zone: the day the intermediary received it where it works, Sweden (as the
    // reference sender's local GregorianCalendar gives it), not the UTC date, a day early after Swedish midnight.
    canonicalElement(NS.message, 'ReceivedTime', stockholmDay(receivedAt)),
    canonicalElement(NS.message, 'SignaturesOK', true),
  );
  const sealed = `${SEALED_DELIVERY_START}<SignedDelivery>${signedXml.slice(SIGNED_DELIVERY_START.length)}${seal.canonical(NS.messageV3)}</SealedDelivery>`;
  return signCanonical(sealed, NS.messageV3, intermediary);
}

/**
 * deliverSecure's request: the sealed delivery's content under Service/v3 deliverSecure/deliverSecure.
 * The inner element declares Message/v3 as the default namespace, so the sealed delivery's
 * children go in as they are (a prefix names the Service/v3 elements).
 */
export function deliverSecureRequest(sealedXml: string): string {
  if (!sealedXml.startsWith(SEALED_DELIVERY_START) || !sealedXml.endsWith('</SealedDelivery>'))
    throw new ContractViolation('deliverSecure carries a SealedDelivery in canonical form (as sealedDelivery returns it)');
  const content = sealedXml.slice(SEALED_DELIVERY_START.length, -'</SealedDelivery>'.length);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.soap}"><soapenv:Body>` +
    `<s:deliverSecure xmlns:s="${NS.serviceV3}"><s:deliverSecure xmlns="${NS.messageV3}">${content}</s:deliverSecure></s:deliverSecure>` +
    `</soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * The operator's side of deliverSecure: both signatures verified on the one parsed request (the
 * intermediary's seal over the SealedDelivery the wire's element stands for, the sender's over
 * its SignedDelivery), and the letter read from the same elements that were verified.
 */
export function verifiedDelivery(
  body: Element,
  options: VerifyOptions,
): { letter: ReceivedLetter; sealedBy: X509Certificate; signedBy: X509Certificate } {
  const wire = deliverSecureContent(body);
  const seal = envelopedSignatureOf(wire);
  const sealed = childElements(wire).filter((child) => child !== seal);
  // The SealedDelivery's canonical form: its children as under a SealedDelivery root (Message/v3).
  const sealedBy = verifySignature(
    seal,
    (prefixes) => `${SEALED_DELIVERY_START}${sealed.map((child) => canonicalOf(child, NS.messageV3, prefixes)).join('')}</SealedDelivery>`,
    options,
  );
  const signed = requiredChild(wire, NS.messageV3, 'SignedDelivery');
  const signature = envelopedSignatureOf(signed);
  signed.removeChild(signature);
  const signedBy = verifySignature(signature, (prefixes) => canonicalOf(signed, '', prefixes), options);
  return { letter: readSealed(wire), sealedBy, signedBy };
}

function deliverSecureContent(body: Element): Element {
  expectElement(body, NS.serviceV3, 'deliverSecure');
  return requiredChild(body, NS.serviceV3, 'deliverSecure');
}

/**
 * The two signed documents inside a deliverSecure request, rebuilt as they were signed: the
 * SealedDelivery (root renamed back from the wire's deliverSecure) and its SignedDelivery.
 */
export function signedDocumentsOf(body: Element): { sealedXml: string; signedXml: string } {
  const wire = deliverSecureContent(body);
  const sealed = newDocument(NS.messageV3, 'SealedDelivery');
  for (const child of childElements(wire)) sealed.documentElement.appendChild(sealed.importNode(child, true));
  const signedElement = requiredChild(sealed.documentElement, NS.messageV3, 'SignedDelivery');
  const signed = newDocument(NS.messageV3, 'SignedDelivery');
  signed.replaceChild(signed.importNode(signedElement, true), signed.documentElement);
  return { sealedXml: serialize(sealed), signedXml: serialize(signed) };
}

export interface ReceivedLetter extends Omit<SecureLetter, 'attachments'> {
  language: string;
  attachments: Array<{ contentType: string; filename: string; content: Buffer; checksum: string }>;
  seal: { receivedTime: string; signaturesOk: boolean };
}

/** Reads the letter from a rebuilt SealedDelivery document (signatures checked separately). */
export function readSealedDelivery(sealedXml: string): ReceivedLetter {
  return readSealed(parseXml(sealedXml).documentElement);
}

function readSealed(sealed: Element): ReceivedLetter {
  const seal = requiredChild(sealed, NS.messageV3, 'Seal');
  const delivery = requiredChild(requiredChild(sealed, NS.messageV3, 'SignedDelivery'), NS.messageV3, 'Delivery');
  const header = requiredChild(delivery, NS.messageV3, 'Header');
  const sender = requiredChild(header, NS.messageV2, 'Sender');
  const recipients = childrenNamed(header, NS.messageV2, 'Recipient');
  if (recipients.length !== 1) throw new ContractViolation('A secure delivery has exactly one recipient');
  const messages = childrenNamed(delivery, NS.messageV3, 'Message');
  if (messages.length !== 1) throw new ContractViolation('Kommuna sends one message per delivery');
  const message = messages[0];
  const messageHeader = requiredChild(message, NS.messageV3, 'Header');
  const support = requiredChild(messageHeader, NS.messageV3, 'Supportinfo');
  const body = requiredChild(message, NS.messageV3, 'Body');
  const contentType = requiredText(body, NS.message, 'ContentType');
  if (contentType !== 'text/plain' && contentType !== 'text/html')
    throw new ContractViolation(`Body content type "${contentType.slice(0, 40)}" is not text/plain or text/html`);
  return {
    messageId: requiredText(messageHeader, NS.messageV3, 'Id'),
    sender: { id: requiredText(sender, NS.sender, 'Id'), name: requiredText(sender, NS.sender, 'Name') },
    recipientId: textOf(recipients[0]),
    subject: requiredText(messageHeader, NS.messageV3, 'Subject'),
    language: requiredText(messageHeader, NS.messageV3, 'Language'),
    supportInfo: {
      text: requiredText(support, NS.messageV3, 'Text'),
      url: optionalText(support, NS.messageV3, 'URL'),
      phone: optionalText(support, NS.messageV3, 'PhoneNumber'),
      email: optionalText(support, NS.messageV3, 'EmailAdress'),
    },
    body: { contentType, content: Buffer.from(requiredText(body, NS.message, 'Body'), 'base64') },
    attachments: childrenNamed(message, NS.messageV3, 'Attachment').map((a) => ({
      contentType: requiredText(a, NS.message, 'ContentType'),
      filename: requiredText(a, NS.message, 'Filename'),
      content: Buffer.from(requiredText(a, NS.message, 'Body'), 'base64'),
      checksum: requiredText(a, NS.message, 'Checksum'),
    })),
    seal: { receivedTime: requiredText(seal, NS.message, 'ReceivedTime'), signaturesOk: requiredBoolean(seal, NS.message, 'SignaturesOK') },
  };
}

export function deliverSecureResponse(transId: string, recipientId: string, delivered: boolean): string {
  return soapEnvelope((doc) =>
    element(
      doc,
      NS.serviceV3,
      'deliverSecureResponse',
      element(
        doc,
        NS.serviceV3,
        'return',
        element(doc, NS.service, 'TransId', transId),
        element(
          doc,
          NS.service,
          'Status',
          element(doc, NS.service, 'RecipientId', recipientId),
          element(doc, NS.service, 'Delivered', delivered),
        ),
      ),
    ),
  );
}

export function readDeliverSecureResponse(body: Element): {
  transId: string;
  statuses: Array<{ recipientId: string; delivered: boolean }>;
} {
  expectElement(body, NS.serviceV3, 'deliverSecureResponse');
  const ret = requiredChild(body, NS.serviceV3, 'return');
  return {
    transId: requiredText(ret, NS.service, 'TransId'),
    statuses: childrenNamed(ret, NS.service, 'Status').map((s) => ({
      recipientId: requiredText(s, NS.service, 'RecipientId'),
      delivered: requiredBoolean(s, NS.service, 'Delivered'),
    })),
  };
}

function expectElement(el: Element, ns: string, name: string): void {
  if (el.namespaceURI !== ns || el.localName !== name)
    throw new ContractViolation(`Expected {${ns}}${name}, got {${el.namespaceURI}}${el.localName}`);
}
