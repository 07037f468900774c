import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_TENANTS = path.resolve(__dirname, '../../../../tenants');

/** For tests: the shipped tenants, with Sundsvall (its hemtjanst unit responsible) and Timrå (the default, socialtjanst) taking part in home care. */
export function tenantsWithHomeCare(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-home-care-tenants-'));
  fs.cpSync(REPO_TENANTS, dir, { recursive: true });
  const add = (slug: string, entry: string) => {
    const file = path.join(dir, slug, 'tenant.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^services:\n/m, `services:\n  home-care:\n${entry}`));
  };
  add('sundsvall', '    stage: piloting\n    settings:\n      responsibleUnits: [hemtjanst]\n');
  add('timra', '    stage: piloting\n');
  return dir;
}
