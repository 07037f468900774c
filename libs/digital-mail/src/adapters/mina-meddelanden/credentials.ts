import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as x509 from '@peculiar/x509';
import { TransientAdapterError } from '../types';
import type { SigningKey } from './signature';

/**
 * What one member needs to talk to Mina meddelanden: its organisation certificate and key (mutual
 * TLS and the sender's signature), the intermediary's (förmedlare) for the seal (the member's own
 * when it is its own intermediary), and optionally the CA that the services' TLS certificates
 * are checked against (else the system's).
 */
export interface MailboxCredentials {
  organisation: SigningKey;
  seal: SigningKey;
  serviceCaPem?: string;
}

/** Where credentials come from; called for every call, so a renewed certificate is picked up. */
export type CredentialSource = () => Promise<MailboxCredentials>;

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Reads a named certificate from the certificate folder (DIGITAL_MAIL_CERTIFICATE_DIR): the
 * folder `<dir>/<name>/` holds `tls.crt` (the certificate, then its chain), `tls.key` and
 * optionally `ca.crt` — the keys of a Kubernetes TLS secret mounted there. tenant.yaml only
 * names it; the files never live with the tenant's configuration.
 */
export function readNamedCertificate(dir: string, name: string): { key: SigningKey; caPem?: string } {
  if (!REFERENCE.test(name)) throw new TransientAdapterError(`Certificate reference "${name.slice(0, 40)}" is not a plain name`);
  const folder = path.join(dir, name);
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(folder, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const certificatePem = read('tls.crt');
  const privateKeyPem = read('tls.key');
  if (!certificatePem || !privateKeyPem) {
    throw new TransientAdapterError(`Certificate "${name}" is not in the certificate folder (tls.crt and tls.key under ${folder})`);
  }
  const key = { certificatePem, privateKeyPem };
  assertUsable(key, name);
  return { key, caPem: read('ca.crt') };
}

/**
 * Refuses a certificate that is expired, not yet valid, or does not belong to its key, before
 * anything is sent: the operator would refuse it, and the reason is clearer here. Transient,
 * because a renewed certificate in the folder fixes it without touching the letters.
 */
export function assertUsable(key: SigningKey, name: string, now = new Date()): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(key.certificatePem);
    if (!certificate.checkPrivateKey(createPrivateKey(key.privateKeyPem))) throw new Error('the key does not belong to the certificate');
  } catch (error) {
    throw new TransientAdapterError(`Certificate "${name}" cannot be used: ${(error as Error).message}`);
  }
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new TransientAdapterError(`Certificate "${name}" is not valid now (valid ${certificate.validFrom} to ${certificate.validTo})`);
  }
}

/**
 * Credentials from the certificate folder, by the names tenant.yaml gives. Read again at most
 * once a minute (a renewed certificate is picked up without a restart); in between the same
 * objects, so parsed keys and kept-alive TLS connections are reused.
 */
export function namedCredentials(dir: string, organisationRef: string, sealRef?: string, refreshMs = 60_000): CredentialSource {
  let cached: { credentials: MailboxCredentials; readAt: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.readAt < refreshMs) return cached.credentials;
    const organisation = readNamedCertificate(dir, organisationRef);
    const seal = sealRef ? readNamedCertificate(dir, sealRef).key : organisation.key;
    const same = (a: SigningKey, b: SigningKey) => a.certificatePem === b.certificatePem && a.privateKeyPem === b.privateKeyPem;
    const previous = cached?.credentials;
    const credentials: MailboxCredentials = {
      organisation: previous && same(previous.organisation, organisation.key) ? previous.organisation : organisation.key,
      seal: previous && same(previous.seal, seal) ? previous.seal : seal,
      serviceCaPem: organisation.caPem,
    };
    cached = { credentials, readAt: Date.now() };
    return credentials;
  };
}

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

export interface IssueOptions {
  subject: string;
  /** Signs with this issuer; without it the certificate is self-signed. */
  issuer?: { key: SigningKey; name: string };
  notBefore?: Date;
  notAfter?: Date;
  /** A CA certificate (basicConstraints cA) that may issue others. */
  ca?: boolean;
  /** Subject alternative names (DNS) for a TLS server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** Issues an RSA certificate in memory (development credentials and tests; never for production). */
export async function issueCertificate(options: IssueOptions): Promise<SigningKey> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 24 * 3600_000);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(options.ca === true, undefined, true)];
  if (options.dnsNames?.length || options.ipAddresses?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const serialNumber = randomBytes(8)
    .toString('hex')
    .replace(/^[89a-f]/, '1');
  let certificate: x509.X509Certificate;
  if (options.issuer) {
    const issuerKey = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(options.issuer.key.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      RSA,
      false,
      ['sign'],
    );
    certificate = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: options.subject,
      issuer: options.issuer.name,
      notBefore,
      notAfter,
      signingAlgorithm: RSA,
      publicKey: keys.publicKey,
      signingKey: issuerKey,
      extensions,
    });
  } else {
    certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber,
      name: options.subject,
      notBefore,
      notAfter,
      signingAlgorithm: RSA,
      keys,
      extensions,
    });
  }
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

let development: Promise<MailboxCredentials> | undefined;

/**
 * A throwaway self-signed certificate made once per process, for talking to the simulator when
 * tenant.yaml names no certificate (npm start, tests). The simulator checks the signatures made
 * with it; nothing real accepts it.
 */
export const developmentCredentials: CredentialSource = () => {
  development ??= issueCertificate({ subject: 'CN=Kommuna development sender (digital-mail simulator only), O=Kommuna' }).then((key) => ({
    organisation: key,
    seal: key,
  }));
  return development;
};
