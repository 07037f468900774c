import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MailboxRefusalError, minaMeddelanden as mm, MinaMeddelandenOperator, TransientAdapterError } from '@kommuna/digital-mail';
import { RunningSimulator, startSimulator } from '../simulator';

// The simulator's Mina meddelanden over mutual TLS, as the real services answer, with the
// adapter as the client and its organisation certificate read by name from a certificate folder.
describe('digital-mail simulator: Mina meddelanden over mutual TLS', () => {
  let sim: RunningSimulator;
  let ca: mm.SigningKey;
  let certificateDir: string;
  const issuer = () => ({ key: ca, name: 'CN=Test CA' });
  const ANNA = '199001019802';

  const writeCertificate = (name: string, key: mm.SigningKey, caPem?: string) => {
    fs.mkdirSync(path.join(certificateDir, name), { recursive: true });
    fs.writeFileSync(path.join(certificateDir, name, 'tls.crt'), key.certificatePem);
    fs.writeFileSync(path.join(certificateDir, name, 'tls.key'), key.privateKeyPem);
    if (caPem) fs.writeFileSync(path.join(certificateDir, name, 'ca.crt'), caPem);
  };
  const operatorWith = (name: string) =>
    new MinaMeddelandenOperator({
      recipientServiceUrl: `${sim.url}${mm.SIMULATOR_RECIPIENT_PATH}`,
      credentials: mm.namedCredentials(certificateDir, name),
      timeoutMs: 5000,
    });
  const letter = (recipient: string) => ({
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    senderOrgNr: '212000-2411',
    senderName: 'Sundsvalls kommun',
    recipient,
    mailboxOperator: null,
    subject: 'Beslut',
    body: 'Hej',
    bodyFormat: 'TEXT' as const,
    supportInfo: { text: 'Ring oss' },
    attachments: [],
  });

  beforeAll(async () => {
    ca = await mm.issueCertificate({ subject: 'CN=Test CA', ca: true });
    const server = await mm.issueCertificate({
      subject: 'CN=127.0.0.1',
      issuer: issuer(),
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
    });
    certificateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-certs-'));
    writeCertificate('sundsvall-org', await mm.issueCertificate({ subject: 'CN=Sundsvalls kommun', issuer: issuer() }), ca.certificatePem);
    writeCertificate('stranger', await mm.issueCertificate({ subject: 'CN=Stranger' }), ca.certificatePem);
    writeCertificate(
      'expired',
      await mm.issueCertificate({
        subject: 'CN=Old',
        issuer: issuer(),
        notBefore: new Date(Date.now() - 3 * 86400_000),
        notAfter: new Date(Date.now() - 86400_000),
      }),
      ca.certificatePem,
    );
    sim = await startSimulator({
      reachableShare: 0,
      reachable: [ANNA],
      tls: { certificatePem: server.certificatePem, privateKeyPem: server.privateKeyPem, clientCaPem: ca.certificatePem },
      trustedSigners: [ca.certificatePem],
    });
  });
  afterAll(() => sim?.close());
  beforeEach(() => sim.reset());

  it('answers over https to a client with the organisation certificate, and takes its signed letter', async () => {
    expect(sim.url).toMatch(/^https:/);
    const operator = operatorWith('sundsvall-org');
    const [anna] = await operator.checkReachability('212000-2411', [ANNA]);
    expect(anna).toMatchObject({ reachable: true, senderAccepted: true });
    const { transactionId } = await operator.deliver({ ...letter(ANNA), mailboxOperator: anna.mailboxOperator });
    expect(sim.records().deliveries).toEqual([
      expect.objectContaining({ transactionId, signedBy: 'CN=Sundsvalls kommun', sealedBy: 'CN=Sundsvalls kommun' }),
    ]);
  });

  it('refuses a client without a certificate from the trusted CA at the TLS handshake (a transient fault for us)', async () => {
    const refused = await operatorWith('stranger')
      .checkReachability('212000-2411', [ANNA])
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransientAdapterError);
    expect(sim.records().reachabilityCalls).toEqual([]);
  });

  it('an expired or missing organisation certificate is a clear error before anything is sent', async () => {
    await expect(operatorWith('expired').checkReachability('212000-2411', [ANNA])).rejects.toThrow(
      /Certificate "expired" is not valid now/,
    );
    await expect(operatorWith('nowhere').checkReachability('212000-2411', [ANNA])).rejects.toThrow(
      /Certificate "nowhere" is not in the certificate folder/,
    );
    await expect(operatorWith('../etc').checkReachability('212000-2411', [ANNA])).rejects.toThrow(/not a plain name/);
    expect(sim.records().reachabilityCalls).toEqual([]);
  });

  it('refuses a letter signed with a certificate the simulator does not trust (applicationFault 5001)', async () => {
    const stranger = await mm.issueCertificate({ subject: 'CN=Stranger' });
    const organisation = mm.readNamedCertificate(certificateDir, 'sundsvall-org');
    const operator = new MinaMeddelandenOperator({
      recipientServiceUrl: `${sim.url}${mm.SIMULATOR_RECIPIENT_PATH}`,
      // TLS with the trusted organisation certificate, but the letter signed by a stranger.
      credentials: async () => ({ organisation: organisation.key, seal: stranger, serviceCaPem: organisation.caPem }),
    });
    const [anna] = await operator.checkReachability('212000-2411', [ANNA]);
    const refused = await operator.deliver({ ...letter(ANNA), mailboxOperator: anna.mailboxOperator }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MailboxRefusalError);
    expect(refused).toMatchObject({
      reason: 'SIGNATURE_REJECTED',
      faultCode: 5001,
      message: expect.stringContaining('not issued by a trusted issuer'),
    });
    expect(sim.records().deliveries).toEqual([]);
  });
});
