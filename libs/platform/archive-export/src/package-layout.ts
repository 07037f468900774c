import * as path from 'node:path';

/** Where the vendored schemas are (README.md there: sources and licences); `npm run build` copies them beside the code. */
export const SCHEMAS_DIR = path.join(__dirname, 'schemas');

/** The published schemas every package carries in its schemas/ folder (CSIPSTR15), by role. */
export const PACKAGE_SCHEMAS = {
  mets: 'mets.xsd',
  xlink: 'xlink.xsd',
  csip: 'DILCISExtensionMETS.xsd',
  sip: 'DILCISExtensionSIPMETS.xsd',
  erms: 'ERMS.xsd',
  premis: 'premis-v3-0.xsd',
} as const;

export const NS = {
  mets: 'http://www.loc.gov/METS/',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  csip: 'https://DILCIS.eu/XML/METS/CSIPExtensionMETS',
  sip: 'https://DILCIS.eu/XML/METS/SIPExtensionMETS',
  erms: 'https://DILCIS.eu/XML/ERMS',
  premis: 'http://www.loc.gov/premis/v3',
} as const;

export const SIP_PROFILE = 'https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml';
/** The CSIP content information type for CITS ERMS 2.x (the ERMS.xsd vendored here, 2.1.2). */
export const CONTENT_INFORMATION_TYPE = 'citserms_v2_1';
export const ERMS_PATH = 'metadata/descriptive/ERMS.xml';
export const PREMIS_PATH = 'metadata/preservation/premis.xml';
export const REPRESENTATION_NAME = 'rep1';
export const REPRESENTATION = `representations/${REPRESENTATION_NAME}`;

/**
 * The package's id (METS OBJID and the name of its root folder): the municipality and the errand
 * number, so exporting the same case again gives the same id. Characters a folder name or a URL
 * would stumble on become '_'.
 */
export function packageId(slug: string, errandNumber: string): string {
  return `kommuna-${slug}-${safeName(errandNumber)}`;
}

/** A file or folder name of letters, digits and . _ - only (å → a, space → _), never empty, never a dot name. */
export function safeName(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '');
  return ascii.slice(0, 120) || 'file';
}

/** Names made unique within one folder: a second "intyg.pdf" becomes "intyg-2.pdf". */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((original) => {
    const safe = safeName(original);
    let candidate = safe;
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) {
      const ext = path.extname(safe);
      candidate = `${safe.slice(0, safe.length - ext.length)}-${n}${ext}`;
    }
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** A file of the package as the METS fileSec and PREMIS describe it. */
export interface PackageFile {
  /** xml:id in METS and the PREMIS object identifier. */
  id: string;
  /** Relative to the package root, with '/'. */
  path: string;
  mimeType: string;
  size: number;
  sha256: string;
  created: Date;
}
