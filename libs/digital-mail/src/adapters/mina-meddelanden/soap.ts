import { randomUUID } from 'node:crypto';
import { ClientTls, postBytes } from '../http-json';
import { PermanentAdapterError, TransientAdapterError } from '../types';
import { FAULT_CODES, FaultCode, MailboxRefusalError } from './faults';
import { NS } from './namespaces';
import { childElements, ContractViolation, element, newDocument, optionalChild, parseXml, requiredText, serialize, textOf } from './xml';

/** A SOAP 1.1 envelope around one document/literal body element. */
export function soapEnvelope(build: (doc: Document) => Element): string {
  const doc = newDocument(NS.soap, 'soapenv:Envelope');
  doc.documentElement.appendChild(element(doc, NS.soap, 'soapenv:Body', build(doc)));
  return `<?xml version="1.0" encoding="UTF-8"?>${serialize(doc)}`;
}

/** The one element in a SOAP 1.1 Body (document/literal), or a ContractViolation. */
export function soapBodyElement(xml: string): Element {
  const envelope = parseXml(xml).documentElement;
  if (envelope.namespaceURI !== NS.soap || envelope.localName !== 'Envelope') throw new ContractViolation('Not a SOAP 1.1 envelope');
  const bodies = childElements(envelope).filter((el) => el.namespaceURI === NS.soap && el.localName === 'Body');
  if (bodies.length !== 1) throw new ContractViolation('A SOAP envelope has exactly one Body');
  const content = childElements(bodies[0]);
  if (content.length !== 1) throw new ContractViolation('A document/literal SOAP Body holds exactly one element');
  return content[0];
}

export interface ApplicationFault {
  errorCode: number;
  description: string;
  callId: string;
}

/** A SOAP 1.1 Fault carrying Common/v3 applicationFault (what every Mina meddelanden operation declares). */
export function applicationFaultEnvelope(errorCode: FaultCode, description: string, callId = `sim-${randomUUID()}`): string {
  return soapEnvelope((doc) =>
    element(
      doc,
      NS.soap,
      'soapenv:Fault',
      element(doc, '', 'faultcode', errorCode === 4999 ? 'soapenv:Server' : 'soapenv:Client'),
      element(doc, '', 'faultstring', description),
      element(
        doc,
        '',
        'detail',
        element(
          doc,
          NS.commonV3,
          'applicationFault',
          element(doc, NS.commonV3, 'ErrorCode', errorCode),
          element(doc, NS.commonV3, 'Description', description),
          element(doc, NS.commonV3, 'CallId', callId),
        ),
      ),
    ),
  );
}

/** Reads a SOAP Fault: its applicationFault when there is one, else just the fault string. */
export function readFault(body: Element): { faultString: string; application: ApplicationFault | null } {
  const faultString = (() => {
    const el = childElements(body).find((c) => c.localName === 'faultstring');
    return el ? textOf(el) : '';
  })();
  const detail = childElements(body).find((c) => c.localName === 'detail');
  const fault = detail ? optionalChild(detail, NS.commonV3, 'applicationFault') : null;
  if (!fault) return { faultString, application: null };
  const errorCode = Number(requiredText(fault, NS.commonV3, 'ErrorCode'));
  return {
    faultString,
    application: {
      errorCode,
      description: requiredText(fault, NS.commonV3, 'Description'),
      callId: requiredText(fault, NS.commonV3, 'CallId'),
    },
  };
}

export interface SoapCallOptions {
  timeoutMs?: number;
  tls?: ClientTls;
}

/**
 * POSTs a SOAP 1.1 request (SOAPAction "", as the WSDL binds every operation) and returns the
 * answer's body element. Network trouble, timeouts, 429, 5xx without an applicationFault and
 * applicationFault 4999 are transient; other applicationFaults are refusals (MailboxRefusalError);
 * anything else unexpected is permanent.
 */
export async function callSoap(url: string, envelope: string, options: SoapCallOptions, party: string): Promise<Element> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new PermanentAdapterError(`${party}: "${url.slice(0, 100)}" is not an address`);
  }
  const answer = await postBytes(
    target,
    Buffer.from(envelope, 'utf8'),
    { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: '""' },
    options,
    party,
  );
  let body: Element | null = null;
  try {
    body = soapBodyElement(answer.text);
  } catch (error) {
    if (answer.status >= 500 || answer.status === 429) throw new TransientAdapterError(`${party} answered ${answer.status}`);
    if (answer.status < 200 || answer.status >= 300) throw new PermanentAdapterError(`${party} refused the request (${answer.status})`);
    throw new PermanentAdapterError(`${party} answered with no SOAP body: ${(error as Error).message}`);
  }
  if (body.namespaceURI === NS.soap && body.localName === 'Fault') {
    const { faultString, application } = readFault(body);
    if (!application) {
      if (answer.status >= 500) throw new TransientAdapterError(`${party} answered with a SOAP fault: ${faultString.slice(0, 200)}`);
      throw new PermanentAdapterError(`${party} answered with a SOAP fault: ${faultString.slice(0, 200)}`);
    }
    const reason = FAULT_CODES[application.errorCode as FaultCode];
    const description = `${party}: ${application.description.slice(0, 300)} (call ${application.callId})`;
    if (reason === 'SERVICE_ERROR') throw new TransientAdapterError(`${description} (applicationFault ${application.errorCode})`);
    throw new MailboxRefusalError(reason ?? 'OPERATOR_REFUSED', description, application.errorCode);
  }
  if (answer.status < 200 || answer.status >= 300) {
    if (answer.status >= 500 || answer.status === 429) throw new TransientAdapterError(`${party} answered ${answer.status}`);
    throw new PermanentAdapterError(`${party} refused the request (${answer.status})`);
  }
  return body;
}
