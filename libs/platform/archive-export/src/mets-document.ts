import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { ArchivedCase } from './archived-case';
import { CONTENT_INFORMATION_TYPE, NS, PACKAGE_SCHEMAS, PackageFile, REPRESENTATION, SIP_PROFILE } from './package-layout';

export interface MetsParts {
  objid: string;
  createdAt: Date;
  software: { name: string; version: string };
  erms: PackageFile;
  premis: PackageFile;
  schemas: PackageFile[];
  content: PackageFile[];
}

/**
 * The package's root METS.xml after the CSIP and SIP profiles (E-ARK CSIP 2.2, SIP 2.2): header
 * with the creating software, the municipality as archival creator and submitter; the ERMS file
 * as descriptive metadata, the PREMIS file as digital provenance; every schema and content file in
 * the file section with its SHA-256; and the CSIP structural map.
 */
export function metsDocument(archived: ArchivedCase, parts: MetsParts): string {
  const { municipality } = archived;
  const created = parts.createdAt.toISOString();
  const mets = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.mets, 'mets', {
    'xmlns:xlink': NS.xlink,
    'xmlns:xsi': NS.xsi,
    'xmlns:csip': NS.csip,
    'xmlns:sip': NS.sip,
    'xsi:schemaLocation': [
      `${NS.mets} schemas/${PACKAGE_SCHEMAS.mets}`,
      `${NS.xlink} schemas/${PACKAGE_SCHEMAS.xlink}`,
      `${NS.csip} schemas/${PACKAGE_SCHEMAS.csip}`,
      `${NS.sip} schemas/${PACKAGE_SCHEMAS.sip}`,
    ].join(' '),
    OBJID: parts.objid,
    LABEL: `Ärende ${archived.errandNumber}: ${archived.header.title.sv}`,
    TYPE: 'Mixed',
    'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
    PROFILE: SIP_PROFILE,
  });

  const header = mets.ele('metsHdr', { CREATEDATE: created, RECORDSTATUS: 'NEW', 'csip:OAISPACKAGETYPE': 'SIP' });
  const software = header.ele('agent', { ROLE: 'CREATOR', TYPE: 'OTHER', OTHERTYPE: 'SOFTWARE' });
  software.ele('name').txt(parts.software.name);
  software.ele('note', { 'csip:NOTETYPE': 'SOFTWARE VERSION' }).txt(parts.software.version);
  // The municipality created the records (arkivbildare) and submits the package.
  for (const role of ['ARCHIVIST', 'CREATOR']) {
    const agent = header.ele('agent', { ROLE: role, TYPE: 'ORGANIZATION' });
    agent.ele('name').txt(municipality.names.sv);
    agent.ele('note', { 'csip:NOTETYPE': 'IDENTIFICATIONCODE' }).txt(`ORG:${municipality.organisationsnummer.replace(/\D/g, '')}`);
  }

  const dmd = mets.ele('dmdSec', { ID: 'dmd-erms', CREATED: created, STATUS: 'CURRENT' });
  metadataReference(dmd, parts.erms, { MDTYPE: 'OTHER', OTHERMDTYPE: 'ERMS', MDTYPEVERSION: '2.1.2' });
  const provenance = mets.ele('amdSec', { ID: 'amd' }).ele('digiprovMD', { ID: 'digiprov-premis', CREATED: created, STATUS: 'CURRENT' });
  metadataReference(provenance, parts.premis, { MDTYPE: 'PREMIS', MDTYPEVERSION: '3.0' });

  const fileSec = mets.ele('fileSec', { ID: 'filesec' });
  fileGroup(fileSec, 'filegrp-schemas', 'Schemas', parts.schemas);
  fileGroup(fileSec, 'filegrp-rep1', `Representations/${REPRESENTATION.split('/').pop()}`, parts.content, {
    'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
  });

  const root = mets
    .ele('structMap', { ID: 'structmap-csip', TYPE: 'PHYSICAL', LABEL: 'CSIP' })
    .ele('div', { ID: 'div-root', LABEL: parts.objid });
  root.ele('div', { ID: 'div-metadata', LABEL: 'Metadata', DMDID: 'dmd-erms', ADMID: 'digiprov-premis' });
  root.ele('div', { ID: 'div-schemas', LABEL: 'Schemas' }).ele('fptr', { FILEID: 'filegrp-schemas' });
  root.ele('div', { ID: 'div-representations', LABEL: 'Representations' }).ele('fptr', { FILEID: 'filegrp-rep1' });
  return mets.end({ prettyPrint: true });
}

function metadataReference(parent: XMLBuilder, file: PackageFile, type: Record<string, string>): void {
  parent.ele('mdRef', {
    ID: `${file.id}-ref`,
    LOCTYPE: 'URL',
    'xlink:type': 'simple',
    'xlink:href': file.path,
    ...type,
    MIMETYPE: file.mimeType,
    SIZE: String(file.size),
    CREATED: file.created.toISOString(),
    CHECKSUM: file.sha256.toUpperCase(),
    CHECKSUMTYPE: 'SHA-256',
  });
}

function fileGroup(fileSec: XMLBuilder, id: string, use: string, files: readonly PackageFile[], extra: Record<string, string> = {}): void {
  const group = fileSec.ele('fileGrp', { ID: id, USE: use, ...extra });
  for (const file of files) {
    group
      .ele('file', {
        ID: file.id,
        MIMETYPE: file.mimeType,
        SIZE: String(file.size),
        CREATED: file.created.toISOString(),
        CHECKSUM: file.sha256.toUpperCase(),
        CHECKSUMTYPE: 'SHA-256',
      })
      .ele('FLocat', { LOCTYPE: 'URL', 'xlink:type': 'simple', 'xlink:href': file.path });
  }
}
