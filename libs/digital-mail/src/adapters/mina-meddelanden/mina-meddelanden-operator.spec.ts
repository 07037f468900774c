import { isAdult } from './mina-meddelanden-operator';

describe('isAdult (Mina meddelanden takes only recipients of 18 or older)', () => {
  // Born 8 December 2008: 18 from Swedish midnight on 8 December 2026, which is 23:00 UTC on the 7th.
  const turnsEighteen = '200812082386';

  it("counts the birthday from Sweden's midnight, not UTC's", () => {
    expect(isAdult(turnsEighteen, new Date('2026-12-07T22:59:59Z'))).toBe(false);
    expect(isAdult(turnsEighteen, new Date('2026-12-07T23:30:00Z'))).toBe(true);
  });

  it('does so in summer time too, and takes an organisation as adult', () => {
    // Born 1 July 2008: 18 from 22:00 UTC on 30 June 2026 (CEST).
    expect(isAdult('200807012380', new Date('2026-06-30T21:59:59Z'))).toBe(false);
    expect(isAdult('200807012380', new Date('2026-06-30T22:30:00Z'))).toBe(true);
    expect(isAdult('162120002411', new Date('2026-06-30T22:30:00Z'))).toBe(true);
  });
});
