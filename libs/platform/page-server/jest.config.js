module.exports = { ...require('../../../jest.preset.js'), displayName: 'platform-page-server' };
