// The Kubernetes base mounts every tenant file from one ConfigMap (kommuna-tenants) that kustomize
// generates from a list of files: kustomize cannot glob, so the list is kept in step here.
import { isMap, isSeq, parseDocument } from 'yaml';

export const K8S_KUSTOMIZATION = 'infra/k8s/base/kustomization.yaml';
export const TENANTS_CONFIG_MAP = 'kommuna-tenants';

export const tenantConfigMapEntry = (slug: string) => `${slug}.yaml=../../../tenants/${slug}/tenant.yaml`;

/** The kustomization text with the kommuna-tenants files set to these slugs (comments kept). */
export function withTenantFiles(kustomization: string, slugs: string[]): string {
  const document = parseDocument(kustomization);
  const generators = document.get('configMapGenerator');
  const generator = isSeq(generators) ? generators.items.find((item) => isMap(item) && item.get('name') === TENANTS_CONFIG_MAP) : undefined;
  if (!isMap(generator)) throw new Error(`${K8S_KUSTOMIZATION} has no configMapGenerator named ${TENANTS_CONFIG_MAP}`);
  generator.set('files', document.createNode([...slugs].sort().map(tenantConfigMapEntry)));
  return document.toString({ lineWidth: 0 });
}
