import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigProblem, parseYamlConfig } from '@kommuna/shared-yaml-config';
import { TenantConfig, TenantConfigSchema } from './tenant-config.schema';
import { KommunaError } from '@kommuna/shared-service-contracts';

export const TENANT_FILE_NAME = 'tenant.yaml';

export type TenantConfigProblem = ConfigProblem;

/** Start-up stops on any of these: no tenant runs on another's or on half-read settings. */
export class TenantConfigError extends KommunaError {
  readonly code = 'TENANT_CONFIG_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
  constructor(readonly problems: TenantConfigProblem[]) {
    super(
      `Tenant configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}: ${p.field}: ${p.message}`).join('\n'),
    );
  }
}

export interface LoadedTenantConfig {
  file: string;
  config: TenantConfig;
}

/** Parses and validates one tenant file's text; returns its config or every problem found. */
export function parseTenantConfig(
  file: string,
  text: string,
): { ok: true; config: TenantConfig } | { ok: false; problems: TenantConfigProblem[] } {
  const parsed = parseYamlConfig(TenantConfigSchema, file, text);
  return parsed.ok ? { ok: true, config: parsed.value } : parsed;
}

/**
 * Reads `<dir>/<slug>/tenant.yaml` for every tenant, validates each file and the set as a whole
 * (unique slugs, kommunkoder, hosts), and throws one error listing every problem in every file.
 */
export function loadTenantConfigs(dir: string): LoadedTenantConfig[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new TenantConfigError([{ file: dir, field: '(folder)', message: 'tenants folder does not exist' }]);
  }
  const problems: TenantConfigProblem[] = [];
  const loaded: LoadedTenantConfig[] = [];
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  for (const folder of folders) {
    const file = path.join(dir, folder, TENANT_FILE_NAME);
    if (!fs.existsSync(file)) {
      problems.push({ file, field: '(file)', message: `missing: every folder under tenants/ holds a ${TENANT_FILE_NAME}` });
      continue;
    }
    const parsed = parseTenantConfig(file, fs.readFileSync(file, 'utf8'));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    if (parsed.config.slug !== folder) {
      problems.push({ file, field: 'slug', message: `is "${parsed.config.slug}" but the folder is "${folder}": they must match` });
      continue;
    }
    const logo = parsed.config.web?.logo;
    if (logo && !fs.existsSync(path.join(dir, folder, logo))) {
      problems.push({ file, field: 'web.logo', message: `names ${logo}, which is not in ${path.join(dir, folder)}` });
      continue;
    }
    loaded.push({ file, config: parsed.config });
  }

  problems.push(...findDuplicates(loaded));
  if (problems.length > 0) throw new TenantConfigError(problems);
  return loaded;
}

function findDuplicates(loaded: LoadedTenantConfig[]): TenantConfigProblem[] {
  const problems: TenantConfigProblem[] = [];
  const claims: Array<[field: string, values: (config: TenantConfig) => string[]]> = [
    ['kommunkod', (c) => [c.kommunkod]],
    ['organisationsnummer', (c) => [c.organisationsnummer.replace(/\D/g, '')]],
    ['hosts', (c) => c.hosts],
    ['auth.organization', (c) => [`${c.auth.realm}/${c.auth.organization}`]],
  ];
  for (const [field, values] of claims) {
    const owner = new Map<string, string>();
    for (const { file, config } of loaded) {
      for (const value of values(config)) {
        const first = owner.get(value);
        if (first) problems.push({ file, field, message: `"${value}" is already used by ${first}` });
        else owner.set(value, file);
      }
    }
  }
  return problems;
}
