// `nx g @kommuna/tools:tenant --kommunkod=2283 --organisationsnummer=212000-2429`: onboards a
// municipality — tenants/<slug>/tenant.yaml, its ONBOARDING.md checklist, the Keycloak realm export
// and the Kubernetes tenant ConfigMap's file list. Everything is checked before the first write,
// so bad input leaves the tree untouched.
import * as path from 'node:path';
import { GeneratorCallback, generateFiles, joinPathFragments, logger, Tree } from '@nx/devkit';
import { stringify } from 'yaml';
import { findKommun, parseOrganisationsnummer } from '@kommuna/shared-identifiers';
import { parseTenantConfig, SERVICE_IDS, ServiceId, TENANT_FILE_NAME, TenantConfig } from '@kommuna/platform-tenancy';
import { K8S_KUSTOMIZATION, withTenantFiles } from '../../scripts/k8s-tenants';
import { keycloakRealmExport } from '../../scripts/keycloak-realm';
import { englishDisplayName, slugOf, swedishDisplayName } from './municipality-names';

export interface TenantGeneratorOptions {
  /** Nx's command line hands a number to the generator (2283, or 114 for 0114). */
  kommunkod: string | number;
  organisationsnummer: string;
  slug?: string;
  name?: string;
  email?: string;
  url?: string;
  services?: string[] | string;
  stage?: 'piloting' | 'production';
  population: number;
}

export type TenantOnboardingErrorCode =
  | 'UNKNOWN_KOMMUNKOD'
  | 'INVALID_ORGANISATIONSNUMMER'
  | 'INVALID_SLUG'
  | 'UNKNOWN_SERVICE'
  | 'POPULATION_REQUIRED'
  | 'TENANT_EXISTS'
  | 'TENANT_CONFIG_INVALID';

export class TenantOnboardingError extends Error {
  constructor(
    readonly code: TenantOnboardingErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export const TENANTS_DIR = 'tenants';
export const REALM_EXPORT_FILE = 'infra/keycloak/kommuna-realm.json';
const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

export interface OnboardedTenant {
  config: TenantConfig;
  files: string[];
}

export async function tenantGenerator(tree: Tree, options: TenantGeneratorOptions): Promise<OnboardedTenant> {
  const existing = readTenantConfigs(tree);
  const { config, text } = buildTenantConfig(options, existing);

  const dir = joinPathFragments(TENANTS_DIR, config.slug);
  const tenantFile = joinPathFragments(dir, TENANT_FILE_NAME);
  tree.write(tenantFile, text);
  generateFiles(tree, path.join(__dirname, 'files'), dir, {
    template: '',
    config,
    lanNamn: findKommun(config.kommunkod)?.lanNamn ?? '',
    services: Object.keys(config.services),
    realmExportFile: REALM_EXPORT_FILE,
  });
  const all = [...existing.map((t) => t.config), config].sort((a, b) => a.slug.localeCompare(b.slug));
  tree.write(REALM_EXPORT_FILE, JSON.stringify(keycloakRealmExport(all), null, 2) + '\n');
  const files = [tenantFile, joinPathFragments(dir, 'ONBOARDING.md'), REALM_EXPORT_FILE];
  // The Kubernetes tenant ConfigMap lists its files (kustomize cannot glob).
  const kustomization = tree.read(K8S_KUSTOMIZATION, 'utf-8');
  if (kustomization !== null) {
    tree.write(K8S_KUSTOMIZATION, withTenantFiles(kustomization, all.map((t) => t.slug)));
    files.push(K8S_KUSTOMIZATION);
  }
  return { config, files };
}

/** The Nx entry point: after the files are written, it says what comes next. */
export default async function (tree: Tree, options: TenantGeneratorOptions): Promise<GeneratorCallback> {
  const { config, files } = await tenantGenerator(tree, options);
  return () => {
    logger.info(`${config.names.sv} (${config.slug}) is set up: ${files.join(', ')}.`);
    logger.info(`Next: npm run tenants:validate, then work through ${files[1]} with the municipality's IT.`);
  };
}

/**
 * Checks every option and the new tenant against the existing ones and returns the tenant file's
 * text with the config start-up will read from it; throws on the first problem.
 */
export function buildTenantConfig(
  options: TenantGeneratorOptions,
  existing: Array<{ file: string; config: TenantConfig }>,
): { config: TenantConfig; text: string } {
  const kommunkod = typeof options.kommunkod === 'number' ? String(options.kommunkod).padStart(4, '0') : String(options.kommunkod ?? '').trim();
  const kommun = findKommun(kommunkod);
  if (!kommun) {
    throw new TenantOnboardingError('UNKNOWN_KOMMUNKOD', `"${kommunkod}" is not one of Sweden's 290 kommunkoder (SCB)`);
  }

  const organisationsnummer = normalizeMunicipalOrganisationsnummer(String(options.organisationsnummer ?? ''));

  const slug = options.slug ?? slugOf(kommun.namn);
  if (!SLUG_PATTERN.test(slug)) {
    throw new TenantOnboardingError('INVALID_SLUG', `"${slug}" must be lower-case a-z, 0-9 and dashes, starting with a letter`);
  }

  const population = Number(options.population);
  if (!Number.isInteger(population) || population < 1) {
    throw new TenantOnboardingError('POPULATION_REQUIRED', 'give --population (inhabitants): shared services split their cost per capita');
  }

  const services = normalizeServices(options.services);
  const stage = options.stage ?? 'piloting';
  const sv = options.name ?? swedishDisplayName(kommun.namn);
  const email = options.email ?? `kommun@${slug}.se`;
  const url = options.url ?? `https://${slug}.se`;

  const draft = {
    slug,
    kommunkod,
    organisationsnummer,
    names: { sv, en: englishDisplayName(kommun.namn) },
    population,
    contact: { name: 'Kommunens kontaktcenter', email, url },
    hosts: [`${slug}.kommuna.se`],
    auth: { realm: 'kommuna', organization: slug },
    services: Object.fromEntries(
      services.map((id) => {
        const settings = defaultSettings(id, slug, sv, email);
        return [id, Object.keys(settings).length > 0 ? { stage, settings } : { stage }];
      }),
    ),
  };

  // The same parser and schema start-up uses: whatever the generator writes, the api accepts.
  const text = tenantYaml(draft);
  const parsed = parseTenantConfig(`${TENANTS_DIR}/${slug}/${TENANT_FILE_NAME}`, text);
  if (!parsed.ok) {
    throw new TenantOnboardingError(
      'TENANT_CONFIG_INVALID',
      `the tenant file would be invalid:\n${parsed.problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
    );
  }
  assertUnclaimed(parsed.config, existing);
  return { config: parsed.config, text };
}

/** Municipalities are public-sector legal entities: 212000-NNNN with a valid Luhn check digit. */
function normalizeMunicipalOrganisationsnummer(input: string): string {
  const parsed = parseOrganisationsnummer(input.trim());
  if (!parsed.ok) {
    const why = parsed.reason === 'checksum' ? 'its check digit is wrong (Luhn)' : 'expected NNNNNN-NNNN';
    throw new TenantOnboardingError('INVALID_ORGANISATIONSNUMMER', `"${input}" is not a valid organisationsnummer: ${why}`);
  }
  if (parsed.value.kind !== 'legal-entity' || !parsed.value.normalized.startsWith('212000-')) {
    throw new TenantOnboardingError(
      'INVALID_ORGANISATIONSNUMMER',
      `"${input}" is not a municipality's organisationsnummer: those start with 212000-`,
    );
  }
  return parsed.value.normalized;
}

function normalizeServices(services: TenantGeneratorOptions['services']): ServiceId[] {
  if (services === undefined) return [...SERVICE_IDS];
  const list = (Array.isArray(services) ? services : services.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const id of list) {
    if (!(SERVICE_IDS as readonly string[]).includes(id)) {
      throw new TenantOnboardingError('UNKNOWN_SERVICE', `"${id}" is not a Kommuna service (${SERVICE_IDS.join(', ')})`);
    }
  }
  return [...new Set(list)] as ServiceId[];
}

/** Starting settings like the member municipalities' files; the municipality adjusts them. */
function defaultSettings(id: ServiceId, slug: string, name: string, email: string): Record<string, unknown> {
  switch (id) {
    case 'e-forms':
      return { errandNumberPrefix: slug.replace(/[^a-z]/g, '').slice(0, 3).toUpperCase(), draftRetentionDays: 30 };
    case 'digital-mail':
      return { senderName: name, paperFallback: true, supportInfo: { text: `Frågor om brevet? Kontakta ${name}.`, email } };
    default:
      return {};
  }
}

function assertUnclaimed(config: TenantConfig, existing: Array<{ file: string; config: TenantConfig }>): void {
  const digits = (orgnr: string) => orgnr.replace(/\D/g, '');
  for (const { file, config: other } of existing) {
    const clash =
      other.slug === config.slug
        ? `slug "${config.slug}"`
        : other.kommunkod === config.kommunkod
          ? `kommunkod ${config.kommunkod}`
          : digits(other.organisationsnummer) === digits(config.organisationsnummer)
            ? `organisationsnummer ${config.organisationsnummer}`
            : other.auth.realm === config.auth.realm && other.auth.organization === config.auth.organization
              ? `Keycloak Organization "${config.auth.organization}"`
              : other.hosts.find((host) => config.hosts.includes(host));
    if (clash) throw new TenantOnboardingError('TENANT_EXISTS', `${clash} is already used by ${file}`);
  }
}

/** The tenant files in the tree (folders under tenants/ holding a tenant.yaml), each validated. */
function readTenantConfigs(tree: Tree): Array<{ file: string; config: TenantConfig }> {
  if (!tree.exists(TENANTS_DIR)) return [];
  return tree
    .children(TENANTS_DIR)
    .filter((name) => tree.exists(joinPathFragments(TENANTS_DIR, name, TENANT_FILE_NAME)))
    .sort()
    .map((name) => {
      const file = joinPathFragments(TENANTS_DIR, name, TENANT_FILE_NAME);
      const parsed = parseTenantConfig(file, tree.read(file, 'utf-8') ?? '');
      if (!parsed.ok) {
        throw new TenantOnboardingError(
          'TENANT_CONFIG_INVALID',
          `fix ${file} first (npm run tenants:validate):\n${parsed.problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
        );
      }
      return { file, config: parsed.config };
    });
}

/** The tenant file as the member municipalities' files are written: schema hint first, defaults left out. */
function tenantYaml(draft: Record<string, unknown>): string {
  return `# yaml-language-server: $schema=../tenant.schema.json\n${stringify(draft, { lineWidth: 0 })}`;
}
