// The Kubernetes base mounts every tenant file from one ConfigMap (kommuna-tenants) that kustomize
// generates from a list of files. kustomize reads files only inside the kustomization's folder
// (`kubectl apply -k` has no --load-restrictor), so the base keeps a copy of each tenants/<slug>/tenant.yaml
// as infra/k8s/base/tenants/<slug>.yaml; the copies and the list are kept in step here, and a test
// and `npm run infra:check` fail when a copy differs from tenants/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { TENANT_FILE_NAME } from '@kommuna/platform-tenancy';

export const K8S_BASE = 'infra/k8s/base';
export const K8S_KUSTOMIZATION = `${K8S_BASE}/kustomization.yaml`;
/** Where the base keeps its copies of the tenant files, one <slug>.yaml each. */
export const K8S_TENANT_COPIES = `${K8S_BASE}/tenants`;
export const TENANTS_CONFIG_MAP = 'kommuna-tenants';

/** The copy of a tenant file in the base (repository-relative). */
export const k8sTenantCopy = (slug: string) => `${K8S_TENANT_COPIES}/${slug}.yaml`;
/** The configMapGenerator entry for a tenant: the key <slug>.yaml, read from the base's copy. */
export const tenantConfigMapEntry = (slug: string) => `${slug}.yaml=tenants/${slug}.yaml`;

/** The kustomization text with the kommuna-tenants files set to these slugs (comments kept). */
export function withTenantFiles(kustomization: string, slugs: string[]): string {
  const document = parseDocument(kustomization);
  const generators = document.get('configMapGenerator');
  const generator = isSeq(generators) ? generators.items.find((item) => isMap(item) && item.get('name') === TENANTS_CONFIG_MAP) : undefined;
  if (!isMap(generator)) throw new Error(`${K8S_KUSTOMIZATION} has no configMapGenerator named ${TENANTS_CONFIG_MAP}`);
  generator.set('files', document.createNode([...slugs].sort().map(tenantConfigMapEntry)));
  return document.toString({ lineWidth: 0 });
}

/** The slugs with a tenants/<slug>/tenant.yaml under root, sorted. */
function tenantSlugs(root: string): string[] {
  const tenantsDir = path.join(root, 'tenants');
  if (!fs.existsSync(tenantsDir)) return [];
  return fs
    .readdirSync(tenantsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(tenantsDir, entry.name, TENANT_FILE_NAME)))
    .map((entry) => entry.name)
    .sort();
}

/** How the base's tenant copies differ from tenants/ under root: missing, different or left over. */
export function staleTenantCopies(root: string): string[] {
  const problems: string[] = [];
  const slugs = tenantSlugs(root);
  for (const slug of slugs) {
    const copy = path.join(root, k8sTenantCopy(slug));
    const original = fs.readFileSync(path.join(root, 'tenants', slug, TENANT_FILE_NAME), 'utf8');
    if (!fs.existsSync(copy)) problems.push(`${k8sTenantCopy(slug)} is missing`);
    else if (fs.readFileSync(copy, 'utf8') !== original)
      problems.push(`${k8sTenantCopy(slug)} differs from tenants/${slug}/${TENANT_FILE_NAME}`);
  }
  const copiesDir = path.join(root, K8S_TENANT_COPIES);
  const copies = fs.existsSync(copiesDir) ? fs.readdirSync(copiesDir).filter((name) => name.endsWith('.yaml')) : [];
  for (const name of copies.sort()) {
    if (!slugs.includes(name.slice(0, -'.yaml'.length)))
      problems.push(`${K8S_TENANT_COPIES}/${name} has no tenants/${name.slice(0, -5)}/${TENANT_FILE_NAME}`);
  }
  return problems;
}

/** Rewrites the base's tenant copies and file list from tenants/ under root. */
export function syncTenantCopies(root: string): void {
  const slugs = tenantSlugs(root);
  const copiesDir = path.join(root, K8S_TENANT_COPIES);
  fs.mkdirSync(copiesDir, { recursive: true });
  for (const name of fs.readdirSync(copiesDir).filter((n) => n.endsWith('.yaml'))) fs.rmSync(path.join(copiesDir, name));
  for (const slug of slugs) fs.copyFileSync(path.join(root, 'tenants', slug, TENANT_FILE_NAME), path.join(root, k8sTenantCopy(slug)));
  const kustomization = path.join(root, K8S_KUSTOMIZATION);
  fs.writeFileSync(kustomization, withTenantFiles(fs.readFileSync(kustomization, 'utf8'), slugs));
}

// After editing a tenant file by hand: npm run k8s:tenants
if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  syncTenantCopies(root);
  console.log(`${K8S_TENANT_COPIES} and ${K8S_KUSTOMIZATION} now match tenants/.`);
}
