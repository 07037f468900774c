import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArchivedCase } from './archived-case';
import { ermsDocument, PackagedRecord } from './erms-document';
import { metsDocument, representationMetsDocument } from './mets-document';
import {
  ERMS_PATH,
  PACKAGE_SCHEMAS,
  PackageFile,
  packageId,
  PREMIS_PATH,
  REPRESENTATION,
  SCHEMAS_DIR,
  safeName,
  uniqueNames,
} from './package-layout';
import { premisDocument } from './premis-document';

export interface ExportSoftware {
  name: string;
  version: string;
}

/**
 * The export's name and the version of the package layout it writes (what an archive needs to
 * know; raise it when the package's folders or metadata change). Not read from package.json, which
 * `npm run build` does not copy for a platform library.
 */
export const ARCHIVE_EXPORT_SOFTWARE: ExportSoftware = { name: 'Kommuna archive export', version: '1.0' };

/** A package written to disk: its id, its root folder and every file METS.xml describes. */
export interface SipPackage {
  objid: string;
  errandNumber: string;
  /** The package's root folder (named by its OBJID). */
  directory: string;
  /** Content, metadata and schema files with their SHA-256, as in METS.xml. */
  files: PackageFile[];
}

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

/**
 * Writes the case as an E-ARK SIP into `parent`/<OBJID>/: METS.xml, metadata/descriptive/ERMS.xml,
 * metadata/preservation/premis.xml, the records' files under representations/rep1/data/ (a folder
 * per record, numbered in order) and the schemas. Every file's SHA-256 is in METS.xml and PREMIS.
 */
export function writeSipPackage(
  archived: ArchivedCase,
  parent: string,
  options: { createdAt?: Date; software?: ExportSoftware } = {},
): SipPackage {
  const createdAt = options.createdAt ?? new Date();
  const software = options.software ?? ARCHIVE_EXPORT_SOFTWARE;
  const objid = packageId(archived.municipality.slug, archived.errandNumber);
  const root = path.join(parent, objid);
  if (fs.existsSync(root)) fs.rmSync(root, { recursive: true });
  let counter = 0;
  const write = (relative: string, content: Buffer | string, mimeType: string, created: Date, idPrefix: string): PackageFile => {
    const target = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    return { id: `${idPrefix}-${++counter}`, path: relative, mimeType, size: Buffer.byteLength(content), sha256: sha256(content), created };
  };

  const width = String(archived.records.length).length < 2 ? 2 : String(archived.records.length).length;
  const records: PackagedRecord[] = archived.records.map((record, index) => {
    const folder = `${REPRESENTATION}/data/${String(index + 1).padStart(width, '0')}-${safeName(record.recordType)}`;
    const names = uniqueNames(record.files.map((f) => f.name));
    return {
      record,
      files: record.files.map((file, i) => write(`${folder}/${names[i]}`, file.content, file.contentType, record.createdAt, 'file')),
    };
  });
  const content = records.flatMap((r) => r.files);
  const representation = write(
    `${REPRESENTATION}/METS.xml`,
    representationMetsDocument(objid, content, createdAt, software),
    'application/xml',
    createdAt,
    'rep',
  );
  const erms = write(ERMS_PATH, ermsDocument(archived, records, createdAt, software.name), 'application/xml', createdAt, 'md');
  // The descriptive metadata is preserved with the content (and PREMIS needs an object even for a case without files).
  const premis = write(PREMIS_PATH, premisDocument(objid, [...content, erms], createdAt, software), 'application/xml', createdAt, 'md');
  const schemas = Object.values(PACKAGE_SCHEMAS).map((name) =>
    write(`schemas/${name}`, fs.readFileSync(path.join(SCHEMAS_DIR, name)), 'application/xml', createdAt, 'schema'),
  );
  fs.writeFileSync(
    path.join(root, 'METS.xml'),
    metsDocument(archived, { objid, createdAt, software, erms, premis, schemas, representation }),
  );
  return { objid, errandNumber: archived.errandNumber, directory: root, files: [...content, representation, erms, premis, ...schemas] };
}
