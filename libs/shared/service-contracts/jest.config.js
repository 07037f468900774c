module.exports = { ...require('../../../jest.preset.js'), displayName: 'shared-service-contracts' };
