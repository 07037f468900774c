// Shared jest settings: SWC transform (fast, keeps decorator metadata for NestJS and TypeORM)
// and the workspace path aliases from tsconfig.base.json.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  // Specs live beside their code in src/ (docs/contributing.md, tools/test/test-layout.spec.ts).
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // A few current dependencies ship ESM only (they require Node 22; Node 20.19 loads them through
  // require(esm), which jest's module system does not): compile just those to CommonJS.
  transformIgnorePatterns: [
    '/node_modules/(?!(cookie|content-disposition|jose|openid-client|oauth4webapi|canonicalize|ogg-opus-decoder|opus-decoder|mpg123-decoder|codec-parser|@wasm-audio-decoders|@eshaz)/)',
  ],
  transform: {
    '^.+/node_modules/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testTimeout: 30000,
};
