// npm run infra:check — validates infra/ without a cluster or a Docker engine:
//  - builds the base and every overlay with `kubectl kustomize` (no flags, as `kubectl apply -k` does)
//    and validates every object against the Kubernetes OpenAPI schemas shipped in the
//    kubernetes-models package;
//  - checks what the schemas cannot: non-root read-only containers with resources, the api's
//    probes, Secrets referenced and never stored, the tenant ConfigMap and the base's tenant copies
//    matching tenants/, images pinned in every overlay;
//  - checks infra/compose.yaml's services, health checks, build files and mounted files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse, parseAllDocuments } from 'yaml';
import { loadTenantConfigs, parseTenantConfig } from '@kommuna/platform-tenancy';
import { K8S_BASE, staleTenantCopies, TENANTS_CONFIG_MAP } from './k8s-tenants';

export const KUBERNETES_MODELS = 'kubernetes-models';

/** A rendered Kubernetes object: what every object has, the rest as parsed (the schema check judges it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

// The parts of a manifest the rules read. Everything is optional: a manifest may lack any of it,
// and a missing part is a problem to report, not a crash.
interface Container {
  name?: string;
  image?: string;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  resources?: Partial<Record<'requests' | 'limits', { cpu?: string; memory?: string }>>;
  volumeMounts?: Array<{ name: string }>;
  env?: Array<{ name: string; value?: string }>;
  readinessProbe?: { httpGet?: { path?: string } };
  livenessProbe?: { httpGet?: { path?: string } };
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  volumes?: Array<{ name: string }>;
  initContainers?: Container[];
  containers?: Container[];
}

interface ObjectSpec {
  template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
  selector?: Record<string, string>;
  scaleTargetRef?: { kind?: string; name?: string };
}

const specOf = (object: K8sObject | undefined): ObjectSpec | undefined => object?.spec as ObjectSpec | undefined;
const dataOf = (object: K8sObject | undefined): Record<string, string> | undefined => object?.data as Record<string, string> | undefined;

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: unknown };
  build?: { context?: string; dockerfile?: string; target?: string };
  volumes?: string[];
  depends_on?: Record<string, { condition?: string } | undefined>;
}

/** What `kubectl kustomize` needs; CI machines have kubectl (it bundles kustomize). */
export const KUBECTL = 'kubectl';

/**
 * The objects `kubectl kustomize <dir>` builds, exactly as `kubectl apply -k` would send them
 * (generated ConfigMaps carry their content hash: see baseNameOf).
 */
export function renderKustomization(dir: string, kubectl = KUBECTL): K8sObject[] {
  let built: string;
  try {
    built = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        `${kubectl} is not installed: the manifests are built with \`kubectl kustomize\` as \`kubectl apply -k\` builds them (install kubectl 1.27 or later; CI machines have it)`,
      );
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
  return parseAllDocuments(built)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/**
 * A generated ConfigMap's or Secret's name without the content hash kustomize appends
 * (kommuna-tenants-25tckbf7d6 is kommuna-tenants); other names as they are.
 */
export function baseNameOf(object: K8sObject): string {
  const name = object.metadata.name;
  return object.kind === 'ConfigMap' || object.kind === 'Secret' ? name.replace(/-[245-9bcdfghkmt]{10}$/, '') : name;
}

/** Images an environment would run unpinned: no tag, or :latest, and no digest. */
export function unpinnedImageProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    if (!podSpecOf(object)) continue;
    for (const container of containersOf(object)) {
      const image = container.image ?? '';
      if (image.includes('@sha256:')) continue;
      const [, tag] = splitImage(image);
      if (tag === undefined || tag === 'latest') {
        problems.push(`${object.kind} ${object.metadata.name} container ${container.name}: image ${image} is not pinned to a version`);
      }
    }
  }
  return problems;
}

const splitImage = (image: string): [string, string | undefined] => {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
};

function podSpecOf(object: K8sObject): PodSpec | undefined {
  if (object.kind === 'Deployment') return specOf(object)?.template?.spec;
  if (object.kind === 'Job') return specOf(object)?.template?.spec;
  return undefined;
}

function containersOf(object: K8sObject): Container[] {
  const spec = podSpecOf(object);
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** Validates each object with the kubernetes-models class for its apiVersion and kind. */
export function kubernetesSchemaProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    // kubernetes-models/<group>/<version>/<Kind>; the core group is just "v1".
    const modulePath = `${KUBERNETES_MODELS}/${object.apiVersion}/${object.kind}`;
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = require(modulePath)[object.kind];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && !isInstalled()) {
        throw new Error(
          `${KUBERNETES_MODELS} is not installed: it holds the Kubernetes schemas (npm install -D ${KUBERNETES_MODELS}@4.5.1)`,
        );
      }
      problems.push(`${object.kind} ${object.metadata?.name}: no Kubernetes schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

function isInstalled(): boolean {
  try {
    require.resolve(`${KUBERNETES_MODELS}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** What Kommuna's manifests must do beyond being well-formed. */
export function policyProblems(objects: K8sObject[], tenantsDir: string): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && baseNameOf(o) === name);

  for (const object of objects) {
    const where = `${object.kind} ${object.metadata.name}`;
    if (object.kind === 'Secret') problems.push(`${where}: Secrets are referenced, never kept in the manifests`);
    const spec = podSpecOf(object);
    if (!spec) continue;
    if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${where}: the pod must set runAsNonRoot: true`);
    const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
    for (const container of containersOf(object)) {
      const at = `${where} container ${container.name}`;
      const security = container.securityContext ?? {};
      if (security.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem must be true`);
      if (security.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation must be false`);
      if (!security.capabilities?.drop?.includes('ALL')) problems.push(`${at}: must drop ALL capabilities`);
      for (const kind of ['requests', 'limits'] as const) {
        if (!container.resources?.[kind]?.cpu || !container.resources?.[kind]?.memory)
          problems.push(`${at}: resources.${kind} needs cpu and memory`);
      }
      for (const mount of container.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) problems.push(`${at}: mounts volume "${mount.name}", which the pod does not define`);
      }
      for (const env of container.env ?? []) {
        if (/^(DATABASE_URL|DATABASE_MIGRATION_URL)$|PASSWORD|SECRET/.test(env.name) && env.value !== undefined) {
          problems.push(`${at}: ${env.name} must come from a Secret (secretKeyRef), not a value`);
        }
      }
    }
  }

  const api = find('Deployment', 'kommuna-api');
  const apiContainer = specOf(api)?.template?.spec?.containers?.find((c) => c.name === 'api');
  if (!apiContainer) problems.push('Deployment kommuna-api with a container "api" is missing');
  else {
    if (apiContainer.readinessProbe?.httpGet?.path !== '/health/ready') problems.push('kommuna-api: readinessProbe must GET /health/ready');
    if (apiContainer.livenessProbe?.httpGet?.path !== '/health/live') problems.push('kommuna-api: livenessProbe must GET /health/live');
    const labels = specOf(api)?.template?.metadata?.labels ?? {};
    const service = find('Service', 'kommuna-api');
    const selects = service && Object.entries(specOf(service)?.selector ?? {}).every(([k, v]) => labels[k] === v);
    if (!selects) problems.push('Service kommuna-api must select the api pods');
    const hpa = find('HorizontalPodAutoscaler', 'kommuna-api');
    const target = specOf(hpa)?.scaleTargetRef;
    if (target?.kind !== 'Deployment' || target.name !== 'kommuna-api') {
      problems.push('HorizontalPodAutoscaler kommuna-api must scale Deployment kommuna-api');
    }
  }
  if (!find('Deployment', 'kommuna-worker')) problems.push('Deployment kommuna-worker is missing');
  const job = find('Job', 'kommuna-migrate');
  const jobEnv = (specOf(job)?.template?.spec?.containers?.[0]?.env ?? []).map((e) => e.name);
  if (!jobEnv.includes('DATABASE_MIGRATION_URL')) problems.push('Job kommuna-migrate must run as the owner (DATABASE_MIGRATION_URL)');

  // The tenant ConfigMap holds exactly the tenant files, as they are in tenants/, each valid.
  const tenants = find('ConfigMap', TENANTS_CONFIG_MAP);
  const tenantFiles = loadTenantConfigs(tenantsDir);
  const expected = tenantFiles.map((t) => `${t.config.slug}.yaml`).sort();
  const actual = Object.keys(dataOf(tenants) ?? {}).sort();
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    problems.push(
      `ConfigMap ${TENANTS_CONFIG_MAP} holds [${actual.join(', ')}] but tenants/ has [${expected.join(', ')}]: run the tenant generator or npm run k8s:tenants`,
    );
  }
  for (const [key, text] of Object.entries(dataOf(tenants) ?? {})) {
    const original = tenantFiles.find((t) => `${t.config.slug}.yaml` === key);
    if (original && fs.readFileSync(original.file, 'utf8') !== text) {
      problems.push(
        `ConfigMap ${TENANTS_CONFIG_MAP} ${key} differs from tenants/${original.config.slug}/tenant.yaml: run npm run k8s:tenants`,
      );
    }
    const parsed = parseTenantConfig(key, text);
    if (!parsed.ok)
      problems.push(`ConfigMap ${TENANTS_CONFIG_MAP} ${key}: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
  return problems;
}

/** infra/compose.yaml: the five services, their health checks and order, and the files it names. */
export function composeProblems(file: string): string[] {
  const problems: string[] = [];
  const compose = parse(fs.readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, ComposeService | undefined> };
  const dir = path.dirname(file);
  const services = compose.services ?? {};
  for (const name of ['postgres', 'keycloak', 'migrate', 'api', 'worker']) {
    if (!services[name]) problems.push(`service ${name} is missing`);
  }
  for (const [name, service = {}] of Object.entries(services)) {
    if (name !== 'migrate' && !service.healthcheck?.test) problems.push(`service ${name} has no healthcheck`);
    if (service.build) {
      const context = path.resolve(dir, service.build.context ?? '.');
      if (!fs.existsSync(context)) problems.push(`service ${name}: build context ${service.build.context} does not exist`);
      const dockerfile = path.resolve(context, service.build.dockerfile ?? 'Dockerfile');
      if (!fs.existsSync(dockerfile)) problems.push(`service ${name}: ${service.build.dockerfile} does not exist`);
      else if (
        service.build.target &&
        !new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${service.build.target}\\s*$`, 'mi').test(fs.readFileSync(dockerfile, 'utf8'))
      ) {
        problems.push(`service ${name}: ${service.build.dockerfile} has no stage ${service.build.target}`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0];
      if ((source.startsWith('.') || source.startsWith('/')) && !fs.existsSync(path.resolve(dir, source))) {
        problems.push(`service ${name}: mounts ${source}, which does not exist`);
      }
    }
    for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
      const other = services[dependency];
      if (!other) problems.push(`service ${name} depends on unknown service ${dependency}`);
      else if (condition?.condition === 'service_healthy' && !other.healthcheck) {
        problems.push(`service ${name} waits for ${dependency} to be healthy, but it has no healthcheck`);
      }
    }
  }
  const postgres = services.postgres;
  if (postgres && !/^postgres:15(\.|$|-)/.test(postgres.image ?? '')) problems.push('postgres must run PostgreSQL 15 (image postgres:15)');
  if (postgres && !(postgres.volumes ?? []).some((v) => /postgres\/roles\.sql:\/docker-entrypoint-initdb\.d\//.test(v))) {
    problems.push('postgres must run infra/postgres/roles.sql at init');
  }
  const keycloak = services.keycloak;
  if (keycloak && !/keycloak:26/.test(keycloak.image ?? '')) problems.push('keycloak must run Keycloak 26');
  if (keycloak && !(keycloak.command ?? []).includes('--import-realm')) problems.push('keycloak must start with --import-realm');
  if (keycloak && !(keycloak.volumes ?? []).some((v) => v.includes('kommuna-realm.json:/opt/keycloak/data/import/'))) {
    problems.push('keycloak must mount the realm export into /opt/keycloak/data/import');
  }
  const migrate = services.migrate;
  if (migrate && (migrate.command ?? []).join(' ') !== 'npm run migrate') problems.push('migrate must run `npm run migrate`');
  if (migrate && !/^postgres:\/\/kommuna_owner[:@]/.test(migrate.environment?.DATABASE_MIGRATION_URL ?? '')) {
    problems.push('migrate must connect as kommuna_owner (DATABASE_MIGRATION_URL)');
  }
  for (const name of ['api', 'worker']) {
    const service = services[name];
    if (service && service.depends_on?.migrate?.condition !== 'service_completed_successfully') {
      problems.push(`${name} must wait for migrate to complete successfully`);
    }
    if (service && !/^postgres:\/\/kommuna_app[:@]/.test(service.environment?.DATABASE_URL ?? ''))
      problems.push(`${name} must connect as kommuna_app`);
  }
  return problems;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  const problems: string[] = [];
  try {
    const overlaysDir = path.join(root, 'infra/k8s/overlays');
    const overlays = fs
      .readdirSync(overlaysDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `infra/k8s/overlays/${entry.name}`)
      .sort();
    problems.push(...staleTenantCopies(root).map((p) => `${p}: run npm run k8s:tenants`));
    for (const kustomization of [K8S_BASE, ...overlays]) {
      const objects = renderKustomization(path.join(root, kustomization));
      const found = [...kubernetesSchemaProblems(objects), ...policyProblems(objects, path.join(root, 'tenants'))];
      // The base names :latest on purpose; an environment runs the versions its overlay names.
      if (kustomization !== K8S_BASE) found.push(...unpinnedImageProblems(objects));
      problems.push(...found.map((p) => `${kustomization}: ${p}`));
      console.log(`${kustomization}: ${objects.length} objects (${[...new Set(objects.map((o) => o.kind))].join(', ')})`);
    }
    problems.push(...composeProblems(path.join(root, 'infra/compose.yaml')).map((p) => `infra/compose.yaml: ${p}`));
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) {
    console.error(`Infrastructure check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else
    console.log(
      'kubectl kustomize builds every overlay; the manifests match the Kubernetes schemas and our rules; compose.yaml is complete.',
    );
}
