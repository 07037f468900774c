import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { ArchivedCase } from './archived-case';
import {
  CONTENT_INFORMATION_TYPE,
  NS,
  PACKAGE_SCHEMAS,
  PackageFile,
  REPRESENTATION,
  REPRESENTATION_NAME,
  SIP_PROFILE,
} from './package-layout';

interface Software {
  name: string;
  version: string;
}

export interface MetsParts {
  objid: string;
  createdAt: Date;
  software: Software;
  erms: PackageFile;
  premis: PackageFile;
  schemas: PackageFile[];
  /** The representation's own METS.xml (representations/rep1/METS.xml). */
  representation: PackageFile;
}

/**
 * The package's root METS.xml after the CSIP and SIP profiles (E-ARK CSIP 2.2, SIP 2.2): header
 * with the creating software, the municipality as archival creator and submitter; the ERMS file
 * as descriptive metadata, the PREMIS file as digital provenance; the schemas and the
 * representation's METS.xml in the file section with their SHA-256; and the CSIP structural map,
 * whose representation division points at the representation's METS.xml (CSIP105-112).
 */
export function metsDocument(archived: ArchivedCase, parts: MetsParts): string {
  const { municipality } = archived;
  const created = parts.createdAt.toISOString();
  const mets = metsRoot(parts.objid, `Ärende ${archived.errandNumber}: ${archived.header.title.sv}`);
  const header = metsHeader(mets, created, parts.software);
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
  const representationUse = `Representations/${REPRESENTATION_NAME}`;
  fileGroup(fileSec, `filegrp-${REPRESENTATION_NAME}`, representationUse, [parts.representation], {
    'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
  });

  const root = structMap(mets, parts.objid);
  root.ele('div', { ID: 'div-metadata', LABEL: 'Metadata', DMDID: 'dmd-erms', ADMID: 'digiprov-premis' });
  root.ele('div', { ID: 'div-schemas', LABEL: 'Schemas' }).ele('fptr', { FILEID: 'filegrp-schemas' });
  const representation = root.ele('div', { ID: `div-${REPRESENTATION_NAME}`, LABEL: representationUse });
  representation.ele('mptr', { LOCTYPE: 'URL', 'xlink:type': 'simple', 'xlink:href': parts.representation.path });
  representation.ele('fptr', { FILEID: `filegrp-${REPRESENTATION_NAME}` });
  return mets.end({ prettyPrint: true });
}

/**
 * The representation's METS.xml (representations/rep1/METS.xml): its content files, located
 * relative to the representation's folder, each with its SHA-256, and a structural map with its
 * Data division. The case's metadata stays in the package's root METS.xml.
 */
export function representationMetsDocument(objid: string, content: readonly PackageFile[], createdAt: Date, software: Software): string {
  const mets = metsRoot(REPRESENTATION_NAME, `${objid}: ${REPRESENTATION_NAME}`, '../../schemas');
  metsHeader(mets, createdAt.toISOString(), software);
  const prefix = `${REPRESENTATION}/`;
  const relative = content.map((file) => ({ ...file, path: file.path.startsWith(prefix) ? file.path.slice(prefix.length) : file.path }));
  fileGroup(mets.ele('fileSec', { ID: 'filesec' }), 'filegrp-data', 'Data', relative);
  structMap(mets, REPRESENTATION_NAME).ele('div', { ID: 'div-data', LABEL: 'Data' }).ele('fptr', { FILEID: 'filegrp-data' });
  return mets.end({ prettyPrint: true });
}

/** `schemas` is where the package's schemas folder is, seen from this METS.xml. */
function metsRoot(objid: string, label: string, schemas = 'schemas'): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.mets, 'mets', {
    'xmlns:xlink': NS.xlink,
    'xmlns:xsi': NS.xsi,
    'xmlns:csip': NS.csip,
    'xmlns:sip': NS.sip,
    'xsi:schemaLocation': [
      `${NS.mets} ${schemas}/${PACKAGE_SCHEMAS.mets}`,
      `${NS.xlink} ${schemas}/${PACKAGE_SCHEMAS.xlink}`,
      `${NS.csip} ${schemas}/${PACKAGE_SCHEMAS.csip}`,
      `${NS.sip} ${schemas}/${PACKAGE_SCHEMAS.sip}`,
    ].join(' '),
    OBJID: objid,
    LABEL: label,
    TYPE: 'Mixed',
    'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
    PROFILE: SIP_PROFILE,
  });
}

/** metsHdr with the package type and the creating software (CSIP7-16, SIP4). */
function metsHeader(mets: XMLBuilder, created: string, software: Software): XMLBuilder {
  const header = mets.ele('metsHdr', { CREATEDATE: created, RECORDSTATUS: 'NEW', 'csip:OAISPACKAGETYPE': 'SIP' });
  const agent = header.ele('agent', { ROLE: 'CREATOR', TYPE: 'OTHER', OTHERTYPE: 'SOFTWARE' });
  agent.ele('name').txt(software.name);
  agent.ele('note', { 'csip:NOTETYPE': 'SOFTWARE VERSION' }).txt(software.version);
  return header;
}

/** The CSIP structural map (PHYSICAL, label CSIP) and its single division, returned to add divisions to. */
function structMap(mets: XMLBuilder, label: string): XMLBuilder {
  return mets.ele('structMap', { ID: 'structmap-csip', TYPE: 'PHYSICAL', LABEL: 'CSIP' }).ele('div', { ID: 'div-root', LABEL: label });
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
