// The benchmark's own unit tests (shapes of generated data, never timings): `npx jest -c bench/jest.config.js`.
module.exports = { ...require('../jest.preset.js'), displayName: 'bench', rootDir: __dirname, testMatch: ['<rootDir>/**/*.spec.ts'] };
