import { createHash, X509Certificate } from 'node:crypto';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { issueCertificate } from './credentials';
import { deliverSecureRequest, sealedDelivery, SecureLetter, signedDelivery, verifiedDelivery } from './messages';
import { NS } from './namespaces';
import { SignatureRejected, signEnveloped, SigningKey, verifyEnveloped } from './signature';
import { soapBodyElement } from './soap';
import { childElements, ContractViolation, parseXml, textOf } from './xml';

// The signer writes its documents in canonical form and digests them without parsing them: these
// tests hold that form to xml-crypto's own exclusive C14N, and its signatures to xml-crypto's own
// verification (xmlsec1 checks them too, in contract.spec.ts).
describe('Mina meddelanden signatures: canonical documents, both layers verified', () => {
  let ca: SigningKey;
  let organisation: SigningKey;
  let seal: SigningKey;
  let trusted: { trustedIssuers: X509Certificate[] };

  beforeAll(async () => {
    ca = await issueCertificate({ subject: 'CN=Test CA', ca: true });
    const issuer = { key: ca, name: 'CN=Test CA' };
    organisation = await issueCertificate({ subject: 'CN=Sundsvalls kommun', issuer });
    seal = await issueCertificate({ subject: 'CN=Kommuna förmedlare', issuer });
    trusted = { trustedIssuers: [new X509Certificate(ca.certificatePem)] };
  });

  // Everything C14N escapes or keeps: markup characters, quotes, tabs, line ends, non-ASCII.
  const awkward = 'Räkning & "avgift" <2027> ]]> \'x\'\r\n\tslut 🗑️';
  const letter = (change: Partial<SecureLetter> = {}): SecureLetter => ({
    messageId: 'msg-1',
    sender: { id: '162120002411', name: 'Sundsvalls kommun' },
    recipientId: '199001019802',
    subject: awkward,
    supportInfo: { text: awkward, url: 'https://sundsvall.se/?a=1&b=2', phone: null, email: '' },
    body: { contentType: 'text/html', content: Buffer.from(`<p>${awkward}</p>`) },
    attachments: [{ contentType: 'application/pdf', filename: 'beslut & "bilaga".pdf', content: Buffer.alloc(30_000, 0x25) }],
    ...change,
  });

  const signatureOf = (root: Element) => {
    const found = childElements(root).find((el) => el.namespaceURI === NS.ds && el.localName === 'Signature');
    if (!found) throw new Error(`${root.localName} has no signature`);
    return found;
  };
  const digestOf = (signature: Element) => textOf(signature.getElementsByTagNameNS(NS.ds, 'DigestValue')[0]);
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');
  const request = async () => deliverSecureRequest(await sealedDelivery(await signedDelivery(letter(), organisation), seal, new Date()));

  it.each([
    ['SignedDelivery', () => signedDelivery(letter(), organisation)],
    ['SealedDelivery', async () => sealedDelivery(await signedDelivery(letter(), organisation), seal, new Date())],
  ])('%s: what was digested is xml-crypto exclusive C14N of the document, and xml-crypto verifies it', async (_name, build) => {
    const xml = await build();
    const root = parseXml(xml).documentElement;
    // The whole signed document is already in canonical form.
    expect(new ExclusiveCanonicalization().process(root, {})).toBe(xml);
    const signature = signatureOf(root);
    root.removeChild(signature);
    const canonical = new ExclusiveCanonicalization().process(root, {});
    expect(xml).toBe(canonical.replace(/<\/(SignedDelivery|SealedDelivery)>$/, (end) => `${serializedSignatureOf(xml)}${end}`));
    expect(digestOf(signature)).toBe(sha256(canonical));

    const signer = xml.startsWith('<SealedDelivery') ? seal : organisation;
    const xmlCrypto = new SignedXml({ publicCert: signer.certificatePem, getCertFromKeyInfo: () => null });
    xmlCrypto.loadSignature(signatureOf(parseXml(xml).documentElement));
    expect(xmlCrypto.checkSignature(xml)).toBe(true);
    expect(verifyEnveloped(xml, trusted).subject).toContain(signer === seal ? 'Kommuna förmedlare' : 'Sundsvalls kommun');
  });

  it('the letter travels unchanged: the operator reads back what was signed', async () => {
    const { letter: received, signedBy, sealedBy } = verifiedDelivery(soapBodyElement(await request()), trusted);
    expect(received).toMatchObject({
      subject: awkward,
      supportInfo: { text: awkward, url: 'https://sundsvall.se/?a=1&b=2', phone: null, email: null },
      seal: { signaturesOk: true },
    });
    expect(received.body.content.toString()).toBe(`<p>${awkward}</p>`);
    expect(received.attachments[0]).toMatchObject({ filename: 'beslut & "bilaga".pdf', content: Buffer.alloc(30_000, 0x25) });
    expect([signedBy.subject, sealedBy.subject]).toEqual(['CN=Sundsvalls kommun', 'CN=Kommuna förmedlare']);
  });

  it("the seal's ReceivedTime is the day it was received in Sweden, not UTC's date", async () => {
    // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
    const sealed = await sealedDelivery(await signedDelivery(letter(), organisation), seal, new Date('2026-12-07T23:30:00Z'));
    const { letter: received } = verifiedDelivery(soapBodyElement(deliverSecureRequest(sealed)), trusted);
    expect(received.seal).toEqual({ receivedTime: '2026-12-08', signaturesOk: true });
  });

  it('a generic document (prefixes, attributes) is signed so that xml-crypto verifies it', async () => {
    const xml = await signEnveloped(
      '<a:Doc xmlns:a="urn:a" z="1" b="&amp;"><a:x xmlns:b="urn:unused">t &lt; u</a:x><y xmlns="urn:y"/></a:Doc>',
      organisation,
    );
    const xmlCrypto = new SignedXml({ publicCert: organisation.certificatePem, getCertFromKeyInfo: () => null });
    xmlCrypto.loadSignature(signatureOf(parseXml(xml).documentElement));
    expect(xmlCrypto.checkSignature(xml)).toBe(true);
    expect(verifyEnveloped(xml, trusted).subject).toBe('CN=Sundsvalls kommun');
  });

  it('text XML cannot carry is refused before anything is signed', async () => {
    await expect(signedDelivery(letter({ subject: 'Beslut\u0007' }), organisation)).rejects.toThrow(ContractViolation);
    await expect(signedDelivery(letter({ subject: 'Beslut \uD800' }), organisation)).rejects.toThrow(ContractViolation);
  });

  const rejection = (raw: string) => {
    try {
      verifiedDelivery(soapBodyElement(raw), trusted);
    } catch (error) {
      if (error instanceof SignatureRejected) return error.problem;
      throw error;
    }
    return 'accepted';
  };

  it('the operator side rejects any change to either layer, a missing signature, other algorithms and an untrusted signer', async () => {
    const good = await request();
    expect(rejection(good)).toBe('accepted');
    // One character of the attachment (inside both signatures), of the seal, of a signature value.
    expect(rejection(good.replace('JSUlJSUl', 'JSUlJSUm'))).toBe('SIGNATURE_INVALID');
    expect(
      rejection(
        good.replace(
          '<SignaturesOK xmlns="http://minameddelanden.gov.se/schema/Message">true',
          '<SignaturesOK xmlns="http://minameddelanden.gov.se/schema/Message">1',
        ),
      ),
    ).toBe('SIGNATURE_INVALID');
    expect(rejection(good.replace(/<SignatureValue>(.)/, (_m, c: string) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`))).toBe(
      'SIGNATURE_INVALID',
    );
    // The sender's signature taken out: the seal covered it.
    const withoutSender = good.replace(
      /<Signature xmlns="[^"]+">((?!<\/Signature>).)*<\/Signature><\/SignedDelivery>/,
      '</SignedDelivery>',
    );
    expect(withoutSender).not.toBe(good);
    expect(rejection(withoutSender)).toBe('SIGNATURE_INVALID');
    // A whole extra element added beside the signed content.
    expect(rejection(good.replace('<Seal>', '<Extra>x</Extra><Seal>'))).toBe('SIGNATURE_INVALID');
    expect(rejection(good.replace(/#rsa-sha256/g, '#rsa-sha1'))).toBe('ALGORITHM_NOT_ACCEPTED');
    expect(rejection(good.replace('<Reference URI="">', '<Reference URI="#x">'))).toBe('SIGNATURE_INVALID');
    const stranger = await issueCertificate({ subject: 'CN=Someone else' });
    const byStranger = deliverSecureRequest(await sealedDelivery(await signedDelivery(letter(), stranger), seal, new Date()));
    expect(rejection(byStranger)).toBe('CERTIFICATE_UNTRUSTED');
  });
});

/** The Signature element as it stands in a signed document (the last child of its root). */
function serializedSignatureOf(xml: string): string {
  const start = xml.lastIndexOf('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
  return xml.slice(start, xml.lastIndexOf('</'));
}
