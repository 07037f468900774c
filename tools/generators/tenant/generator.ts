// `nx g @kommuna/tools:tenant --kommunkod=2283 --organisationsnummer=212000-2429`: onboards a
// municipality — tenants/<slug>/tenant.yaml, its ONBOARDING.md checklist, the Keycloak realm export
// and the Kubernetes base's copy of the tenant file with the tenant ConfigMap's file list. Everything
// is checked before the first write, so bad input leaves the tree untouched. Its services start as `planned`: not in use, and paying
// nothing, until the steering group decides.
import * as path from 'node:path';
import { GeneratorCallback, generateFiles, joinPathFragments, logger, Tree } from '@nx/devkit';
import { parse as parseYaml, stringify } from 'yaml';
import { findKommun, parseOrganisationsnummer } from '@kommuna/shared-identifiers';
import { parseTenantConfig, SERVICE_IDS, ServiceId, TENANT_FILE_NAME, TenantConfig } from '@kommuna/platform-tenancy';
import { k8sTenantCopy, K8S_KUSTOMIZATION, withTenantFiles } from '../../scripts/k8s-tenants';
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
  stage?: (typeof ONBOARDING_STAGES)[number];
  population: number;
  /** The realm URL of the municipality's own Keycloak; its staff then log in there, not in the shared realm. */
  issuer?: string;
  /** The e-forms errand number prefix; by default one derived from the slug that no member uses yet. */
  errandNumberPrefix?: string;
}

/** The stages a member can start a service at; `planned` until the steering group decides on a pilot. */
export const ONBOARDING_STAGES = ['planned', 'piloting', 'production'] as const;

export type TenantOnboardingErrorCode =
  | 'UNKNOWN_KOMMUNKOD'
  | 'INVALID_ORGANISATIONSNUMMER'
  | 'INVALID_SLUG'
  | 'UNKNOWN_SERVICE'
  | 'POPULATION_REQUIRED'
  | 'INVALID_STAGE'
  | 'INVALID_ISSUER'
  | 'ERRAND_PREFIX_TAKEN'
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
/** The platform's shared Keycloak realm, the one the realm export describes. */
const SHARED_REALM = 'kommuna';
const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

export interface OnboardedTenant {
  config: TenantConfig;
  files: string[];
}

export async function tenantGenerator(tree: Tree, options: TenantGeneratorOptions): Promise<OnboardedTenant> {
  const existing = readTenantConfigs(tree);
  const { config, text } = buildTenantConfig(options, existing, errandPrefixesInUse(tree, existing));

  const dir = joinPathFragments(TENANTS_DIR, config.slug);
  const tenantFile = joinPathFragments(dir, TENANT_FILE_NAME);
  tree.write(tenantFile, text);
  generateFiles(tree, path.join(__dirname, 'files'), dir, {
    template: '',
    config,
    lanNamn: findKommun(config.kommunkod)?.lanNamn ?? '',
    services: Object.keys(config.services),
    realmExportFile: REALM_EXPORT_FILE,
    issuer: config.auth.issuer ?? null,
    planned: Object.values(config.services).some((entry) => entry?.stage === 'planned'),
  });
  const all = [...existing.map((t) => t.config), config].sort((a, b) => a.slug.localeCompare(b.slug));
  tree.write(REALM_EXPORT_FILE, JSON.stringify(keycloakRealmExport(all), null, 2) + '\n');
  const files = [tenantFile, joinPathFragments(dir, 'ONBOARDING.md'), REALM_EXPORT_FILE];
  // The Kubernetes tenant ConfigMap reads a copy of the file inside the base (kustomize reads
  // nothing outside it) and lists its files (kustomize cannot glob).
  const kustomization = tree.read(K8S_KUSTOMIZATION, 'utf-8');
  if (kustomization !== null) {
    tree.write(k8sTenantCopy(config.slug), text);
    files.push(k8sTenantCopy(config.slug));
    tree.write(
      K8S_KUSTOMIZATION,
      withTenantFiles(
        kustomization,
        all.map((t) => t.slug),
      ),
    );
    files.push(K8S_KUSTOMIZATION);
  }
  return { config, files };
}

/** The Nx entry point: after the files are written, it says what comes next. */
export default async function (tree: Tree, options: TenantGeneratorOptions): Promise<GeneratorCallback> {
  const { config, files } = await tenantGenerator(tree, options);
  return () => {
    logger.info(`${config.names.sv} (${config.slug}) is set up: ${files.join(', ')}.`);
    if (config.auth.issuer) {
      logger.info(`Its staff log in through its own Keycloak (${config.auth.issuer}), so the shared realm export leaves it out.`);
    }
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
  prefixesInUse: ReadonlyMap<string, string> = new Map(),
): { config: TenantConfig; text: string } {
  const kommunkod =
    typeof options.kommunkod === 'number' ? String(options.kommunkod).padStart(4, '0') : String(options.kommunkod ?? '').trim();
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
  const stage = options.stage ?? 'planned';
  if (!(ONBOARDING_STAGES as readonly string[]).includes(stage)) {
    throw new TenantOnboardingError('INVALID_STAGE', `"${stage}" is not a stage a member starts at (${ONBOARDING_STAGES.join(', ')})`);
  }
  const auth =
    options.issuer === undefined ? { realm: SHARED_REALM, organization: slug } : { ...ownKeycloak(options.issuer), organization: slug };
  const sv = options.name ?? swedishDisplayName(kommun.namn);
  const email = options.email ?? `kommun@${slug}.se`;
  const url = options.url ?? `https://${slug}.se`;
  const errandNumberPrefix = services.includes('e-forms') ? ownErrandPrefix(slug, options.errandNumberPrefix, prefixesInUse) : undefined;

  const draft = {
    slug,
    kommunkod,
    organisationsnummer,
    names: { sv, en: englishDisplayName(kommun.namn) },
    population,
    contact: { name: 'Kommunens kontaktcenter', email, url },
    hosts: [`${slug}.kommuna.se`],
    auth,
    services: Object.fromEntries(
      services.map((id) => {
        const settings = defaultSettings(id, sv, email, errandNumberPrefix);
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

/**
 * A municipality's own Keycloak, named by its realm URL (the `iss` its tokens carry exactly):
 * https://<host>/realms/<realm>; plain http only on this machine, for trying it out.
 */
function ownKeycloak(input: string): { realm: string; issuer: string } {
  const issuer = String(input).trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TenantOnboardingError(
      'INVALID_ISSUER',
      `"${input}" is not a URL: give the realm URL of the municipality's Keycloak, e.g. https://login.kommun.se/realms/personal`,
    );
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new TenantOnboardingError('INVALID_ISSUER', `"${input}" must use https: tokens are only trusted from an issuer reached over TLS`);
  }
  const realm = /\/realms\/([^/]+)$/.exec(url.pathname)?.[1];
  if (!realm || url.search || url.hash) {
    throw new TenantOnboardingError('INVALID_ISSUER', `"${input}" is not a Keycloak realm URL (https://<host>/realms/<realm>)`);
  }
  return { realm: decodeURIComponent(realm), issuer };
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
function defaultSettings(id: ServiceId, name: string, email: string, errandNumberPrefix?: string): Record<string, unknown> {
  switch (id) {
    case 'e-forms':
      return { errandNumberPrefix, draftRetentionDays: 30 };
    case 'digital-mail':
      return { senderName: name, paperFallback: true, supportInfo: { text: `Frågor om brevet? Kontakta ${name}.`, email } };
    default:
      return {};
  }
}

/**
 * The municipality's errand number prefix: every form it adopts numbers its errands with it, so it
 * must be one no member uses (for itself or a form of its own), or two members would hand out the
 * same numbers. Given, it is checked; otherwise the first free one of the slug's letters: SOL, then
 * SOx for the later letters, then Sxy, then 4-6 letters.
 */
function ownErrandPrefix(slug: string, given: string | undefined, inUse: ReadonlyMap<string, string>): string {
  if (given !== undefined) {
    const prefix = String(given).trim();
    if (!/^[A-Z]{2,6}$/.test(prefix)) {
      throw new TenantOnboardingError('TENANT_CONFIG_INVALID', `errand number prefix "${prefix}" must be 2-6 capital letters A-Z`);
    }
    const user = inUse.get(prefix);
    if (user) throw new TenantOnboardingError('ERRAND_PREFIX_TAKEN', `errand number prefix ${prefix} is already used by ${user}`);
    return prefix;
  }
  const letters = slug.replace(/[^a-z]/g, '').toUpperCase();
  const candidates = [letters.slice(0, 3)];
  for (let i = 2; i < letters.length; i++) candidates.push(letters.slice(0, 2) + letters[i]);
  for (let i = 1; i < letters.length; i++)
    for (let j = i + 1; j < letters.length; j++) candidates.push(letters[0] + letters[i] + letters[j]);
  candidates.push(letters.slice(0, 4), letters.slice(0, 5), letters.slice(0, 6));
  const free = candidates.find((prefix) => /^[A-Z]{2,6}$/.test(prefix) && !inUse.has(prefix));
  if (!free) {
    throw new TenantOnboardingError(
      'ERRAND_PREFIX_TAKEN',
      `every errand number prefix made from "${slug}" is in use: give --errandNumberPrefix`,
    );
  }
  return free;
}

/** Every errand number prefix the members use, and where: their settings' and their own forms'. */
function errandPrefixesInUse(tree: Tree, existing: Array<{ file: string; config: TenantConfig }>): Map<string, string> {
  const inUse = new Map<string, string>();
  for (const { file, config } of existing) {
    const own = config.services['e-forms']?.settings?.errandNumberPrefix;
    if (typeof own === 'string') inUse.set(own, file);
    const forms = joinPathFragments(TENANTS_DIR, config.slug, 'forms');
    if (!tree.exists(forms)) continue;
    for (const name of tree.children(forms).filter((n) => /\.ya?ml$/.test(n))) {
      const formFile = joinPathFragments(forms, name);
      // A broken form file is start-up's to report; it claims no prefix here.
      const prefix = (() => {
        try {
          return parseYaml(tree.read(formFile, 'utf-8') ?? '')?.definition?.errandNumberPrefix;
        } catch {
          return undefined;
        }
      })();
      if (typeof prefix === 'string' && !inUse.has(prefix)) inUse.set(prefix, formFile);
    }
  }
  return inUse;
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
            : identityProvider(other) === identityProvider(config) && other.auth.organization === config.auth.organization
              ? `Keycloak Organization "${config.auth.organization}"`
              : other.hosts.find((host) => config.hosts.includes(host));
    if (clash) throw new TenantOnboardingError('TENANT_EXISTS', `${clash} is already used by ${file}`);
  }
}

/** Where a tenant's staff log in: its own Keycloak's issuer, or a realm of the platform's Keycloak. */
const identityProvider = (config: TenantConfig): string => config.auth.issuer ?? `realm:${config.auth.realm}`;

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
