// West of UTC, so a date read as UTC midnight and shown with local getters (the day before) fails here.
process.env.TZ = 'America/New_York';
module.exports = { ...require('../../../jest.preset.js'), displayName: 'platform-persistence' };
