module.exports = { ...require('../../../jest.preset.js'), displayName: 'platform-oidc-client' };
