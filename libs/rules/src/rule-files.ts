import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { parseYamlConfig } from '@kommuna/shared-yaml-config';
import { conditionProblems, RuleDefinition, RuleDefinitionSchema, SHARED_INBOUND_TYPES } from './definition';
import type { RuleBook } from './rule-book';

/** A rule shipped in tenants/<slug>/rules/<key>.yaml. */
export interface RuleFile {
  slug: string;
  /** tenants/<slug>/rules/<name>, as problems and created_by name it. */
  file: string;
  definition: RuleDefinition;
}

/**
 * Every municipality's shipped rule files, checked without a database (start-up and
 * tenants:validate): shape, condition and a shared inbound type (a municipality's own types are
 * registered at run time, so only its admin's rules use them). Throws naming file and field.
 */
export function readRuleFiles(tenantsDir: string, slugs: readonly string[]): RuleFile[] {
  const files: RuleFile[] = [];
  const problems: string[] = [];
  for (const slug of slugs) {
    const dir = path.join(tenantsDir, slug, 'rules');
    if (!fs.existsSync(dir)) continue;
    const keys = new Set<string>();
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()) {
      const file = path.join('tenants', slug, 'rules', name);
      const parsed = parseYamlConfig(RuleDefinitionSchema, file, fs.readFileSync(path.join(dir, name), 'utf8'));
      if (!parsed.ok) {
        problems.push(...parsed.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`));
        continue;
      }
      const definition = parsed.value;
      for (const p of conditionProblems(definition.condition)) problems.push(`${file}: ${p.path}: ${p.message}`);
      if (!SHARED_INBOUND_TYPES.has(definition.eventType))
        problems.push(`${file}: eventType: ${definition.eventType} is not a shared inbound type (${[...SHARED_INBOUND_TYPES].join(', ')})`);
      if (keys.has(definition.key)) problems.push(`${file}: key: ${definition.key} is used by another file of ${slug}`);
      keys.add(definition.key);
      files.push({ slug, file, definition });
    }
  }
  if (problems.length > 0) throw new Error(`Invalid rule files:\n${problems.join('\n')}`);
  return files;
}

/** Saves each shipped rule in its municipality (a new version only where the file changed and no admin has taken the rule over). */
export async function loadRuleFiles(book: RuleBook, tenants: TenantDirectory, tenantsDir: string): Promise<void> {
  const using = tenants.all().filter((t) => t.config.services.rules);
  for (const rule of readRuleFiles(
    tenantsDir,
    using.map((t) => t.slug),
  )) {
    const tenant = tenants.get(rule.slug);
    await requestContext.run({ requestId: `rules-startup-${tenant.slug}`, tenantId: tenant.id, tenantSlug: tenant.slug }, () =>
      book.saveAs({ kind: 'file', path: rule.file }, rule.definition),
    );
  }
}
