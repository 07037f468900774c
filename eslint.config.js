// Module boundaries (docs/architecture.md#layout-and-boundaries): every project has a scope: and a type: tag, and each tag
// may depend only on what is listed for it. There is no '*' rule: an untagged project, or a
// pair not listed here, fails lint.
const fs = require('node:fs');
const path = require('node:path');
const nx = require('@nx/eslint-plugin');

/**
 * The shared services' scopes, from the libraries themselves: every workspace package tagged
 * type:service brings its scope: tag, so a new service library (nx g @kommuna/tools:service) is
 * covered without editing this file. libs/services's test checks these against its SERVICES list.
 */
function serviceScopes() {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8'));
  const folders = workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(__dirname, pattern)];
    const dir = path.join(__dirname, pattern.slice(0, -2));
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : [];
  });
  return folders
    .map((folder) => path.join(folder, 'package.json'))
    .filter((file) => fs.existsSync(file))
    .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')).nx?.tags ?? [])
    .filter((tags) => tags.includes('type:service'))
    .flatMap((tags) => tags.filter((tag) => tag.startsWith('scope:')).map((tag) => tag.slice('scope:'.length)))
    .sort();
}

const SERVICE_SCOPES = serviceScopes();

const depConstraints = [
  {
    sourceTag: 'scope:app',
    onlyDependOnLibsWithTags: ['scope:composition', 'scope:platform', 'scope:shared', ...SERVICE_SCOPES.map((s) => `scope:${s}`)],
  },
  // The composition (libs/services) lists the services once for the apps; nothing below it imports it.
  {
    sourceTag: 'scope:composition',
    onlyDependOnLibsWithTags: ['scope:platform', 'scope:shared', ...SERVICE_SCOPES.map((s) => `scope:${s}`)],
  },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // A service depends on platform and shared libraries and on itself, never on another service.
  ...SERVICE_SCOPES.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:platform', 'scope:shared'],
  })),
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:composition', 'type:service', 'type:platform', 'type:util'] },
  { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:service', 'type:platform', 'type:util'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:platform', 'type:util'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  // @kommuna/platform-testing (test databases, realms, processes) is for tests only: no production
  // tag lists type:testing; TEST_FILES below may import it.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:util', 'type:testing'] },
];

/**
 * Tests and what only tests and developers run: specs, test helpers (testing/ folders,
 * test-support.ts) and tools/ (scripts, generators and their tests; the images copy only apps/,
 * libs/ and tenants/, infra/docker/Dockerfile). Here every project may also use type:testing.
 */
const TEST_FILES = ['**/*.spec.ts', '**/*.spec.tsx', '**/test/**/*.ts', '**/testing/**/*.ts', '**/test-support.ts', 'tools/**/*.ts'];
const testDepConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag.startsWith('type:')
    ? { ...constraint, onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing'])] }
    : constraint,
);
const moduleBoundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: constraints,
    banTransitiveDependencies: false,
    checkDynamicDependenciesExceptions: [],
  },
];

const KEYCLOAK_CONNECT_ONLY_IN_AUTH = {
  group: ['keycloak-connect', 'keycloak-connect/*'],
  message: 'Only libs/platform/auth imports keycloak-connect.',
};
const OPENID_CLIENT_ONLY_IN_OIDC_CLIENT = {
  group: ['openid-client', 'openid-client/*', 'oauth4webapi'],
  message: 'Log in through @kommuna/platform-oidc-client; only it imports openid-client.',
};
function restrictImports(files, patterns, ignores) {
  return { files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '.nx/**', 'tmp/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(depConstraints),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules: each file is checked with the types of its nearest tsconfig.json (the
    // project service finds it), so `eslint src` from a project folder and a run over the whole
    // tree see the same types. A promise nobody awaits loses its rejection; a promise handed to a
    // callback that expects void (an event listener, setInterval) does too; a switch over a union
    // must say what happens for each member when one is added.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Tests may use `any` for hostile input and partial fakes; production code may not.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/test/**/*.ts', '**/testing/**/*.ts', '**/test-support.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(testDepConstraints) },
  },
  {
    // Typed rows (docs/architecture.md#typed-rows): in the libraries converted so far a table's row
    // type is its entity, read with rowsOf; a new Row interface beside the entity is a second definition.
    files: [
      'libs/catalogue/**/*.ts',
      'libs/e-forms/**/*.ts',
      'libs/rules/**/*.ts',
      'libs/platform/audit/**/*.ts',
      'libs/platform/persistence/**/*.ts',
      'libs/platform/events/**/*.ts',
      'libs/minasidor/src/archive-contribution.ts',
      'libs/minasidor/src/case-intake.ts',
      'libs/minasidor/src/case-views.ts',
      'libs/minasidor/src/citizen-cases.ts',
      'libs/minasidor/src/staff-cases.ts',
      'libs/ai/src/model-registry.ts',
      'libs/ai/src/ai-drafts.ts',
      'libs/ai/src/transcription-jobs.ts',
      'libs/home-care/src/monthly-check.ts',
      'libs/home-care/src/reviews.ts',
      'libs/digital-mail/**/*.ts',
      'apps/portal/src/exports.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSInterfaceDeclaration[id.name=/Row$/]',
          message: "A table's row is its entity: read raw rows with rowsOf/selectColumns (docs/architecture.md#typed-rows).",
        },
      ],
    },
  },
  // keycloak-connect is in maintenance upstream: only libs/platform/auth may import it
  // (docs/architecture.md#identity-and-access). The web and the portal log in through one OIDC
  // client: only libs/platform/oidc-client imports openid-client (ADR 0020). A later block's
  // no-restricted-imports replaces an earlier one's, so each file set lists all that apply to it.
  restrictImports(
    ['**/*.ts', '**/*.tsx'],
    [KEYCLOAK_CONNECT_ONLY_IN_AUTH, OPENID_CLIENT_ONLY_IN_OIDC_CLIENT],
    ['libs/platform/auth/**', 'libs/platform/oidc-client/**'],
  ),
  restrictImports(['libs/platform/auth/**/*.ts'], [OPENID_CLIENT_ONLY_IN_OIDC_CLIENT]),
  restrictImports(['libs/platform/oidc-client/**/*.ts'], [KEYCLOAK_CONNECT_ONLY_IN_AUTH]),
];
