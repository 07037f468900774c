const preset = require('../../jest.preset.js');

const swcOptions = (tsx) => [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', tsx, decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// The pages are React (TSX); openid-client, jose and a dependency of rjsf ship ES modules only.
module.exports = {
  ...preset,
  displayName: 'web',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition|openid-client|oauth4webapi|jose|@x0k)/)'],
  transform: {
    '^.+/node_modules/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': swcOptions(false),
    '^.+\\.tsx$': swcOptions(true),
  },
};
