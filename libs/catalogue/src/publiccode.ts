import { stringify } from 'yaml';
import type { CatalogueEntry } from './descriptor/service-descriptor.loader';
import type { DevelopmentStatus } from './descriptor/service-descriptor.schema';

/**
 * The catalogue's own categories that are not words of the standard's vocabulary, and the word a
 * public catalogue files them under. Categories already in the vocabulary pass unchanged;
 * publiccode.spec.ts checks every service's result against the standard's schema.
 */
export const PUBLICCODE_CATEGORY: Readonly<Record<string, string>> = {
  'e-service': 'digital-citizenship',
  'online-forms': 'data-collection',
  'customer-relationship-management': 'crm',
  'it-portfolio-management': 'it-management',
};

export interface PubliccodeOptions {
  /** The status in force (the steering group's latest decision); the descriptor's by default. */
  developmentStatus?: DevelopmentStatus;
  /**
   * The day the current version was released (YYYY-MM-DD). The standard requires it with
   * softwareVersion, so without it neither is written.
   */
  releaseDate?: string;
}

/**
 * The repository a service.yaml url points into: the standard's url is the repository itself (a
 * folder link such as .../tree/main/libs/x is the landing page instead).
 */
function repositoryOf(url: string): { repository: string; owner: string } {
  const github = /^(https:\/\/github\.com\/([^/]+)\/[^/]+?)(?:\.git)?(?:\/(?:tree|blob)\/.*)?\/?$/.exec(url);
  if (github) return { repository: `${github[1]}.git`, owner: `https://github.com/${github[2]}` };
  return { repository: url, owner: new URL(url).origin };
}

/**
 * The service as a publiccode.yml (standard 0.4, https://yml.publiccode.tools) for the public
 * catalogues of open public-sector software. Only what is public: no costs, no usage, no benefits.
 */
export function toPubliccode(entry: CatalogueEntry, options: PubliccodeOptions = {}): Record<string, unknown> {
  const d = entry.descriptor;
  const developmentStatus = options.developmentStatus ?? d.developmentStatus;
  if (options.releaseDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.releaseDate)) {
    throw new Error(`releaseDate of ${entry.id} must be YYYY-MM-DD, got ${JSON.stringify(options.releaseDate)}`);
  }
  const { repository, owner } = repositoryOf(d.url);
  // genericName is deprecated in 0.4 and left out; the domain is not a generic name anyway.
  const description = (lang: 'sv' | 'en') => ({
    localisedName: d.name[lang],
    shortDescription: d.shortDescription[lang],
    longDescription: d.longDescription[lang],
    features: d.features[lang],
  });
  const open = d.dependencies.filter((dep) => dep.kind !== 'external').map((dep) => ({ name: dep.name, optional: dep.optional }));
  const proprietary = d.dependencies.filter((dep) => dep.kind === 'external').map((dep) => ({ name: dep.name, optional: dep.optional }));
  return {
    publiccodeYmlVersion: '0.4',
    name: d.name.en,
    url: repository,
    ...(repository !== d.url ? { landingURL: d.url } : {}),
    ...(options.releaseDate ? { softwareVersion: entry.version, releaseDate: options.releaseDate } : {}),
    platforms: ['web'],
    categories: [...new Set(d.categories.map((category) => PUBLICCODE_CATEGORY[category] ?? category))],
    developmentStatus,
    softwareType: 'standalone/web',
    organisation: { name: 'Kommuna', uri: owner },
    description: { sv: description('sv'), en: description('en') },
    legal: { license: d.license },
    maintenance: {
      type: d.maintenance.type,
      ...(d.maintenance.type === 'contract' ? { contractors: [{ name: d.maintenance.contractor, until: d.maintenance.until }] } : {}),
      contacts: [{ name: d.owner.team, email: d.owner.email }, ...d.maintenance.contacts],
    },
    localisation: { localisationReady: true, availableLanguages: ['sv', 'en'] },
    ...(open.length + proprietary.length > 0
      ? { dependsOn: { ...(open.length ? { open } : {}), ...(proprietary.length ? { proprietary } : {}) } }
      : {}),
  };
}

export function publiccodeYaml(entry: CatalogueEntry, options: PubliccodeOptions = {}): string {
  return `# publiccode.yml of ${entry.packageName}, generated from ${entry.id}/service.yaml: do not edit by hand.\n${stringify(toPubliccode(entry, options), { lineWidth: 0 })}`;
}
