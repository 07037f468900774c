import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { SERVICES } from '@kommuna/services';

const root = path.resolve(__dirname, '../..');
// Each listed service is a scope of its own (@kommuna/services); eslint.config.js takes them from the libraries' tags.
const SCOPES = ['platform', 'shared', ...SERVICES.map((service) => service.id), 'composition', 'app'];
const TYPES = ['app', 'composition', 'service', 'platform', 'util', 'testing'];

function workspacePackageFiles(): string[] {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return workspaces
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [path.join(root, pattern, 'package.json')];
      const dir = path.join(root, pattern.slice(0, -2));
      return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name, 'package.json')) : [];
    })
    .filter((file) => fs.existsSync(file));
}

describe('module boundaries', () => {
  let eslint: ESLint;
  beforeAll(() => {
    // The boundary rule reads Nx's project graph; make sure it is computed for this tree.
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
    eslint = new ESLint({ cwd: root });
  }, 120_000);

  // The code is linted as if it were an existing file (each library's index.ts): type-aware lint
  // only parses files its tsconfig already lists, and a parsing error is returned, not hidden.
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result.messages.filter((m) => m.fatal || m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  };

  it('gives every project exactly one known scope: tag and one known type: tag', () => {
    const files = workspacePackageFiles();
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const tags: string[] = JSON.parse(fs.readFileSync(file, 'utf8')).nx?.tags ?? [];
      const scopes = tags.filter((t) => t.startsWith('scope:')).map((t) => t.slice(6));
      const types = tags.filter((t) => t.startsWith('type:')).map((t) => t.slice(5));
      expect({ file: path.relative(root, file), scopes: scopes.length, types: types.length }).toEqual({
        file: path.relative(root, file),
        scopes: 1,
        types: 1,
      });
      expect(SCOPES).toContain(scopes[0]);
      expect(TYPES).toContain(types[0]);
    }
  });

  it('lets platform code use shared utilities', async () => {
    expect(
      await lint(
        'libs/platform/config/src/index.ts',
        `import { isKommunkod } from '@kommuna/shared-identifiers';\nexport const ok = isKommunkod('2281');\n`,
      ),
    ).toEqual([]);
  });

  it('fails a shared utility that reaches up into the platform', async () => {
    const messages = await lint(
      'libs/shared/identifiers/src/index.ts',
      `import { loadPlatformConfig } from '@kommuna/platform-config';\nexport const x = loadPlatformConfig;\n`,
    );
    expect(messages).toEqual([expect.stringMatching(/scope:shared.*can only depend on libs tagged with.*scope:shared/)]);
  });

  // @kommuna/platform-testing is type:testing: tests and their helpers may use it, production code may not.
  const usesTestDatabase = `import { createTestDatabase } from '@kommuna/platform-testing';\nexport const x = createTestDatabase;\n`;

  it('fails production code of a library or an app that imports the test library', async () => {
    expect(await lint('libs/platform/config/src/index.ts', usesTestDatabase)).toEqual([
      expect.stringMatching(/type:platform.*can only depend on libs tagged with.*type:platform/),
    ]);
    expect(await lint('apps/worker/src/main.ts', usesTestDatabase)).toEqual([
      expect.stringMatching(/type:app.*can only depend on libs tagged with/),
    ]);
  });

  it('lets specs and test helpers import the test library', async () => {
    expect(await lint('libs/platform/config/src/platform-config.spec.ts', usesTestDatabase)).toEqual([]);
    expect(await lint('apps/worker/src/health-server.spec.ts', usesTestDatabase)).toEqual([]);
    expect(await lint('apps/api/src/testing/test-api.ts', usesTestDatabase)).toEqual([]);
  });

  it("fails an import of another library's internals by path", async () => {
    const messages = await lint(
      'libs/platform/config/src/index.ts',
      `import { requestContext } from '../../tenancy/src/request-context';\nexport const x = requestContext;\n`,
    );
    expect(messages).toEqual([expect.stringMatching(/relative or absolute path/)]);
  });

  it('lets only the OIDC client library import openid-client, and only platform-auth keycloak-connect', async () => {
    const restricted = async (file: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
      return result.messages.filter((m) => m.fatal || m.ruleId === 'no-restricted-imports').map((m) => m.message);
    };
    const openid = `import * as client from 'openid-client';\nexport const c = client;\n`;
    const keycloak = `import KeycloakConnect from 'keycloak-connect';\nexport const k = KeycloakConnect;\n`;
    const onlyOidcClient = [expect.stringMatching(/@kommuna\/platform-oidc-client/)];
    const onlyAuth = [expect.stringMatching(/Only libs\/platform\/auth/)];
    expect(await restricted('apps/web/src/main.ts', openid)).toEqual(onlyOidcClient);
    expect(await restricted('libs/platform/auth/src/index.ts', openid)).toEqual(onlyOidcClient);
    expect(await restricted('libs/platform/oidc-client/src/index.ts', openid)).toEqual([]);
    expect(await restricted('libs/platform/oidc-client/src/index.ts', keycloak)).toEqual(onlyAuth);
    expect(await restricted('libs/platform/auth/src/index.ts', keycloak)).toEqual([]);
    expect(await restricted('apps/portal/src/main.ts', keycloak)).toEqual(onlyAuth);
  });
});
