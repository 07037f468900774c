import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_IDS } from '@kommuna/platform-tenancy';
import { loadValidatedTenants, SERVICES, servicesDir } from './services';

const root = path.resolve(__dirname, '../../..');

/** The service scopes eslint's module-boundary rule gives their own rule (scope:<service> → itself). */
function eslintServiceScopes(): string[] {
  const config = require(path.join(root, 'eslint.config.js')) as Array<{ rules?: Record<string, unknown> }>;
  const rule = config.find((c) => c.rules?.['@nx/enforce-module-boundaries'])?.rules?.['@nx/enforce-module-boundaries'] as [string, { depConstraints: Array<{ sourceTag: string; onlyDependOnLibsWithTags: string[] }> }];
  return rule[1].depConstraints
    .filter((c) => c.sourceTag.startsWith('scope:') && c.onlyDependOnLibsWithTags.includes(c.sourceTag))
    .map((c) => c.sourceTag.slice('scope:'.length))
    .filter((scope) => !['platform', 'shared'].includes(scope));
}

describe('the services list', () => {
  const ids = SERVICES.map((s) => s.id);

  it('names each service once, and the same services as the tenant schema, eslint and the libraries', () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...SERVICE_IDS].sort());
    expect([...ids].sort()).toEqual(eslintServiceScopes().sort());
    for (const id of ids) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'libs', id, 'package.json'), 'utf8')) as { nx: { tags: string[] } };
      expect({ id, tags: pkg.nx.tags }).toEqual({ id, tags: [`scope:${id}`, 'type:service'] });
    }
  });

  it('finds the service libraries beside itself unless KOMMUNA_SERVICES_DIR says otherwise', () => {
    expect(servicesDir({})).toBe(path.join(root, 'libs'));
    for (const id of ids) expect(fs.existsSync(path.join(servicesDir({}), id, 'service.yaml'))).toBe(true);
    expect(servicesDir({ KOMMUNA_SERVICES_DIR: '/srv/kommuna/libs' })).toBe('/srv/kommuna/libs');
  });

  it('accepts the shipped tenants/', () => {
    expect(loadValidatedTenants(path.join(root, 'tenants'), { servicesDir: path.join(root, 'libs') }).map((t) => t.config.slug)).toEqual(
      fs.readdirSync(path.join(root, 'tenants'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort(),
    );
  });
});
