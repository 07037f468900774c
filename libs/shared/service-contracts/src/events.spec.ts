import { EVENT_TYPES } from './events';

describe('event contract', () => {
  it('names every event type once, reverse-DNS under se.kommuna.<service>', () => {
    const types = Object.values(EVENT_TYPES);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types)
      expect(type).toMatch(/^se\.kommuna\.(eforms|minasidor|digitalmail|catalogue|events|rules|ai|homecare)\.[a-z-]+\.[a-z-]+$/);
  });
});
