module.exports = { ...require('../../jest.preset.js'), displayName: 'digital-mail' };
