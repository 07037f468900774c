import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { GetKeyInfoContentArgs, SignedXml } from 'xml-crypto';
import { NS } from './namespaces';
import { childElements, ContractViolation, parseXml, requiredChild, textOf } from './xml';

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
 * exclusive C14N, SHA-256, RSA-SHA256 and the certificate in KeyInfo. Elements keep the default
 * namespace (no prefixes, the Signature too), so a party that re-serialises the element as its
 * own document canonicalises to the same bytes.
 */
export function signEnveloped(xml: string, key: SigningKey): string {
  const signer = new SignedXml({
    privateKey: privateKeyOf(key),
    publicCert: key.certificatePem,
    getKeyInfoContent: keyInfoContentOf,
    signatureAlgorithm: ALGORITHMS.rsaSha256,
    canonicalizationAlgorithm: ALGORITHMS.excC14n,
  });
  signer.addReference({
    xpath: '/*',
    isEmptyUri: true,
    transforms: [ALGORITHMS.enveloped, ALGORITHMS.excC14n],
    digestAlgorithm: ALGORITHMS.sha256,
  });
  signer.computeSignature(xml, { prefix: '', location: { reference: '/*', action: 'append' } });
  return signer.getSignedXml();
}

// xml-crypto checks the certificate with Node's X509Certificate each time it builds the KeyInfo: a
// tenth of a bulk send's worker CPU (bench/RESULTS.md, mail-bulk). The same few certificates sign
// every letter, so each one's KeyInfo is built (and checked) once.
const keyInfoContents = new Map<string, string | null>();
function keyInfoContentOf(args: GetKeyInfoContentArgs = {}): string | null {
  // Only certificates given as PEM text are remembered (signEnveloped's); anything else is built as before.
  if (typeof args.publicCert !== 'string') return SignedXml.getKeyInfoContent(args);
  const id = `${args.prefix ?? ''}\n${args.publicCert}`;
  let content = keyInfoContents.get(id);
  if (content === undefined) {
    if (keyInfoContents.size >= 64) keyInfoContents.delete(keyInfoContents.keys().next().value as string);
    content = SignedXml.getKeyInfoContent(args);
    keyInfoContents.set(id, content);
  }
  return content;
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
  const signatures = childElements(root).filter((el) => el.namespaceURI === NS.ds && el.localName === 'Signature');
  if (signatures.length !== 1)
    throw new SignatureRejected('SIGNATURE_MISSING', `${root.localName} must carry exactly one enveloped signature`);
  const signature = signatures[0];
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
  // URI="" and nothing else: a reference to an Id could sign some other element than the one read.
  if (references[0].getAttribute('URI') !== '')
    throw new SignatureRejected('SIGNATURE_INVALID', 'The signature must cover the whole element (URI="")');
  const transforms = childElements(requiredChild(references[0], NS.ds, 'Transforms')).map((t) => t.getAttribute('Algorithm'));
  if (transforms[0] !== ALGORITHMS.enveloped || transforms.some((t) => t !== ALGORITHMS.enveloped && t !== ALGORITHMS.excC14n)) {
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
  const verifier = new SignedXml({ publicCert: publicKey, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  let valid = false;
  try {
    valid = verifier.checkSignature(xml);
  } catch (error) {
    throw new SignatureRejected('SIGNATURE_INVALID', `The signature does not verify: ${(error as Error).message}`);
  }
  if (!valid) throw new SignatureRejected('SIGNATURE_INVALID', 'The signature does not verify');
  return certificate;
}
