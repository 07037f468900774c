// `nx g @kommuna/tools:service parking-permits`: scaffolds a shared service. It writes the library
// (libs/<name>: package.json with its nx tags, tsconfig, jest config, its descriptor, tenant settings
// with their validation and a first spec, the catalogue's service.yaml) and a changeset, then
// registers it: one line (and its import) in the composition's SERVICES list, the id in the tenant
// schema (platform-tenancy cannot import the composition; its services test checks the two agree),
// the workspace and the tsconfig path. eslint takes the new scope from the library's tags.
// Everything is checked before the first write, so bad input leaves the tree untouched.
import * as path from 'node:path';
import { GeneratorCallback, generateFiles, logger, Tree, updateJson } from '@nx/devkit';

export interface ServiceGeneratorOptions {
  /** The service id: its folder, package (@kommuna/<name>), scope tag and key in tenant.yaml. */
  name: string;
  /** Swedish display name (default: the id). */
  nameSv?: string;
  /** English display name (default: the id). */
  nameEn?: string;
  team?: string;
  email?: string;
}

export type ServiceGeneratorErrorCode = 'INVALID_NAME' | 'SERVICE_EXISTS' | 'WORKSPACE_UNEXPECTED';

export class ServiceGeneratorError extends Error {
  constructor(
    readonly code: ServiceGeneratorErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export const COMPOSITION_FILE = 'libs/services/src/services.ts';
export const SERVICE_IDS_FILE = 'libs/platform/tenancy/src/tenant-config.schema.ts';
export const TENANT_JSON_SCHEMA_FILE = 'tenants/tenant.schema.json';

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Scopes and folders that are not services. */
const RESERVED = ['platform', 'shared', 'services', 'composition', 'app', 'tools'];
const SERVICE_IDS_LINE = /export const SERVICE_IDS = \[([^\]]*)\] as const;/;
const SERVICES_LIST = /export const SERVICES: readonly ServiceDescriptor\[\] = \[\n([\s\S]*?)\];/;

export interface GeneratedService {
  name: string;
  constantName: string;
  files: string[];
}

export async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratedService> {
  const name = String(options.name ?? '').trim();
  if (!NAME_PATTERN.test(name) || name.length > 40) {
    throw new ServiceGeneratorError(
      'INVALID_NAME',
      `"${name}" must be lower-case letters and digits, words joined by single dashes (e.g. parking-permits), at most 40 characters`,
    );
  }
  if (RESERVED.includes(name)) throw new ServiceGeneratorError('INVALID_NAME', `"${name}" is reserved (${RESERVED.join(', ')})`);
  const dir = `libs/${name}`;
  if (tree.exists(dir)) throw new ServiceGeneratorError('SERVICE_EXISTS', `${dir} already exists`);

  // Read and check every file it edits before writing any.
  const composition = read(tree, COMPOSITION_FILE);
  const idsSource = read(tree, SERVICE_IDS_FILE);
  const ids = idsSource.match(SERVICE_IDS_LINE);
  if (!ids)
    throw new ServiceGeneratorError('WORKSPACE_UNEXPECTED', `${SERVICE_IDS_FILE} has no "export const SERVICE_IDS = [...] as const;" line`);
  if (ids[1].includes(`'${name}'`))
    throw new ServiceGeneratorError('SERVICE_EXISTS', `${name} is already in SERVICE_IDS (${SERVICE_IDS_FILE})`);
  const list = composition.match(SERVICES_LIST);
  if (!list)
    throw new ServiceGeneratorError(
      'WORKSPACE_UNEXPECTED',
      `${COMPOSITION_FILE} has no multi-line "export const SERVICES: readonly ServiceDescriptor[] = [" list`,
    );
  const lastImport = [...composition.matchAll(/^import .*;$/gm)].pop();
  if (!lastImport) throw new ServiceGeneratorError('WORKSPACE_UNEXPECTED', `${COMPOSITION_FILE} has no imports`);
  const tenantSchema = JSON.parse(read(tree, TENANT_JSON_SCHEMA_FILE)) as {
    properties?: { services?: { properties?: Record<string, unknown> } };
  };
  const serviceEntries = tenantSchema.properties?.services?.properties;
  const entryShape = serviceEntries && Object.values(serviceEntries)[0];
  if (!serviceEntries || !entryShape)
    throw new ServiceGeneratorError('WORKSPACE_UNEXPECTED', `${TENANT_JSON_SCHEMA_FILE} has no properties.services.properties to copy`);

  const pascalName = name.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
  const constantName = `${name.replace(/-/g, '_').toUpperCase()}_SERVICE`;
  const substitutions = {
    template: '',
    name,
    pascalName,
    constantName,
    nameSv: options.nameSv?.trim() || name,
    nameEn: options.nameEn?.trim() || name,
    team: options.team?.trim() || 'Plattformsteamet',
    email: options.email?.trim() || 'plattform@kommuna.se',
  };
  generateFiles(tree, path.join(__dirname, 'files'), dir, substitutions);
  tree.write(
    `.changeset/${name}-service.md`,
    `---\n'@kommuna/${name}': minor\n'@kommuna/services': patch\n'@kommuna/platform-tenancy': patch\n---\n\n` +
      `${substitutions.nameEn}: a new shared service (${name}), composed by @kommuna/services and known to the tenant schema, so a municipality may list it in tenant.yaml under services.${name}.\n`,
  );

  // The composition: its import and the one line in SERVICES.
  const importLine = `import { ${constantName} } from '@kommuna/${name}';`;
  const end = (lastImport.index ?? 0) + lastImport[0].length;
  let updated = `${composition.slice(0, end)}\n${importLine}${composition.slice(end)}`;
  updated = updated.replace(SERVICES_LIST, (whole, entries: string) => whole.replace(entries, `${entries}  ${constantName},\n`));
  tree.write(COMPOSITION_FILE, updated);

  tree.write(
    SERVICE_IDS_FILE,
    idsSource.replace(SERVICE_IDS_LINE, (_, entries: string) => `export const SERVICE_IDS = [${entries}, '${name}'] as const;`),
  );
  serviceEntries[name] = entryShape;
  tree.write(TENANT_JSON_SCHEMA_FILE, JSON.stringify(tenantSchema, null, 2) + '\n');

  updateJson(tree, 'package.json', (pkg: { workspaces: string[] }) => {
    // Beside the other service libraries, before the composition.
    const at = pkg.workspaces.indexOf('libs/services');
    pkg.workspaces.splice(at === -1 ? pkg.workspaces.length : at, 0, dir);
    return pkg;
  });
  updateJson(tree, 'tsconfig.base.json', (config: { compilerOptions: { paths: Record<string, string[]> } }) => {
    config.compilerOptions.paths[`@kommuna/${name}`] = [`${dir}/src/index.ts`];
    return config;
  });

  const files = tree
    .listChanges()
    .map((change) => change.path)
    .sort();
  return { name, constantName, files };
}

function read(tree: Tree, file: string): string {
  const text = tree.read(file, 'utf-8');
  if (text === null)
    throw new ServiceGeneratorError('WORKSPACE_UNEXPECTED', `${file} is missing: run the generator at the repository root`);
  return text;
}

/** The Nx entry point: after the files are written, it says what comes next. */
export default async function (tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratorCallback> {
  const generated = await serviceGenerator(tree, options);
  return () => {
    logger.info(`${generated.name} is composed (${generated.constantName} in ${COMPOSITION_FILE}).`);
    logger.info(
      `Next: npm install (the lock file learns the workspace), fill in libs/${generated.name}/service.yaml and run npm run catalogue:publiccode (docs/publiccode), then add its tables, event handlers, jobs and start-up content to its descriptor (docs/architecture.md#services-manifest).`,
    );
  };
}
