import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { ArchivePackageInvalidError } from './errors';
import { ERMS_PATH, NS, PACKAGE_SCHEMAS, PREMIS_PATH, SCHEMAS_DIR } from './package-layout';

/** What validating a package checked: each document against its schema, and each file against METS.xml. */
export interface PackageValidation {
  schemas: Array<{ document: string; schema: string }>;
  filesVerified: number;
}

/**
 * Validates a written package as an archive would on ingest: METS.xml against METS 1.12 with the
 * CSIP and SIP extensions, ERMS.xml against CITS ERMS, premis.xml against PREMIS 3.0 (xmllint,
 * offline, against the vendored schemas), then every file METS.xml lists against its SIZE and
 * SHA-256, and no file in the package that METS.xml does not list. Throws ArchivePackageInvalidError
 * naming what failed.
 */
export async function validateSipPackage(directory: string): Promise<PackageValidation> {
  const checks = [
    { document: 'METS.xml', schema: 'archive-package.xsd' },
    { document: ERMS_PATH, schema: PACKAGE_SCHEMAS.erms },
    { document: PREMIS_PATH, schema: PACKAGE_SCHEMAS.premis },
  ];
  for (const check of checks) await xmllint(path.join(directory, check.document), path.join(SCHEMAS_DIR, check.schema));
  return { schemas: checks, filesVerified: verifyFiles(directory) };
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

function verifyFiles(directory: string): number {
  const mets = new DOMParser().parseFromString(fs.readFileSync(path.join(directory, 'METS.xml'), 'utf8'), 'application/xml');
  const listed = new Map<string, { size: string; checksum: string }>();
  const described = (element: Element, href: string | null) => {
    if (!href) throw new ArchivePackageInvalidError(`METS.xml: a ${element.localName} has no xlink:href`);
    if (element.getAttribute('CHECKSUMTYPE') !== 'SHA-256')
      throw new ArchivePackageInvalidError(`METS.xml: ${href} has no SHA-256 checksum`);
    listed.set(href, { size: element.getAttribute('SIZE') ?? '', checksum: (element.getAttribute('CHECKSUM') ?? '').toLowerCase() });
  };
  for (const ref of Array.from(mets.getElementsByTagNameNS(NS.mets, 'mdRef'))) described(ref, ref.getAttributeNS(NS.xlink, 'href'));
  for (const file of Array.from(mets.getElementsByTagNameNS(NS.mets, 'file'))) {
    const [location] = Array.from(file.getElementsByTagNameNS(NS.mets, 'FLocat'));
    described(file, location?.getAttributeNS(NS.xlink, 'href') ?? null);
  }
  const present = listFiles(directory).filter((f) => f !== 'METS.xml');
  const unlisted = present.filter((f) => !listed.has(f));
  if (unlisted.length > 0) throw new ArchivePackageInvalidError(`Files METS.xml does not list: ${unlisted.join(', ')}`);
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
