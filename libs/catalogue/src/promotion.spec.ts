import { checkPromotion } from './promotion';

const adoption = (production: string[], piloting: string[] = [], leaving: string[] = []) => [
  ...production.map((slug) => ({ slug, stage: 'production' as const })),
  ...piloting.map((slug) => ({ slug, stage: 'piloting' as const })),
  ...leaving.map((slug) => ({ slug, stage: 'leaving' as const })),
];

describe('promotion gate', () => {
  it('promotes to stable with production at N municipalities or more', () => {
    const check = checkPromotion({ current: 'beta', target: 'stable', adoption: adoption(['a', 'b', 'c'], ['d']), stableMinProduction: 3 });
    expect(check).toMatchObject({ allowed: true, missing: [], production: ['a', 'b', 'c'], piloting: ['d'], requiredProduction: 3 });
  });

  it('refuses stable below N, saying how many are in production and how many are missing', () => {
    const check = checkPromotion({
      current: 'beta',
      target: 'stable',
      adoption: adoption(['sundsvall', 'timra'], ['ange'], ['x']),
      stableMinProduction: 3,
    });
    expect(check.allowed).toBe(false);
    expect(check.missing).toEqual([
      {
        sv: 'stable kräver produktion i minst 3 kommuner; i produktion: 2 (sundsvall, timra), 1 saknas',
        en: 'stable requires production at 3 or more municipalities; in production: 2 (sundsvall, timra), 1 missing',
      },
    ]);
  });

  it('counts neither pilots nor leaving municipalities towards stable, and honours a configured N', () => {
    expect(
      checkPromotion({ current: 'beta', target: 'stable', adoption: adoption(['a'], ['b', 'c'], ['d', 'e']), stableMinProduction: 2 })
        .allowed,
    ).toBe(false);
    expect(checkPromotion({ current: 'beta', target: 'stable', adoption: adoption(['a', 'b']), stableMinProduction: 2 }).allowed).toBe(
      true,
    );
  });

  it('needs one municipality piloting or in production for beta', () => {
    expect(checkPromotion({ current: 'development', target: 'beta', adoption: adoption([], ['a']), stableMinProduction: 3 }).allowed).toBe(
      true,
    );
    const refused = checkPromotion({ current: 'development', target: 'beta', adoption: adoption([], [], ['a']), stableMinProduction: 3 });
    expect(refused.allowed).toBe(false);
    // A municipality that has only planned the service (a new member) counts for nothing either.
    expect(
      checkPromotion({ current: 'development', target: 'beta', adoption: [{ slug: 'b', stage: 'planned' }], stableMinProduction: 3 })
        .allowed,
    ).toBe(false);
    expect(refused.missing[0].en).toMatch(/beta requires at least one municipality piloting or in production/);
  });

  it('checks every gate on the way when a status is skipped', () => {
    const check = checkPromotion({ current: 'concept', target: 'stable', adoption: [], stableMinProduction: 3 });
    expect(check.missing.map((m) => m.en)).toEqual([
      expect.stringMatching(/^stable requires at least one municipality/),
      expect.stringMatching(/^stable requires production at 3/),
    ]);
  });

  it('moves only forward, retires from any status, and never revives an obsolete service', () => {
    expect(checkPromotion({ current: 'stable', target: 'beta', adoption: adoption(['a']), stableMinProduction: 1 }).missing[0].en).toMatch(
      /below the current status/,
    );
    expect(checkPromotion({ current: 'beta', target: 'beta', adoption: adoption(['a']), stableMinProduction: 1 }).missing[0].en).toMatch(
      /already beta/,
    );
    expect(checkPromotion({ current: 'stable', target: 'obsolete', adoption: [], stableMinProduction: 3 }).allowed).toBe(true);
    expect(
      checkPromotion({ current: 'obsolete', target: 'stable', adoption: adoption(['a', 'b', 'c']), stableMinProduction: 3 }).allowed,
    ).toBe(false);
    expect(checkPromotion({ current: 'concept', target: 'development', adoption: [], stableMinProduction: 3 }).allowed).toBe(true);
  });
});
