import { create } from 'xmlbuilder2';
import { NS, PACKAGE_SCHEMAS, PackageFile } from './package-layout';

/**
 * Preservation metadata (PREMIS 3.0) for the package's content: each file as an object with its
 * SHA-256 fixity, size and format, one event for the export that computed them, and the export
 * software as the agent that did it.
 */
export function premisDocument(
  objid: string,
  files: readonly PackageFile[],
  createdAt: Date,
  software: { name: string; version: string },
): string {
  const premis = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.premis, 'premis', {
    'xmlns:xsi': NS.xsi,
    'xsi:schemaLocation': `${NS.premis} ../../schemas/${PACKAGE_SCHEMAS.premis}`,
    version: '3.0',
  });
  for (const file of files) {
    const object = premis.ele('object', { 'xsi:type': 'file' });
    identifier(object, 'objectIdentifier', 'object', file.id);
    const characteristics = object.ele('objectCharacteristics');
    const fixity = characteristics.ele('fixity');
    fixity.ele('messageDigestAlgorithm').txt('SHA-256');
    fixity.ele('messageDigest').txt(file.sha256);
    fixity.ele('messageDigestOriginator').txt(software.name);
    characteristics.ele('size').txt(String(file.size));
    characteristics.ele('format').ele('formatDesignation').ele('formatName').txt(file.mimeType);
    object.ele('originalName').txt(file.path);
  }
  const eventId = `${objid}-export`;
  const agentId = `${software.name} ${software.version}`;
  const event = premis.ele('event');
  identifier(event, 'eventIdentifier', 'event', eventId);
  event.ele('eventType').txt('message digest calculation');
  event.ele('eventDateTime').txt(createdAt.toISOString());
  event.ele('eventDetailInformation').ele('eventDetail').txt('Case exported from Kommuna as an E-ARK SIP; SHA-256 of every file');
  event.ele('eventOutcomeInformation').ele('eventOutcome').txt('success');
  identifier(event, 'linkingAgentIdentifier', 'linkingAgent', agentId);
  for (const file of files) identifier(event, 'linkingObjectIdentifier', 'linkingObject', file.id);
  const agent = premis.ele('agent');
  identifier(agent, 'agentIdentifier', 'agent', agentId);
  agent.ele('agentName').txt(software.name);
  agent.ele('agentType').txt('software');
  agent.ele('agentVersion').txt(software.version);
  return premis.end({ prettyPrint: true });
}

function identifier(parent: ReturnType<typeof create>, element: string, prefix: string, value: string): void {
  const id = parent.ele(element);
  id.ele(`${prefix}IdentifierType`).txt('local');
  id.ele(`${prefix}IdentifierValue`).txt(value);
}
