module.exports = { ...require('../../../jest.preset.js'), displayName: 'shared-accessible-pdf' };
