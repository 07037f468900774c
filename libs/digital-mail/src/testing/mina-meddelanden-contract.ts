import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { minaMeddelanden as mm } from '../index';

/**
 * Contract checks with tools that share no code with the adapter: xmllint validates a SOAP body
 * against DIGG's vendored XSDs, xmlsec1 (libxmlsec1) verifies an XMLDSig signature. Both come
 * from Debian (libxml2-utils, xmlsec1; .ci/run installs them).
 */
const CONTRACT = path.join(__dirname, '../adapters/mina-meddelanden/contract/schema');
let wrapper: string | undefined;

/** One schema importing the three v3 namespaces whose global elements travel in SOAP bodies. */
function wrapperSchema(): string {
  if (wrapper) return wrapper;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-contract-'));
  wrapper = path.join(dir, 'contract.xsd');
  const imports = [
    ['http://minameddelanden.gov.se/schema/Recipient/v3', 'v3/Recipient.xsd'],
    ['http://minameddelanden.gov.se/schema/Service/v3', 'v3/Service.xsd'],
    ['http://minameddelanden.gov.se/schema/Common/v3', 'v3/Common.xsd'],
  ]
    .map(([ns, file]) => `<import namespace="${ns}" schemaLocation="${path.join(CONTRACT, file)}"/>`)
    .join('');
  fs.writeFileSync(
    wrapper,
    `<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kommuna:contract-tests">${imports}</schema>`,
  );
  return wrapper;
}

function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${command} is not installed (apt-get install libxml2-utils xmlsec1)`));
        return;
      }
      resolve({ ok: !error, output: `${stdout}${stderr}` });
    });
  });
}

function tempFile(name: string, content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mm-doc-')), name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * The SOAP body's element (for a Fault, the applicationFault in its detail) validated against
 * the published XSDs; resolves to xmllint's complaints (empty: valid).
 */
export async function schemaProblems(soapXml: string): Promise<string[]> {
  let element = mm.soapBodyElement(soapXml);
  if (element.localName === 'Fault' && element.namespaceURI === mm.NS.soap) {
    const detail = Array.from(element.childNodes).find((n) => (n as Element).localName === 'detail') as Element | undefined;
    const fault = detail && (Array.from(detail.childNodes).find((n) => n.nodeType === 1) as Element | undefined);
    if (!fault) return ['The SOAP fault carries no applicationFault'];
    element = fault;
  }
  const body = mm.serialize(element);
  const { ok, output } = await run('xmllint', ['--noout', '--nonet', '--schema', wrapperSchema(), tempFile('body.xml', body)]);
  return ok ? [] : output.split('\n').filter((line) => line.trim() && !/validates$|fails to validate$/.test(line.trim()));
}

/**
 * Verifies the enveloped signature on the root of `documentXml` with xmlsec1, trusting `caPem`
 * (the signer's certificate travels in KeyInfo and must chain to it). `signatureXPath` picks the
 * signature when the document holds more than one (the seal's is the root's own child).
 */
export async function verifiedByXmlsec(documentXml: string, caPem: string): Promise<{ ok: boolean; output: string }> {
  return run('xmlsec1', [
    '--verify',
    '--trusted-pem',
    tempFile('ca.pem', caPem),
    '--node-xpath',
    "/*/*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']",
    tempFile('signed.xml', documentXml),
  ]);
}
