const preset = require('../../jest.preset.js');

// openid-client and its dependencies (oauth4webapi, jose) ship ES modules only: compiled to CommonJS for jest.
module.exports = {
  ...preset,
  displayName: 'portal',
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition|openid-client|oauth4webapi|jose)/)'],
};
