module.exports = { ...require('../../jest.preset.js'), displayName: 'home-care' };
