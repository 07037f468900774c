module.exports = { ...require('../../jest.preset.js'), displayName: 'e-forms' };
