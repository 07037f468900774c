import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigProblem, parseYamlConfig } from '@kommuna/shared-yaml-config';
import { LoadedTenantConfig, SERVICE_IDS, ServiceId } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';
import { meteredMetricsOf } from '../metering/metrics';
import { ChangelogRelease, parseChangelog } from './changelog';
import { ServiceDescriptor, ServiceDescriptorSchema } from './service-descriptor.schema';

export const SERVICE_FILE_NAME = 'service.yaml';

export type ServiceDescriptorProblem = ConfigProblem;

/** CI and start-up stop on these, each naming the file and the field. */
export class ServiceDescriptorError extends KommunaError {
  readonly code = 'SERVICE_DESCRIPTOR_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
  constructor(readonly problems: ServiceDescriptorProblem[]) {
    super(
      `Service descriptors are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}: ${p.field}: ${p.message}`).join('\n'),
    );
  }
}

/** A service as the catalogue knows it: its descriptor plus what its library says of its releases. */
export interface CatalogueEntry {
  id: ServiceId;
  file: string;
  descriptor: ServiceDescriptor;
  /** From the library's package.json. */
  packageName: string;
  version: string;
  /** From the library's CHANGELOG.md (changesets); empty when there is none yet. */
  changelog: ChangelogRelease[];
}

/** Parses and validates one service.yaml's text on its own (no cross-file checks). */
export function parseServiceDescriptor(
  file: string,
  text: string,
): { ok: true; descriptor: ServiceDescriptor } | { ok: false; problems: ServiceDescriptorProblem[] } {
  const parsed = parseYamlConfig(ServiceDescriptorSchema, file, text);
  return parsed.ok ? { ok: true, descriptor: parsed.value } : parsed;
}

/** Checks a descriptor against the platform: metered metrics exist, per-capita keys have populations. */
export function crossCheckDescriptor(
  id: ServiceId,
  file: string,
  descriptor: ServiceDescriptor,
  tenants: LoadedTenantConfig[],
): ServiceDescriptorProblem[] {
  const problems: ServiceDescriptorProblem[] = [];
  if (descriptor.id !== id)
    problems.push({ file, field: 'id', message: `is "${descriptor.id}" but the library is "${id}": they must match` });
  const metered = meteredMetricsOf(id).map((m) => m.id);
  const meteredText = metered.length > 0 ? metered.join(', ') : 'none';
  descriptor.benefits.forEach((benefit, i) => {
    if (!metered.includes(benefit.metric)) {
      problems.push({
        file,
        field: `benefits.${i}.metric`,
        message: `"${benefit.metric}" is not metered for ${id} (metered: ${meteredText})`,
      });
    }
  });
  if (descriptor.cost.usageMetric && !metered.includes(descriptor.cost.usageMetric)) {
    problems.push({
      file,
      field: 'cost.usageMetric',
      message: `"${descriptor.cost.usageMetric}" is not metered for ${id} (metered: ${meteredText})`,
    });
  }
  if (descriptor.cost.allocationKey === 'per_capita') {
    for (const tenant of tenants) {
      if (tenant.config.services[id] && tenant.config.population === undefined) {
        problems.push({
          file,
          field: 'cost.allocationKey',
          message: `per_capita needs the population of every municipality using ${id}: ${tenant.config.slug} (${tenant.file}) has no population`,
        });
      }
    }
  }
  return problems;
}

/**
 * Reads libs/<service>/service.yaml for every shared service, with the version from the library's
 * package.json and its CHANGELOG.md, and checks each against the platform. Throws one error
 * listing every problem in every file.
 */
export function loadServiceCatalogue(librariesDir: string, tenants: LoadedTenantConfig[]): CatalogueEntry[] {
  const problems: ServiceDescriptorProblem[] = [];
  const entries: CatalogueEntry[] = [];
  for (const id of SERVICE_IDS) {
    const dir = path.join(librariesDir, id);
    const file = path.join(dir, SERVICE_FILE_NAME);
    if (!fs.existsSync(file)) {
      problems.push({ file, field: '(file)', message: `missing: every shared service library carries a ${SERVICE_FILE_NAME}` });
      continue;
    }
    const parsed = parseServiceDescriptor(file, fs.readFileSync(file, 'utf8'));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const crossProblems = crossCheckDescriptor(id, file, parsed.descriptor, tenants);
    if (crossProblems.length > 0) {
      problems.push(...crossProblems);
      continue;
    }
    const packageFile = path.join(dir, 'package.json');
    let pkg: { name?: unknown; version?: unknown } = {};
    try {
      pkg = JSON.parse(fs.readFileSync(packageFile, 'utf8'));
    } catch (error) {
      problems.push({ file: packageFile, field: '(file)', message: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    if (typeof pkg.version !== 'string' || typeof pkg.name !== 'string') {
      problems.push({ file: packageFile, field: typeof pkg.name !== 'string' ? 'name' : 'version', message: 'is missing' });
      continue;
    }
    const changelogFile = path.join(dir, 'CHANGELOG.md');
    const changelog = parseChangelog(fs.existsSync(changelogFile) ? fs.readFileSync(changelogFile, 'utf8') : undefined);
    entries.push({ id, file, descriptor: parsed.descriptor, packageName: pkg.name, version: pkg.version, changelog });
  }
  if (problems.length > 0) throw new ServiceDescriptorError(problems);
  return entries;
}
