import { stringify } from 'yaml';
import type { CatalogueEntry } from './descriptor/service-descriptor.loader';
import type { DevelopmentStatus } from './descriptor/service-descriptor.schema';

/**
 * The service as a publiccode.yml (standard 0.4, https://yml.publiccode.tools) for the public
 * catalogues of open public-sector software. Only what is public: no costs, no usage, no benefits.
 */
export function toPubliccode(entry: CatalogueEntry, developmentStatus: DevelopmentStatus = entry.descriptor.developmentStatus): Record<string, unknown> {
  const d = entry.descriptor;
  const description = (lang: 'sv' | 'en') => ({
    localisedName: d.name[lang],
    genericName: d.domain.name[lang],
    shortDescription: d.shortDescription[lang],
    longDescription: d.longDescription[lang],
    features: d.features[lang],
  });
  const open = d.dependencies.filter((dep) => dep.kind !== 'external').map((dep) => ({ name: dep.name, optional: dep.optional }));
  const proprietary = d.dependencies.filter((dep) => dep.kind === 'external').map((dep) => ({ name: dep.name, optional: dep.optional }));
  return {
    publiccodeYmlVersion: '0.4',
    name: d.name.en,
    url: d.url,
    softwareVersion: entry.version,
    platforms: ['web'],
    categories: d.categories,
    developmentStatus,
    softwareType: 'standalone/web',
    organisation: { name: 'Kommuna' },
    description: { sv: description('sv'), en: description('en') },
    legal: { license: d.license },
    maintenance: {
      type: d.maintenance.type,
      ...(d.maintenance.type === 'contract' ? { contractors: [{ name: d.maintenance.contractor, until: d.maintenance.until }] } : {}),
      contacts: [{ name: d.owner.team, email: d.owner.email }, ...d.maintenance.contacts],
    },
    localisation: { localisationReady: true, availableLanguages: ['sv', 'en'] },
    ...(open.length + proprietary.length > 0 ? { dependsOn: { ...(open.length ? { open } : {}), ...(proprietary.length ? { proprietary } : {}) } } : {}),
  };
}

export function publiccodeYaml(entry: CatalogueEntry, developmentStatus?: DevelopmentStatus): string {
  return `# publiccode.yml of ${entry.packageName}, generated from ${entry.id}/service.yaml: do not edit by hand.\n${stringify(toPubliccode(entry, developmentStatus), { lineWidth: 0 })}`;
}
