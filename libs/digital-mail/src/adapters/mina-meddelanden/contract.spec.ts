import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testPersonnummer } from '@kommuna/platform-testing';
import { minorPersonnummer } from '../../testing/minor';
import { schemaProblems, verifiedByXmlsec } from '../../testing/mina-meddelanden-contract';
import { SimulatorProcess, startSimulatorProcess } from '../../testing/simulator-process';
import { DigitalDeliveryRequest, PermanentAdapterError, TransientAdapterError } from '../types';
import { issueCertificate, MailboxCredentials } from './credentials';
import { MailboxRefusalError } from './faults';
import {
  attachmentChecksum,
  deliverSecureRequest,
  isReachableRequest,
  readDeliverSecureResponse,
  readIsReachableResponse,
  sealedDelivery,
  SecureLetter,
  signedDelivery,
  signedDocumentsOf,
} from './messages';
import { MinaMeddelandenOperator } from './mina-meddelanden-operator';
import { MAX_MESSAGE_BYTES, SIMULATOR_RECIPIENT_PATH } from './namespaces';
import { signEnveloped } from './signature';
import { applicationFaultEnvelope, readFault, soapBodyElement } from './soap';

// Every request the adapter sends and every answer the simulator gives, checked against DIGG's
// published XSDs (xmllint) and, for signatures, by xmlsec1: neither shares code with the adapter.
describe("Mina meddelanden: the adapter and the simulator against DIGG's contract", () => {
  let simulator: SimulatorProcess;
  let credentials: MailboxCredentials;
  let caPem: string;
  let operator: MinaMeddelandenOperator;
  let operatorName = '';
  let serviceAddress = '';

  const SENDER = '212000-2411';
  const ANNA = '199001019802';
  const cases = {
    reachable: testPersonnummer(101),
    notRegistered: testPersonnummer(102),
    pending: testPersonnummer(103),
    anonymous: testPersonnummer(104),
    refusing: testPersonnummer(105),
    unknownOperator: testPersonnummer(106),
    minor: minorPersonnummer(107),
  };

  beforeAll(async () => {
    simulator = await startSimulatorProcess();
    const ca = await issueCertificate({ subject: 'CN=Test organisation CA', ca: true });
    caPem = ca.certificatePem;
    const issuer = { key: ca, name: 'CN=Test organisation CA' };
    credentials = {
      organisation: await issueCertificate({ subject: 'CN=Sundsvalls kommun, O=Sundsvalls kommun', issuer }),
      seal: await issueCertificate({ subject: 'CN=Kommuna förmedlare, O=Kommuna', issuer }),
    };
    operator = new MinaMeddelandenOperator({
      recipientServiceUrl: `${simulator.url}${SIMULATOR_RECIPIENT_PATH}`,
      credentials: async () => credentials,
      acceptedOperators: ['Kivra', 'Min myndighetspost', 'Billo', 'Fortnox'],
      timeoutMs: 10_000,
    });
    await simulator.configure({ reachableShare: 0, reachable: [cases.reachable] });
    const [status] = await operator.checkReachability(SENDER, [cases.reachable]);
    operatorName = status.mailboxOperator!;
    serviceAddress = await serviceUrlOf(cases.reachable);
  });
  afterAll(async () => {
    await simulator?.stop();
  });
  beforeEach(async () => {
    await simulator.reset();
    await simulator.configure({
      reachableShare: 0,
      reachable: [ANNA, cases.reachable, cases.refusing, cases.minor],
      unreachable: [cases.notRegistered],
      pending: [cases.pending],
      anonymous: [cases.anonymous],
      refusingRecipients: [cases.refusing],
      unknownOperator: [cases.unknownOperator],
      under18: [],
      rejectedSenders: [],
      failNextRequests: 0,
    });
  });

  const post = async (url: string, envelope: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: envelope,
    });
    return { status: response.status, text: await response.text() };
  };

  const letter = (recipient: string, change: Partial<DigitalDeliveryRequest> = {}): DigitalDeliveryRequest => ({
    messageId: `msg-${recipient}-${Math.random().toString(36).slice(2)}`,
    senderOrgNr: SENDER,
    senderName: 'Sundsvalls kommun',
    recipient,
    mailboxOperator: null,
    subject: 'Beslut om bygglov',
    body: '<p>Ditt bygglov är <strong>beviljat</strong>.</p>',
    bodyFormat: 'HTML',
    supportInfo: { text: 'Ring kontaktcenter', url: 'https://sundsvall.se', phone: '060-19 10 00', email: 'kontaktcenter@sundsvall.se' },
    attachments: [
      {
        filename: 'beslut.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.from('%PDF-1.4 beslut').toString('base64'),
        sha256: 'x',
      },
    ],
    ...change,
  });

  const secureLetter = (recipient: string, change: Partial<SecureLetter> = {}): SecureLetter => ({
    messageId: `raw-${Math.random().toString(36).slice(2)}`,
    sender: { id: '162120002411', name: 'Sundsvalls kommun' },
    recipientId: recipient,
    subject: 'Beslut',
    supportInfo: { text: 'Ring oss' },
    body: { contentType: 'text/plain', content: Buffer.from('Hej') },
    attachments: [{ contentType: 'application/pdf', filename: 'a.pdf', content: Buffer.from('%PDF-1.4 a') }],
    ...change,
  });

  const sealed = async (l: SecureLetter) => sealedDelivery(await signedDelivery(l, credentials.organisation), credentials.seal, new Date());
  const serviceUrlOf = async (recipient: string) => {
    const answer = await post(`${simulator.url}${SIMULATOR_RECIPIENT_PATH}`, isReachableRequest('162120002411', [recipient]));
    return readIsReachableResponse(soapBodyElement(answer.text))[0].serviceSupplier!.serviceAddress;
  };

  it('isReachable: the request and the answer for every case validate, and each case maps to its result', async () => {
    const ids = [ANNA, ...Object.values(cases)];
    const request = isReachableRequest('162120002411', ids);
    expect(await schemaProblems(request)).toEqual([]);
    const answer = await post(`${simulator.url}${SIMULATOR_RECIPIENT_PATH}`, request);
    expect(answer.status).toBe(200);
    expect(await schemaProblems(answer.text)).toEqual([]);
    const statuses = readIsReachableResponse(soapBodyElement(answer.text));
    expect(statuses.find((s) => s.recipientId === cases.pending)).toMatchObject({ accountType: 'Secure', pending: true });
    expect(statuses.find((s) => s.recipientId === cases.notRegistered)).toMatchObject({ accountType: 'Not', serviceSupplier: null });

    const results = new Map((await operator.checkReachability(SENDER, ids)).map((r) => [r.recipientId, r]));
    expect(results.get(ANNA)).toMatchObject({
      reachable: true,
      senderAccepted: true,
      accountType: 'Secure',
      mailboxOperator: expect.stringMatching(/Kivra|Min myndighetspost|Billo|Fortnox/),
    });
    expect(results.get(cases.reachable)).toMatchObject({ reachable: true, senderAccepted: true, reason: null });
    expect(results.get(cases.notRegistered)).toMatchObject({ reachable: false, reason: 'NO_MAILBOX', accountType: 'Not' });
    expect(results.get(cases.pending)).toMatchObject({ reachable: false, reason: 'RECIPIENT_PENDING', pending: true });
    expect(results.get(cases.anonymous)).toMatchObject({ reachable: false, reason: 'NOT_SECURE_ACCOUNT', accountType: 'Anonymous' });
    expect(results.get(cases.refusing)).toMatchObject({ reachable: true, senderAccepted: false });
    expect(results.get(cases.unknownOperator)).toMatchObject({
      reachable: false,
      reason: 'UNSUPPORTED_OPERATOR',
      mailboxOperator: 'Okänd Brevlåda AB',
    });
    expect(results.get(cases.minor)).toMatchObject({ reachable: false, reason: 'RECIPIENT_UNDER_18' });
    expect((await simulator.records()).reachabilityCalls).toEqual([
      { senderOrgNr: SENDER, recipientCount: ids.length },
      { senderOrgNr: SENDER, recipientCount: ids.length },
    ]);
  });

  it('isReachable: an organisation is asked for in its 16-prefixed form and answered under our form', async () => {
    await simulator.configure({ reachable: ['162120002270'] });
    const request = isReachableRequest('162120002411', ['162120002270']);
    expect(await schemaProblems(request)).toEqual([]);
    expect(await operator.checkReachability(SENDER, ['212000-2270', ANNA])).toEqual([
      expect.objectContaining({ recipientId: '212000-2270', reachable: true, senderAccepted: true }),
      expect.objectContaining({ recipientId: ANNA, reachable: false, reason: 'NO_MAILBOX' }),
    ]);
  });

  it('isReachable: a sender Mina meddelanden does not accept is refused by every mailbox', async () => {
    await simulator.configure({ rejectedSenders: [SENDER] });
    const results = await operator.checkReachability(SENDER, [ANNA, cases.reachable]);
    expect(results.map((r) => [r.reachable, r.senderAccepted])).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('isReachable: more than 1,000 recipients go in batches of at most 1,000', async () => {
    const ids = Array.from({ length: 2500 }, (_v, i) => testPersonnummer(10_000 + i));
    const results = await operator.checkReachability(SENDER, ids);
    expect(results.map((r) => r.recipientId)).toEqual(ids);
    expect((await simulator.records()).reachabilityCalls.map((c) => c.recipientCount)).toEqual([1000, 1000, 500]);
  });

  it('deliverSecure: the request validates, both signatures verify with xmlsec1, the answer validates', async () => {
    const l = secureLetter(cases.reachable, { body: { contentType: 'text/html', content: Buffer.from('<p>Hej</p>') } });
    const request = deliverSecureRequest(await sealed(l));
    expect(await schemaProblems(request)).toEqual([]);
    const { sealedXml, signedXml } = signedDocumentsOf(soapBodyElement(request));
    const seal = await verifiedByXmlsec(sealedXml, caPem);
    const signature = await verifiedByXmlsec(signedXml, caPem);
    expect([seal.ok, signature.ok]).toEqual([true, true]);
    expect(signature.output).toContain('SignedInfo References (ok/all): 1/1');
    // The independent verifier can fail: a changed subject breaks the sender's signature and the seal.
    const tampered = (xml: string) => xml.replace('<Subject>Beslut</Subject>', '<Subject>Beslut!</Subject>');
    expect((await verifiedByXmlsec(tampered(signedXml), caPem)).ok).toBe(false);
    expect((await verifiedByXmlsec(tampered(sealedXml), caPem)).ok).toBe(false);
    // A certificate from another CA is not trusted.
    const other = await issueCertificate({ subject: 'CN=Someone else', ca: true });
    expect((await verifiedByXmlsec(signedXml, other.certificatePem)).ok).toBe(false);

    const answer = await post(serviceAddress, request);
    expect(answer.status).toBe(200);
    expect(await schemaProblems(answer.text)).toEqual([]);
    expect(readDeliverSecureResponse(soapBodyElement(answer.text))).toEqual({
      transId: expect.stringMatching(/^mm-/),
      statuses: [{ recipientId: cases.reachable, delivered: true }],
    });
    expect(l.attachments.map((a) => attachmentChecksum(a.content))).toEqual([expect.stringMatching(/^[0-9A-F]{32}$/)]);
  });

  it('deliver: the adapter delivers once per message id, signed by the member and sealed by the intermediary', async () => {
    await operator.checkReachability(SENDER, [cases.reachable]);
    const request = letter(cases.reachable);
    const [first, again] = [await operator.deliver(request), await operator.deliver(request)];
    expect(again.transactionId).toBe(first.transactionId);
    const records = await simulator.records();
    expect(records.deliveryCounts[request.messageId]).toEqual({ accepted: 1, requests: 2 });
    expect(records.deliveries).toEqual([
      expect.objectContaining({
        messageId: request.messageId,
        recipient: cases.reachable,
        senderOrgNr: SENDER,
        attachmentCount: 1,
        signedBy: expect.stringContaining('CN=Sundsvalls kommun'),
        sealedBy: expect.stringContaining('CN=Kommuna förmedlare'),
      }),
    ]);
  });

  it('deliver after a restart asks the Recipient service for the operator again', async () => {
    const fresh = new MinaMeddelandenOperator({
      recipientServiceUrl: `${simulator.url}${SIMULATOR_RECIPIENT_PATH}`,
      credentials: async () => credentials,
    });
    const { transactionId } = await fresh.deliver(letter(ANNA, { mailboxOperator: 'Kivra' }));
    expect(transactionId).toMatch(/^mm-/);
    expect((await simulator.records()).reachabilityCalls).toHaveLength(1);
  });

  it.each([
    ['pending', { pending: ['R'] }, 'RECIPIENT_PENDING', 'NO_CONTACT_SETTINGS_FOUND', 5004],
    ['refusing the sender', { refusingRecipients: ['R'] }, 'SENDER_NOT_ACCEPTED', 'NO_CONTACT_WANTED', 5002],
    ['a minor', { under18: ['R'] }, 'RECIPIENT_NOT_ADULT', 'NOT_SENT', 6004],
    ['no longer registered', { reachable: [], unreachable: ['R'] }, 'RECIPIENT_NOT_REACHABLE', 'NO_CONTACT_SETTINGS_FOUND', 5003],
    ['a sender not accepted', { rejectedSenders: [SENDER] }, 'SENDER_NOT_ACCEPTED', 'NO_CONTACT_WANTED', 5002],
  ] as const)(
    'deliverSecure to a recipient %s: an applicationFault that validates, mapped to %s / %s',
    async (_case, change, reason, status, code) => {
      // Reachable when checked; the recipient's situation changes before the delivery.
      await operator.checkReachability(SENDER, [cases.reachable]);
      const ids = (list: readonly string[]) => list.map((id) => (id === 'R' ? cases.reachable : id));
      await simulator.configure(Object.fromEntries(Object.entries(change).map(([key, list]) => [key, ids(list)])));
      const raw = await post(serviceAddress, deliverSecureRequest(await sealed(secureLetter(cases.reachable))));
      expect(raw.status).toBe(500);
      expect(await schemaProblems(raw.text)).toEqual([]);
      expect(readFault(soapBodyElement(raw.text)).application).toMatchObject({
        errorCode: code,
        callId: expect.stringMatching(/^.{20,50}$/),
      });

      const refused = await operator.deliver(letter(cases.reachable, { mailboxOperator: operatorName })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(MailboxRefusalError);
      expect(refused).toMatchObject({ reason, deliveryStatus: status, faultCode: code });
      expect((await simulator.records()).deliveries).toEqual([]);
    },
  );

  it('deliverSecure refuses what the operator must: a changed letter, an unsigned one, a wrong checksum, an expired signer', async () => {
    const code = async (envelope: string) => {
      const answer = await post(serviceAddress, envelope);
      expect(answer.status).toBe(500);
      expect(await schemaProblems(answer.text)).toEqual([]);
      return readFault(soapBodyElement(answer.text)).application;
    };
    const good = deliverSecureRequest(await sealed(secureLetter(cases.reachable)));
    expect(await code(good.replace('<Subject>Beslut</Subject>', '<Subject>Beslut!</Subject>'))).toMatchObject({ errorCode: 5001 });
    const withoutSenderSignature = good.replace(
      /<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">((?!<\/Signature>).)*<\/Signature><\/SignedDelivery>/,
      '</SignedDelivery>',
    );
    expect(withoutSenderSignature).not.toBe(good);
    expect(await code(withoutSenderSignature)).toMatchObject({ errorCode: 5001 });
    // A checksum that does not match its attachment, correctly signed (a sender's bug, not tampering).
    const unsigned = (await signedDelivery(secureLetter(cases.reachable), credentials.organisation)).replace(
      /<Signature xmlns=.*<\/Signature>/,
      '',
    );
    const wrongChecksum = await signEnveloped(
      unsigned.replace(/>[0-9A-F]{32}</, '>00000000000000000000000000000000<'),
      credentials.organisation,
    );
    expect(await code(deliverSecureRequest(await sealedDelivery(wrongChecksum, credentials.seal, new Date())))).toMatchObject({
      errorCode: 5000,
      description: expect.stringContaining('checksum'),
    });
    const expired = await issueCertificate({
      subject: 'CN=Expired',
      notBefore: new Date(Date.now() - 3 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    const byExpired = await sealedDelivery(await signedDelivery(secureLetter(cases.reachable), expired), credentials.seal, new Date());
    expect(await code(deliverSecureRequest(byExpired))).toMatchObject({
      errorCode: 5001,
      description: expect.stringContaining('not valid now'),
    });
    expect((await simulator.records()).deliveries).toEqual([]);
  });

  it('2 MB: the adapter refuses a larger letter before sending it; the simulator refuses one too', async () => {
    const big = Buffer.alloc(MAX_MESSAGE_BYTES, 0x25);
    const tooLarge = letter(ANNA, {
      mailboxOperator: operatorName,
      attachments: [{ filename: 'stor.pdf', contentType: 'application/pdf', contentBase64: big.toString('base64'), sha256: 'x' }],
    });
    await expect(operator.deliver(tooLarge)).rejects.toMatchObject({ reason: 'MESSAGE_TOO_LARGE', deliveryStatus: 'FAILED' });
    expect((await simulator.records()).deliveryCounts).toEqual({});
    const raw = await post(
      serviceAddress,
      deliverSecureRequest(
        await sealed(
          secureLetter(cases.reachable, { attachments: [{ contentType: 'application/pdf', filename: 'stor.pdf', content: big }] }),
        ),
      ),
    );
    expect(readFault(soapBodyElement(raw.text)).application?.errorCode).toBe(5005);
  });

  it('a letter with text XML cannot carry (a control character) is refused before anything is sent', async () => {
    const refused = operator.deliver(letter(ANNA, { mailboxOperator: operatorName, subject: 'Beslut\u0007' }));
    await expect(refused).rejects.toMatchObject({ reason: 'INVALID_DELIVERY', deliveryStatus: 'FAILED' });
    await expect(refused).rejects.toBeInstanceOf(MailboxRefusalError);
    expect((await simulator.records()).deliveryCounts).toEqual({});
  });

  it('transient faults are TransientAdapterError (the pipeline retries them); refusals and broken answers are permanent', async () => {
    await simulator.configure({ failNextRequests: 1 });
    await expect(operator.checkReachability(SENDER, [ANNA])).rejects.toBeInstanceOf(TransientAdapterError);
    // A party that answers applicationFault 4999 (its own error), an unknown code, or no SOAP at all.
    let answer: [number, string] = [500, applicationFaultEnvelope(4999, 'Internal error')];
    const server: Server = createServer((_req, res) => res.writeHead(answer[0], { 'content-type': 'text/xml' }).end(answer[1]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new MinaMeddelandenOperator({
      recipientServiceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Recipient/v3`,
      credentials: async () => credentials,
    });
    try {
      await expect(fake.checkReachability(SENDER, [ANNA])).rejects.toBeInstanceOf(TransientAdapterError);
      answer = [500, applicationFaultEnvelope(5000, 'Bad request')];
      await expect(fake.checkReachability(SENDER, [ANNA])).rejects.toMatchObject({ reason: 'INVALID_DELIVERY', faultCode: 5000 });
      answer = [200, '<html>not soap</html>'];
      const broken = await fake.checkReachability(SENDER, [ANNA]).catch((e: unknown) => e);
      expect(broken).toBeInstanceOf(PermanentAdapterError);
      expect(broken).not.toBeInstanceOf(MailboxRefusalError);
      answer = [502, 'Bad gateway'];
      await expect(fake.checkReachability(SENDER, [ANNA])).rejects.toBeInstanceOf(TransientAdapterError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
