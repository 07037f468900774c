import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  baseNameOf,
  composeProblems,
  K8sObject,
  kubernetesSchemaProblems,
  policyProblems,
  renderKustomization,
  unpinnedImageProblems,
} from '../scripts/check-infra';
import { k8sTenantCopy, staleTenantCopies, syncTenantCopies } from '../scripts/k8s-tenants';
import { CHECKED_TREE, memberTenants, REPO_ROOT, TENANTS_DIR } from './members';

// The Kubernetes manifests list the members (the tenant ConfigMap), so they are read from the checked
// tree; the compose file and the Dockerfile name no member and are read from the repository.
const root = REPO_ROOT;
const tenantsDir = TENANTS_DIR;
const ENVIRONMENTS = fs
  .readdirSync(path.join(root, 'infra/k8s/overlays'))
  .map((name) => `infra/k8s/overlays/${name}`)
  .sort();
const OVERLAYS = ['infra/k8s/base', ...ENVIRONMENTS];

// Built by `kubectl kustomize`, as `kubectl apply -k` builds them (CI machines have kubectl).
const render = (overlay: string) => renderKustomization(path.join(CHECKED_TREE, overlay));
// The tests break manifests on purpose, so they reach into them as loose JSON.
type Manifest = K8sObject & Record<string, any>;
const clone = (objects: K8sObject[]): K8sObject[] => JSON.parse(JSON.stringify(objects));
const byName = (objects: K8sObject[], kind: string, name: string): Manifest => {
  const found = objects.find((o) => o.kind === kind && baseNameOf(o) === name);
  if (!found) throw new Error(`${kind} ${name} is not in the rendered manifests`);
  return found;
};

describe('Kubernetes manifests (infra/k8s)', () => {
  it.each(OVERLAYS)('%s renders the api, worker, portal, migration Job, autoscaler and the tenant ConfigMap', (overlay) => {
    const objects = render(overlay);
    expect(objects.map((o) => `${o.kind}/${baseNameOf(o)}`).sort()).toEqual([
      'ConfigMap/kommuna-platform',
      'ConfigMap/kommuna-tenants',
      'Deployment/kommuna-api',
      'Deployment/kommuna-portal',
      'Deployment/kommuna-worker',
      'HorizontalPodAutoscaler/kommuna-api',
      'Job/kommuna-migrate',
      'PodDisruptionBudget/kommuna-api',
      'Service/kommuna-api',
      'Service/kommuna-portal',
      'ServiceAccount/kommuna',
    ]);
  });

  it.each(OVERLAYS)('%s is valid against the Kubernetes schemas', (overlay) => {
    expect(kubernetesSchemaProblems(render(overlay))).toEqual([]);
  });

  it('the schema check catches a malformed object', () => {
    const objects = clone(render('infra/k8s/base'));
    const api = byName(objects, 'Deployment', 'kommuna-api');
    api.spec.replicas = 'two';
    delete api.spec.template.spec.containers[0].name;
    byName(objects, 'HorizontalPodAutoscaler', 'kommuna-api').spec.maxReplicas = -1 as unknown as number;
    delete byName(objects, 'HorizontalPodAutoscaler', 'kommuna-api').spec.scaleTargetRef;
    const problems = kubernetesSchemaProblems(objects);
    expect(problems).toEqual([
      expect.stringMatching(/^Deployment kommuna-api: .*(replicas|name)/),
      expect.stringMatching(/^HorizontalPodAutoscaler kommuna-api: .*scaleTargetRef/),
    ]);
  });

  it.each(OVERLAYS)('%s keeps our rules: non-root read-only containers, probes, secrets referenced, every tenant mounted', (overlay) => {
    const objects = render(overlay);
    expect(policyProblems(objects, tenantsDir)).toEqual([]);
    const api = byName(objects, 'Deployment', 'kommuna-api').spec.template.spec;
    expect(api.containers[0].env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'kommuna-database', key: 'app-url' } },
    });
    expect(Object.keys(byName(objects, 'ConfigMap', 'kommuna-tenants').data).sort()).toEqual(memberTenants().map((t) => `${t.slug}.yaml`));
    expect(memberTenants().map((t) => t.slug)).toEqual(
      fs
        .readdirSync(tenantsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    );
  });

  it('the rules catch a root container, a password in a value, missing probes and a stale tenant list', () => {
    const objects = clone(render('infra/k8s/base'));
    const api = byName(objects, 'Deployment', 'kommuna-api').spec.template.spec;
    api.containers[0].securityContext.readOnlyRootFilesystem = false;
    api.containers[0].env.push({ name: 'DATABASE_MIGRATION_URL', value: 'postgres://kommuna_owner:hunter2@db/kommuna' });
    delete api.containers[0].readinessProbe;
    delete byName(objects, 'Deployment', 'kommuna-worker').spec.template.spec.containers[0].resources.limits;
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kommuna-database' }, stringData: { 'app-url': 'x' } });
    const members = memberTenants().map((t) => `${t.slug}.yaml`);
    expect(members).not.toContain('solleftea.yaml');
    const moreTenants = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-k8s-tenants-'));
    fs.cpSync(tenantsDir, moreTenants, { recursive: true });
    fs.mkdirSync(path.join(moreTenants, 'solleftea'));
    fs.writeFileSync(
      path.join(moreTenants, 'solleftea/tenant.yaml'),
      stringify({
        slug: 'solleftea',
        kommunkod: '2283',
        organisationsnummer: '212000-2429',
        names: { sv: 'Sollefteå kommun', en: 'Sollefteå' },
        contact: { email: 'kommun@solleftea.se' },
        auth: { organization: 'solleftea' },
      }),
    );
    expect(policyProblems(objects, moreTenants)).toEqual([
      'Deployment kommuna-api container api: readOnlyRootFilesystem must be true',
      'Deployment kommuna-api container api: DATABASE_MIGRATION_URL must come from a Secret (secretKeyRef), not a value',
      'Deployment kommuna-worker container worker: resources.limits needs cpu and memory',
      'Secret kommuna-database: Secrets are referenced, never kept in the manifests',
      'kommuna-api: readinessProbe must GET /health/ready',
      `ConfigMap kommuna-tenants holds [${members.join(', ')}] but tenants/ has [${[...members, 'solleftea.yaml'].sort().join(', ')}]: run the tenant generator or npm run k8s:tenants`,
    ]);
    fs.rmSync(moreTenants, { recursive: true, force: true });
  });

  it('mounts the tenant files as they are in tenants/, and a changed one is caught', () => {
    const objects = clone(render('infra/k8s/base'));
    const tenants = byName(objects, 'ConfigMap', 'kommuna-tenants');
    // The generated name carries the content hash, so a changed tenant rolls the pods.
    expect(tenants.metadata.name).toMatch(/^kommuna-tenants-[a-z0-9]{10}$/);
    const api = byName(objects, 'Deployment', 'kommuna-api').spec.template.spec;
    expect(api.volumes.map((v: { configMap?: { name: string } }) => v.configMap?.name)).toContain(tenants.metadata.name);
    for (const tenant of memberTenants()) {
      expect(tenants.data[`${tenant.slug}.yaml`]).toBe(fs.readFileSync(path.join(tenantsDir, tenant.slug, 'tenant.yaml'), 'utf8'));
    }
    const first = memberTenants()[0].slug;
    tenants.data[`${first}.yaml`] += '# edited in the copy only\n';
    expect(policyProblems(objects, tenantsDir)).toEqual([
      `ConfigMap kommuna-tenants ${first}.yaml differs from tenants/${first}/tenant.yaml: run npm run k8s:tenants`,
    ]);
  });

  it("keeps the base's copies of the tenant files equal to tenants/", () => {
    expect(staleTenantCopies(CHECKED_TREE)).toEqual([]);
  });

  it('catches a stale, missing or left-over copy, and npm run k8s:tenants mends them', () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-k8s-copies-'));
    try {
      fs.cpSync(tenantsDir, path.join(tree, 'tenants'), { recursive: true });
      fs.cpSync(path.join(CHECKED_TREE, 'infra/k8s'), path.join(tree, 'infra/k8s'), { recursive: true });
      const [first, second] = memberTenants().map((t) => t.slug);
      fs.appendFileSync(path.join(tree, 'tenants', first, 'tenant.yaml'), '# a hand edit\n');
      fs.rmSync(path.join(tree, k8sTenantCopy(second)));
      fs.writeFileSync(path.join(tree, k8sTenantCopy('gone')), 'slug: gone\n');
      expect(staleTenantCopies(tree)).toEqual([
        `${k8sTenantCopy(first)} differs from tenants/${first}/tenant.yaml`,
        `${k8sTenantCopy(second)} is missing`,
        `infra/k8s/base/tenants/gone.yaml has no tenants/gone/tenant.yaml`,
      ]);
      syncTenantCopies(tree);
      expect(staleTenantCopies(tree)).toEqual([]);
      const rebuilt = byName(renderKustomization(path.join(tree, 'infra/k8s/base')), 'ConfigMap', 'kommuna-tenants');
      expect(rebuilt.data[`${first}.yaml`]).toMatch(/# a hand edit\n$/);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it.each(ENVIRONMENTS)('%s pins every image to a version', (overlay) => {
    expect(unpinnedImageProblems(render(overlay))).toEqual([]);
  });

  it('the image check catches :latest and untagged images', () => {
    const objects = clone(render('infra/k8s/base'));
    byName(objects, 'Deployment', 'kommuna-worker').spec.template.spec.containers[0].image = 'kommuna/worker';
    expect(unpinnedImageProblems(objects)).toEqual([
      'Deployment kommuna-api container tenant-files: image kommuna/api:latest is not pinned to a version',
      'Deployment kommuna-api container api: image kommuna/api:latest is not pinned to a version',
      'Deployment kommuna-portal container portal: image kommuna/portal:latest is not pinned to a version',
      'Deployment kommuna-worker container tenant-files: image kommuna/worker:latest is not pinned to a version',
      'Deployment kommuna-worker container worker: image kommuna/worker is not pinned to a version',
      'Job kommuna-migrate container migrate: image kommuna/api:latest is not pinned to a version',
    ]);
  });

  it("passes on kubectl's refusal, and says so when kubectl is missing", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-k8s-outside-'));
    try {
      fs.mkdirSync(path.join(outside, 'base'));
      fs.writeFileSync(path.join(outside, 'tenant.yaml'), 'slug: x\n');
      fs.writeFileSync(
        path.join(outside, 'base/kustomization.yaml'),
        stringify({ configMapGenerator: [{ name: 'kommuna-tenants', files: ['x.yaml=../tenant.yaml'] }] }),
      );
      expect(() => renderKustomization(path.join(outside, 'base'))).toThrow(/^kubectl kustomize .* failed: .*not in or below/s);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    expect(() => renderKustomization(path.join(root, 'infra/k8s/base'), 'kubectl-not-installed')).toThrow(
      /^kubectl-not-installed is not installed: .*kubectl kustomize.*CI machines have it/,
    );
  });
});

describe('compose file (infra/compose.yaml)', () => {
  const file = path.join(root, 'infra/compose.yaml');

  it('runs PostgreSQL 15 with the roles, Keycloak 26 with the realm, a migration, the api and the worker', () => {
    expect(composeProblems(file)).toEqual([]);
    const compose = parse(fs.readFileSync(file, 'utf8'), { merge: true });
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'keycloak', 'migrate', 'portal', 'postgres', 'worker']);
    expect(compose.services.api.environment.DATABASE_URL).not.toContain('kommuna_owner');
  });

  it('catches a missing health check, a wrong order, a missing file and a wrong database role', () => {
    const compose = parse(fs.readFileSync(file, 'utf8'), { merge: true });
    delete compose.services.keycloak.healthcheck;
    compose.services.worker.depends_on = { postgres: { condition: 'service_healthy' } };
    compose.services.api.build = { ...compose.services.api.build, dockerfile: 'infra/docker/Dockerfile.missing' };
    compose.services.postgres.volumes.push('./postgres/nothing.sql:/docker-entrypoint-initdb.d/30-nothing.sql:ro');
    compose.services.migrate.environment.DATABASE_MIGRATION_URL = 'postgres://kommuna_app@postgres/kommuna';
    const broken = path.join(path.dirname(file), `compose.test-${process.pid}.yaml`);
    fs.writeFileSync(broken, stringify(compose));
    try {
      expect(composeProblems(broken)).toEqual([
        'service postgres: mounts ./postgres/nothing.sql, which does not exist',
        'service keycloak has no healthcheck',
        'service api: infra/docker/Dockerfile.missing does not exist',
        'service api waits for keycloak to be healthy, but it has no healthcheck',
        'migrate must connect as kommuna_owner (DATABASE_MIGRATION_URL)',
        'worker must wait for migrate to complete successfully',
      ]);
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });
});

describe('Dockerfile (infra/docker/Dockerfile)', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'infra/docker/Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)\s*$/gim)].map(([, from, name]) => ({ from, name }));
  const stageText = (name: string) => {
    const start = dockerfile.search(new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, 'im'));
    const next = dockerfile.slice(start + 1).search(/^FROM\s/m);
    return next < 0 ? dockerfile.slice(start) : dockerfile.slice(start, start + 1 + next);
  };

  it('builds in stages and runs api, worker and portal as a non-root user', () => {
    expect(stages).toEqual([
      { from: '${NODE_IMAGE}', name: 'dependencies' },
      { from: '${NODE_IMAGE}', name: 'runtime' },
      { from: 'runtime', name: 'api' },
      { from: 'runtime', name: 'worker' },
      { from: 'runtime', name: 'portal' },
    ]);
    expect(stageText('runtime')).toMatch(/^USER 1000:1000$/m);
    expect(stageText('dependencies')).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).not.toMatch(/^USER\s+(root|0)\b/m);
  });

  it("caps the worker's heap well inside its Kubernetes memory limit", () => {
    const heapMb = Number(/^ENV NODE_OPTIONS="--max-old-space-size=(\d+)"$/m.exec(stageText('worker'))?.[1]);
    expect(heapMb).toBeGreaterThanOrEqual(96);
    for (const overlay of OVERLAYS) {
      const deployment = byName(render(overlay), 'Deployment', 'kommuna-worker') as any;
      const worker = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'worker');
      const limitMi = Number(/^(\d+)Mi$/.exec(worker.resources.limits.memory)?.[1]);
      // The heap is only part of the process: code, the TypeScript loader and buffers come on top.
      expect(limitMi).toBeGreaterThanOrEqual(heapMb * 3);
    }
  });

  it('gives the api a young generation of 32 MB semi-spaces, well inside its Kubernetes memory limit', () => {
    // ADR 0002 decision 19: V8's default (16 MB) scavenged many times a second under the overview's load.
    const semiSpaceMb = Number(/^ENV NODE_OPTIONS="--max-semi-space-size=(\d+)"$/m.exec(stageText('api'))?.[1]);
    expect(semiSpaceMb).toBe(32);
    for (const overlay of OVERLAYS) {
      const deployment = byName(render(overlay), 'Deployment', 'kommuna-api') as any;
      const api = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'api');
      const limitMi = Number(/^(\d+)Mi$/.exec(api.resources.limits.memory)?.[1]);
      // V8 keeps up to three semi-spaces for the young generation; the old generation and code come on top.
      expect(limitMi).toBeGreaterThanOrEqual(semiSpaceMb * 3 * 4);
    }
  });

  it('starts the entry points the apps have', () => {
    // The images run the JavaScript the first stage compiles (tools/scripts/build-dist.mjs mirrors the sources into dist/).
    expect(stageText('dependencies')).toMatch(/node tools\/scripts\/build-dist\.mjs/);
    expect(stageText('api')).toContain('CMD ["node", "dist/apps/api/src/main.js"]');
    expect(stageText('worker')).toContain('CMD ["node", "dist/apps/worker/src/main.js"]');
    expect(stageText('portal')).toContain('CMD ["node", "dist/apps/portal/src/main.js"]');
    expect(fs.existsSync(path.join(root, 'tools/scripts/build-dist.mjs'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/portal/src/main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/api/src/main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/api/src/cli/migrate.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/worker/src/main.ts'))).toBe(true);
    for (const [, source] of dockerfile.matchAll(/^COPY --from=dependencies \/app\/(\S+)/gm)) {
      if (source === 'dist') continue; // made by the build in that stage
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    }
  });
});
