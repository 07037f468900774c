import { createHash, createPrivateKey, KeyObject, sign, verify, X509Certificate } from 'node:crypto';
import { canonicalElement, canonicalElementWithAttributes, canonicalOf } from './canonical';
import { NS } from './namespaces';
import { childElements, ContractViolation, optionalChild, parseXml, requiredChild, textOf } from './xml';

export const ALGORITHMS = {
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
} as const;

/** A certificate and its private key (PEM), as the organisation certificate comes. */
export interface SigningKey {
  certificatePem: string;
  privateKeyPem: string;
}

export type SignatureProblem =
  'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'ALGORITHM_NOT_ACCEPTED' | 'CERTIFICATE_EXPIRED' | 'CERTIFICATE_UNTRUSTED';

export class SignatureRejected extends ContractViolation {
  constructor(
    readonly problem: SignatureProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs the document's root element with an enveloped XMLDSig signature appended as its last
 * child, the way Mina meddelanden's reference code does: Reference URI="" (the whole document),
 * exclusive C14N, SHA-256, RSA-SHA256 and the certificate in KeyInfo. Returns the signed document
 * in its canonical form (no XML declaration). Elements keep the default namespace (no prefixes,
 * the Signature too), so a party that re-serialises the element as its own document
 * canonicalises to the same bytes.
 */
export async function signEnveloped(xml: string, key: SigningKey): Promise<string> {
  const root = parseXml(xml).documentElement;
  // The default namespace in force inside the canonical root: none when the root is prefixed.
  return signCanonical(canonicalOf(root), root.prefix ? '' : (root.namespaceURI ?? ''), key);
}

/**
 * Appends the enveloped signature to a root element already in exclusive canonical form (as
 * canonical.ts writes it, or canonicalOf gives it): the canonical form of the document without its
 * signature is `canonicalRoot` itself, so it is digested as it is, with no parse.
 */
export async function signCanonical(canonicalRoot: string, rootNs: string, key: SigningKey): Promise<string> {
  const end = canonicalRoot.lastIndexOf('</');
  if (end < 0 || !canonicalRoot.endsWith('>')) throw new ContractViolation('Not an element in canonical form');
  const signedInfo = canonicalElement(
    NS.ds,
    'SignedInfo',
    canonicalElementWithAttributes(NS.ds, 'CanonicalizationMethod', { Algorithm: ALGORITHMS.excC14n }),
    canonicalElementWithAttributes(NS.ds, 'SignatureMethod', { Algorithm: ALGORITHMS.rsaSha256 }),
    canonicalElementWithAttributes(
      NS.ds,
      'Reference',
      { URI: '' },
      canonicalElement(
        NS.ds,
        'Transforms',
        canonicalElementWithAttributes(NS.ds, 'Transform', { Algorithm: ALGORITHMS.enveloped }),
        canonicalElementWithAttributes(NS.ds, 'Transform', { Algorithm: ALGORITHMS.excC14n }),
      ),
      canonicalElementWithAttributes(NS.ds, 'DigestMethod', { Algorithm: ALGORITHMS.sha256 }),
      canonicalElement(NS.ds, 'DigestValue', createHash('sha256').update(canonicalRoot, 'utf8').digest('base64')),
    ),
  );
  // SignedInfo is signed in its own canonical form: as the apex, it declares its namespace.
  const signatureValue = (await rsaSha256(Buffer.from(signedInfo.canonical(''), 'utf8'), privateKeyOf(key))).toString('base64');
  const signature = canonicalElement(
    NS.ds,
    'Signature',
    signedInfo,
    canonicalElement(NS.ds, 'SignatureValue', signatureValue),
    canonicalElement(
      NS.ds,
      'KeyInfo',
      canonicalElement(NS.ds, 'X509Data', canonicalElement(NS.ds, 'X509Certificate', certificateDerOf(key))),
    ),
  );
  return `${canonicalRoot.slice(0, end)}${signature.canonical(rootNs)}${canonicalRoot.slice(end)}`;
}

// The RSA signature (most of a signing's CPU) runs on libuv's thread pool, crypto.sign with a
// callback: the worker's event loop goes on with the database and other letters meanwhile.
function rsaSha256(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
}

// Each certificate is read (and checked to be one) once: the same few sign every letter.
const certificateDer = new Map<string, string>();
function certificateDerOf(key: SigningKey): string {
  let der = certificateDer.get(key.certificatePem);
  if (der === undefined) {
    der = new X509Certificate(key.certificatePem).raw.toString('base64');
    if (certificateDer.size >= 64) certificateDer.delete(certificateDer.keys().next().value as string);
    certificateDer.set(key.certificatePem, der);
  }
  return der;
}

// Parsing a PEM private key costs several times the RSA signature itself: each key is parsed once.
const privateKeys = new WeakMap<SigningKey, KeyObject>();
function privateKeyOf(key: SigningKey): KeyObject {
  let parsed = privateKeys.get(key);
  if (!parsed) {
    parsed = createPrivateKey(key.privateKeyPem);
    privateKeys.set(key, parsed);
  }
  return parsed;
}

// The same few certificates sign every letter: parsing one costs a third of a verification.
const certificates = new Map<string, { certificate: X509Certificate; publicKey: KeyObject }>();
function certificateFrom(encoded: string): { certificate: X509Certificate; publicKey: KeyObject } {
  let entry = certificates.get(encoded);
  if (!entry) {
    try {
      const certificate = new X509Certificate(Buffer.from(encoded, 'base64'));
      entry = { certificate, publicKey: certificate.publicKey };
    } catch {
      throw new SignatureRejected('CERTIFICATE_UNTRUSTED', 'KeyInfo does not hold an X.509 certificate');
    }
    if (certificates.size >= 64) certificates.delete(certificates.keys().next().value as string);
    certificates.set(encoded, entry);
  }
  return entry;
}

export interface VerifyOptions {
  /** Issuers the signer's certificate must be issued by; empty: any certificate whose signature verifies. */
  trustedIssuers?: X509Certificate[];
  now?: Date;
}

/**
 * Verifies the enveloped signature on the root of `xml` (a document holding just the signed
 * element) and returns the signer's certificate. Only the algorithms above are accepted, the one
 * reference must cover the whole document, and the certificate must be valid now.
 */
export function verifyEnveloped(xml: string, options: VerifyOptions = {}): X509Certificate {
  const root = parseXml(xml).documentElement;
  const signature = envelopedSignatureOf(root);
  root.removeChild(signature);
  return verifySignature(signature, (prefixes) => canonicalOf(root, '', prefixes), options);
}

/** The one XMLDSig Signature among the element's children (SIGNATURE_MISSING when none or several). */
export function envelopedSignatureOf(root: Element): Element {
  const signatures = childElements(root).filter((el) => el.namespaceURI === NS.ds && el.localName === 'Signature');
  if (signatures.length !== 1)
    throw new SignatureRejected('SIGNATURE_MISSING', `${root.localName} must carry exactly one enveloped signature`);
  return signatures[0];
}

/**
 * XMLDSig core validation of an enveloped signature whose one reference is the whole document
 * (URI=""): `canonicalDocument` gives the exclusive canonical form of that document without this
 * signature (the enveloped-signature and exc-C14N transforms, with the transform's inclusive
 * prefixes). Its SHA-256 must be the DigestValue, and the RSA-SHA256 SignatureValue must verify
 * over SignedInfo's canonical form with the KeyInfo certificate, which must be valid now and
 * issued by a trusted issuer.
 */
export function verifySignature(
  signature: Element,
  canonicalDocument: (inclusivePrefixes: string[]) => string,
  options: VerifyOptions = {},
): X509Certificate {
  const signedInfo = requiredChild(signature, NS.ds, 'SignedInfo');
  const algorithm = (parent: Element, name: string) => requiredChild(parent, NS.ds, name).getAttribute('Algorithm');
  const references = childElements(signedInfo).filter((el) => el.localName === 'Reference');
  if (
    algorithm(signedInfo, 'CanonicalizationMethod') !== ALGORITHMS.excC14n ||
    algorithm(signedInfo, 'SignatureMethod') !== ALGORITHMS.rsaSha256 ||
    references.length !== 1 ||
    algorithm(references[0], 'DigestMethod') !== ALGORITHMS.sha256
  ) {
    throw new SignatureRejected('ALGORITHM_NOT_ACCEPTED', 'The signature must use exclusive C14N, RSA-SHA256 and one SHA-256 reference');
  }
  const reference = references[0];
  // URI="" and nothing else: a reference to an Id could sign some other element than the one read.
  if (reference.getAttribute('URI') !== '')
    throw new SignatureRejected('SIGNATURE_INVALID', 'The signature must cover the whole element (URI="")');
  const transforms = childElements(requiredChild(reference, NS.ds, 'Transforms'));
  const transformAlgorithms = transforms.map((t) => t.getAttribute('Algorithm'));
  if (
    transformAlgorithms[0] !== ALGORITHMS.enveloped ||
    transformAlgorithms.some((t) => t !== ALGORITHMS.enveloped && t !== ALGORITHMS.excC14n)
  ) {
    throw new SignatureRejected('ALGORITHM_NOT_ACCEPTED', 'Only the enveloped-signature and exclusive C14N transforms are accepted');
  }
  const x509Data = requiredChild(requiredChild(signature, NS.ds, 'KeyInfo'), NS.ds, 'X509Data');
  const encoded = textOf(requiredChild(x509Data, NS.ds, 'X509Certificate')).replace(/\s+/g, '');
  const { certificate, publicKey } = certificateFrom(encoded);
  const now = options.now ?? new Date();
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new SignatureRejected(
      'CERTIFICATE_EXPIRED',
      `The signing certificate is not valid now (valid ${certificate.validFrom} to ${certificate.validTo})`,
    );
  }
  const issuers = options.trustedIssuers ?? [];
  if (issuers.length > 0 && !issuers.some((issuer) => certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey))) {
    throw new SignatureRejected(
      'CERTIFICATE_UNTRUSTED',
      `The signing certificate (${certificate.subject.replace(/\n/g, ', ')}) is not issued by a trusted issuer`,
    );
  }
  // RSA-SHA256 is what SignatureMethod says: a key of another type would be verified by another algorithm.
  if (publicKey.asymmetricKeyType !== 'rsa')
    throw new SignatureRejected('ALGORITHM_NOT_ACCEPTED', 'The signing certificate does not hold an RSA key');
  const c14nTransform = transforms.find((t) => t.getAttribute('Algorithm') === ALGORITHMS.excC14n);
  const digest = createHash('sha256')
    .update(canonicalDocument(inclusivePrefixesOf(c14nTransform)), 'utf8')
    .digest('base64');
  if (textOf(requiredChild(reference, NS.ds, 'DigestValue')).replace(/\s+/g, '') !== digest)
    throw new SignatureRejected('SIGNATURE_INVALID', 'The signature does not verify: the signed content was changed');
  const signatureValue = Buffer.from(textOf(requiredChild(signature, NS.ds, 'SignatureValue')).replace(/\s+/g, ''), 'base64');
  const canonicalSignedInfo = canonicalOf(signedInfo, '', inclusivePrefixesOf(requiredChild(signedInfo, NS.ds, 'CanonicalizationMethod')));
  if (!verify('sha256', Buffer.from(canonicalSignedInfo, 'utf8'), publicKey, signatureValue))
    throw new SignatureRejected('SIGNATURE_INVALID', 'The signature does not verify');
  return certificate;
}

/** The InclusiveNamespaces PrefixList of an exc-C14N transform or method (exc-C14N's one parameter). */
function inclusivePrefixesOf(method: Element | undefined | null): string[] {
  const inclusive = method ? optionalChild(method, NS.ec, 'InclusiveNamespaces') : null;
  return (inclusive?.getAttribute('PrefixList') ?? '').split(/\s+/).filter(Boolean);
}
