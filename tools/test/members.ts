// What onboarding writes — tenants/, the Keycloak realm export and the Kubernetes tenant list — as
// the tools tests read it: from the repository, or, when KOMMUNA_CHECKED_TREE names a folder holding
// its own tenants/ and infra/, from there. onboarding.spec.ts onboards a municipality in such a copy
// and runs every suite that imports this file against it, so none of them may hard-code the members.
import * as path from 'node:path';
import { loadTenantConfigs, TenantConfig } from '@kommuna/platform-tenancy';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CHECKED_TREE_ENV = 'KOMMUNA_CHECKED_TREE';
export const CHECKED_TREE = process.env[CHECKED_TREE_ENV] ? path.resolve(process.env[CHECKED_TREE_ENV]) : REPO_ROOT;
export const TENANTS_DIR = path.join(CHECKED_TREE, 'tenants');

/** The member municipalities, as start-up loads them, in slug order. */
export function memberTenants(tenantsDir = TENANTS_DIR): TenantConfig[] {
  return loadTenantConfigs(tenantsDir)
    .map((t) => t.config)
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/** The members whose staff log in through the platform's shared realm (no Keycloak of their own). */
export function sharedRealmMembers(tenants: TenantConfig[], realm = 'kommuna'): TenantConfig[] {
  return tenants.filter((t) => !t.auth.issuer && t.auth.realm === realm);
}
