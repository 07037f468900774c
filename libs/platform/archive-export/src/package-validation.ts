import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { ArchivePackageInvalidError } from './errors';
import { ERMS_PATH, NS, PACKAGE_SCHEMAS, PREMIS_PATH, SCHEMAS_DIR, SIP_PROFILE } from './package-layout';

/** What validating a package checked: each document against its schema, and each file against METS.xml. */
export interface PackageValidation {
  schemas: Array<{ document: string; schema: string }>;
  /** The CSIP/SIP profile requirements checked beyond the schemas (their ids, e.g. CSIP80). */
  profileRequirements: string[];
  filesVerified: number;
}

/**
 * Validates a written package as an archive would on ingest: the root METS.xml and each
 * representation's METS.xml against METS 1.12 with the CSIP and SIP extensions, ERMS.xml against
 * CITS ERMS, premis.xml against PREMIS 3.0 (xmllint, offline, against the vendored schemas); then
 * the CSIP/SIP profile requirements a schema cannot express; then every file the METS documents
 * list against its SIZE and SHA-256, and no file in the package that none of them lists. Throws
 * ArchivePackageInvalidError naming what failed.
 */
export async function validateSipPackage(directory: string): Promise<PackageValidation> {
  const root = readMets(directory, 'METS.xml');
  const representations = representationMets(root, directory);
  const checks = [
    { document: 'METS.xml', schema: 'archive-package.xsd' },
    ...representations.map((document) => ({ document, schema: 'archive-package.xsd' })),
    { document: ERMS_PATH, schema: PACKAGE_SCHEMAS.erms },
    { document: PREMIS_PATH, schema: PACKAGE_SCHEMAS.premis },
  ];
  for (const check of checks) await xmllint(path.join(directory, check.document), path.join(SCHEMAS_DIR, check.schema));
  const profileRequirements = checkProfile(root, path.basename(directory), 'package');
  const listed = listedFiles(root, '');
  for (const document of representations) {
    const folder = path.posix.dirname(document);
    const mets = readMets(directory, document);
    profileRequirements.push(...checkProfile(mets, path.posix.basename(folder), 'representation').map((id) => `${folder}: ${id}`));
    for (const [href, entry] of listedFiles(mets, `${folder}/`)) listed.set(href, entry);
  }
  return { schemas: checks, profileRequirements, filesVerified: verifyFiles(listed, directory) };
}

function readMets(directory: string, document: string): Document {
  return new DOMParser().parseFromString(fs.readFileSync(path.join(directory, ...document.split('/')), 'utf8'), 'application/xml');
}

/** The representation METS documents the root's structural map points at (mptr), each inside the package. */
function representationMets(root: Document, directory: string): string[] {
  return Array.from(root.getElementsByTagNameNS(NS.mets, 'mptr')).map((pointer) => {
    const href = pointer.getAttributeNS(NS.xlink, 'href') ?? '';
    const resolved = path.posix.normalize(href);
    if (
      !href ||
      resolved.startsWith('..') ||
      path.posix.isAbsolute(resolved) ||
      !fs.existsSync(path.join(directory, ...resolved.split('/')))
    )
      throw new ArchivePackageInvalidError(
        `METS.xml points at a representation METS.xml the package does not have: ${JSON.stringify(href)}`,
      );
    return resolved;
  });
}

/**
 * The E-ARK CSIP 2.2 and SIP 2.2 requirements a schema cannot express, for the parts this export
 * writes: the package identity and type, the creating software, the metadata sections' ids and
 * dates, the file groups and the CSIP structural map pointing at them. Returns the ids checked.
 */
function checkProfile(mets: Document, folder: string, kind: 'package' | 'representation'): string[] {
  const requirements: Array<{ id: string; what: string; met: boolean }> = [];
  const meets = (id: string, what: string, met: boolean) => requirements.push({ id, what, met });
  const root = mets.documentElement;
  const all = (name: string, parent: Element = root) => Array.from(parent.getElementsByTagNameNS(NS.mets, name));
  const children = (element: Element | undefined, name: string) =>
    element ? all(name, element).filter((c) => c.parentNode === element) : [];
  const has = (element: Element | undefined, ...attributes: string[]) =>
    Boolean(element) && attributes.every((a) => element?.getAttribute(a));

  meets('CSIP1', `mets/@OBJID is the ${kind}'s folder name (${folder})`, root.getAttribute('OBJID') === folder);
  meets('CSIP2', 'mets/@TYPE declares the content category', has(root, 'TYPE'));
  if (kind === 'representation')
    meets(
      'CSIP4',
      'mets/@csip:CONTENTINFORMATIONTYPE (mandatory for a representation)',
      Boolean(root.getAttributeNS(NS.csip, 'CONTENTINFORMATIONTYPE')),
    );
  meets('SIP2', `mets/@PROFILE is ${SIP_PROFILE}`, root.getAttribute('PROFILE') === SIP_PROFILE);
  const [header] = all('metsHdr');
  meets('CSIP7', 'metsHdr/@CREATEDATE', has(header, 'CREATEDATE'));
  meets('SIP4', 'metsHdr/@csip:OAISPACKAGETYPE is SIP', header?.getAttributeNS(NS.csip, 'OAISPACKAGETYPE') === 'SIP');
  const software = children(header, 'agent').find(
    (a) => a.getAttribute('ROLE') === 'CREATOR' && a.getAttribute('TYPE') === 'OTHER' && a.getAttribute('OTHERTYPE') === 'SOFTWARE',
  );
  const version = children(software, 'note').find((n) => n.getAttributeNS(NS.csip, 'NOTETYPE') === 'SOFTWARE VERSION');
  meets(
    'CSIP10-16',
    'a CREATOR/OTHER/SOFTWARE agent with its name and SOFTWARE VERSION note',
    Boolean(children(software, 'name')[0]?.textContent && version?.textContent),
  );
  for (const section of [...all('dmdSec'), ...all('digiprovMD')])
    meets('CSIP18-19/33', `${section.localName} has ID and CREATED`, has(section, 'ID', 'CREATED'));
  const groups = all('fileGrp');
  const groupIds = new Set(groups.map((g) => g.getAttribute('ID')));
  meets('CSIP59/65', 'the fileSec and every fileGrp have an ID', has(all('fileSec')[0], 'ID') && groups.every((g) => has(g, 'ID', 'USE')));
  const maps = all('structMap').filter((m) => m.getAttribute('LABEL') === 'CSIP');
  meets(
    'CSIP80-83',
    'one structMap TYPE="PHYSICAL" LABEL="CSIP" with an ID',
    maps.length === 1 && maps[0].getAttribute('TYPE') === 'PHYSICAL' && has(maps[0], 'ID'),
  );
  const top = children(maps.length === 1 ? maps[0] : undefined, 'div');
  meets('CSIP84-85', 'the CSIP structMap has a single division with an ID', top.length === 1 && has(top[0], 'ID'));
  const divisions = children(top.length === 1 ? top[0] : undefined, 'div');
  const division = (label: string) => divisions.find((d) => d.getAttribute('LABEL') === label);
  const pointsAtGroups = (element: Element | undefined) => {
    const pointers = children(element, 'fptr').map((f) => f.getAttribute('FILEID'));
    return pointers.length > 0 && pointers.every((p) => groupIds.has(p));
  };
  if (kind === 'package') {
    meets(
      'CSIP113',
      'a fileGrp USE="Schemas"',
      groups.some((g) => g.getAttribute('USE') === 'Schemas'),
    );
    meets(
      'CSIP114',
      'a fileGrp whose USE starts with "Representations/"',
      groups.some((g) => g.getAttribute('USE')?.startsWith('Representations/')),
    );
    meets('CSIP88-92', 'a Metadata division naming the dmdSec and amdSec sections', has(division('Metadata'), 'ID', 'DMDID', 'ADMID'));
    meets('CSIP97-100/118', 'the Schemas division points at its file groups', pointsAtGroups(division('Schemas')));
    const representations = divisions.filter((d) => d.getAttribute('LABEL')?.startsWith('Representations/'));
    meets(
      'CSIP105-112',
      'a division per representation (LABEL Representations/<folder>) with one mptr to its METS.xml and an fptr to its file group',
      representations.length > 0 &&
        representations.every((d) => {
          const [pointer, ...more] = children(d, 'mptr');
          return (
            has(d, 'ID') &&
            more.length === 0 &&
            pointer?.getAttribute('LOCTYPE') === 'URL' &&
            pointer.getAttributeNS(NS.xlink, 'type') === 'simple' &&
            pointsAtGroups(d)
          );
        }),
    );
  } else {
    meets('CSIP-Data', "a Data division points at the representation's file groups", pointsAtGroups(division('Data')));
  }
  const failed = requirements.filter((r) => !r.met);
  if (failed.length > 0)
    throw new ArchivePackageInvalidError(
      `${kind === 'package' ? 'METS.xml' : `${folder}/METS.xml`} does not meet the CSIP/SIP profile:\n${failed.map((r) => `${r.id}: ${r.what}`).join('\n')}`,
    );
  return requirements.map((r) => r.id);
}

function xmllint(document: string, schema: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('xmllint', ['--nonet', '--noout', '--schema', schema, document], (error, _stdout, stderr) => {
      if (!error) return resolve();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new ArchivePackageInvalidError('xmllint is not installed (Debian: apt-get install libxml2-utils)'));
      // mets.xsd's own import of XLink from www.loc.gov is skipped on purpose (archive-package.xsd): not a finding.
      const findings = stderr
        .split('\n')
        .filter((line) => line.trim() && !line.includes('Skipping import of schema') && !line.endsWith('fails to validate'));
      reject(
        new ArchivePackageInvalidError(
          `${path.basename(document)} does not validate against ${path.basename(schema)}:\n${findings.join('\n')}`,
        ),
      );
    });
  });
}

/** Every file a METS document lists (mdRef and file/FLocat), by its path from the package root (`base` is the document's folder). */
function listedFiles(mets: Document, base: string): Map<string, { size: string; checksum: string }> {
  const listed = new Map<string, { size: string; checksum: string }>();
  const described = (element: Element, href: string | null) => {
    if (!href) throw new ArchivePackageInvalidError(`${base}METS.xml: a ${element.localName} has no xlink:href`);
    if (element.getAttribute('CHECKSUMTYPE') !== 'SHA-256')
      throw new ArchivePackageInvalidError(`${base}METS.xml: ${href} has no SHA-256 checksum`);
    const resolved = path.posix.normalize(`${base}${href}`);
    if (resolved.startsWith('..')) throw new ArchivePackageInvalidError(`${base}METS.xml: ${href} points outside the package`);
    listed.set(resolved, { size: element.getAttribute('SIZE') ?? '', checksum: (element.getAttribute('CHECKSUM') ?? '').toLowerCase() });
  };
  for (const ref of Array.from(mets.getElementsByTagNameNS(NS.mets, 'mdRef'))) described(ref, ref.getAttributeNS(NS.xlink, 'href'));
  for (const file of Array.from(mets.getElementsByTagNameNS(NS.mets, 'file'))) {
    const [location] = Array.from(file.getElementsByTagNameNS(NS.mets, 'FLocat'));
    described(file, location?.getAttributeNS(NS.xlink, 'href') ?? null);
  }
  return listed;
}

function verifyFiles(listed: Map<string, { size: string; checksum: string }>, directory: string): number {
  const present = listFiles(directory).filter((f) => f !== 'METS.xml');
  const unlisted = present.filter((f) => !listed.has(f));
  if (unlisted.length > 0) throw new ArchivePackageInvalidError(`Files no METS.xml lists: ${unlisted.join(', ')}`);
  for (const [href, { size, checksum }] of listed) {
    const full = path.join(directory, ...href.split('/'));
    if (!fs.existsSync(full)) throw new ArchivePackageInvalidError(`METS.xml lists ${href}, which the package does not have`);
    const content = fs.readFileSync(full);
    if (String(content.length) !== size) throw new ArchivePackageInvalidError(`${href}: ${content.length} bytes, METS.xml says ${size}`);
    if (createHash('sha256').update(content).digest('hex') !== checksum)
      throw new ArchivePackageInvalidError(`${href}: its SHA-256 differs from METS.xml's`);
  }
  return listed.size;
}

function listFiles(directory: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(directory, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(directory, relative) : [relative];
  });
}
