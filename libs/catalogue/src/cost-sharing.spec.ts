import fc from 'fast-check';
import { largestRemainder, shareCosts, CostSharingError } from './cost-sharing';

describe('largest-remainder sharing', () => {
  it('always gives whole amounts that sum exactly to the total, each within one of its exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 30 }).filter((ws) => ws.some((w) => w > 0)),
        (total, weights) => {
          const shares = largestRemainder(total, weights.map((weight, key) => ({ key, weight })));
          const sumWeights = weights.reduce((a, b) => a + b, 0);
          expect(shares.reduce((sum, s) => sum + s.amount, 0)).toBe(total);
          shares.forEach((share, i) => {
            expect(Number.isInteger(share.amount)).toBe(true);
            const exact = (total * weights[i]) / sumWeights;
            expect(share.amount).toBeGreaterThanOrEqual(Math.floor(exact));
            expect(share.amount).toBeLessThanOrEqual(Math.ceil(exact));
            if (weights[i] === 0) expect(share.amount).toBe(0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is monotone: a larger weight never gets a smaller share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 12 }), (total, weights) => {
        const shares = largestRemainder(total, weights.map((weight, key) => ({ key, weight })));
        for (let i = 0; i < weights.length; i++) {
          for (let j = 0; j < weights.length; j++) {
            if (weights[i] > weights[j]) expect(shares[i].amount).toBeGreaterThanOrEqual(shares[j].amount);
          }
        }
      }),
    );
  });

  it('gives the leftover kronor to the largest remainders', () => {
    // 100 kr over three equal parts: 33.33 each; one krona is left and goes to the first (a tie).
    expect(largestRemainder(100, [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }, { key: 'c', weight: 1 }]).map((s) => s.amount)).toEqual([34, 33, 33]);
    // 10 kr by 1:2:7 is exact; by 1:1:4 the quotas are 1.67, 1.67, 6.67: floors 1, 1, 6 leave 2
    // kronor for three equal remainders, which go to the first two.
    expect(largestRemainder(10, [{ key: 'a', weight: 1 }, { key: 'b', weight: 2 }, { key: 'c', weight: 7 }]).map((s) => s.amount)).toEqual([1, 2, 7]);
    expect(largestRemainder(10, [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }, { key: 'c', weight: 4 }]).map((s) => s.amount)).toEqual([2, 2, 6]);
  });

  it('refuses amounts and weights that cannot be shared', () => {
    expect(() => largestRemainder(10.5, [{ key: 'a', weight: 1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(-1, [{ key: 'a', weight: 1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(10, [{ key: 'a', weight: -1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(10, [{ key: 'a', weight: 0 }])).toThrow(/every weight is zero/);
  });
});

describe('cost sharing by allocation key', () => {
  // The shipped members' populations (tenants/*/tenant.yaml).
  const members = [
    { slug: 'sundsvall', population: 99800 },
    { slug: 'ange', population: 9100 },
    { slug: 'timra', population: 18100 },
    { slug: 'harnosand', population: 24600 },
  ];

  it('shares per capita by population, in whole kronor summing to the budget', () => {
    const sharing = shareCosts({ yearlyBudgetSek: 1_200_000, allocationKey: 'per_capita' }, members);
    // 151 600 inhabitants. Exact quotas: Ånge 72 031.66, Härnösand 194 722.96, Sundsvall 789 973.61,
    // Timrå 143 271.77; the floors leave 3 kronor, which go to the largest remainders (.96, .77, .66).
    expect(sharing.shares).toEqual([
      { slug: 'ange', basis: 9100, amountSek: 72032 },
      { slug: 'harnosand', basis: 24600, amountSek: 194723 },
      { slug: 'sundsvall', basis: 99800, amountSek: 789973 },
      { slug: 'timra', basis: 18100, amountSek: 143272 },
    ]);
    expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(1_200_000);
  });

  it('shares equally, the odd kronor going one each in slug order', () => {
    const sharing = shareCosts({ yearlyBudgetSek: 800_002, allocationKey: 'equal' }, members);
    expect(sharing.shares.map((s) => [s.slug, s.amountSek])).toEqual([
      ['ange', 200001],
      ['harnosand', 200001],
      ['sundsvall', 200000],
      ['timra', 200000],
    ]);
  });

  it('shares per use by the metered metric, and equally in a year without any use', () => {
    const cost = { yearlyBudgetSek: 450_000, allocationKey: 'per_use' as const, usageMetric: 'letters_digital' };
    const used = shareCosts(cost, [{ slug: 'sundsvall', usage: 30_000 }, { slug: 'timra', usage: 10_000 }, { slug: 'ange', usage: 5_000 }]);
    expect(used.appliedKey).toBe('per_use');
    expect(used.shares.map((s) => s.amountSek)).toEqual([50000, 300000, 100000]);
    const unused = shareCosts(cost, [{ slug: 'sundsvall', usage: 0 }, { slug: 'timra' }]);
    expect(unused.appliedKey).toBe('equal');
    expect(unused.shares.map((s) => s.amountSek)).toEqual([225000, 225000]);
  });

  it('refuses per-capita sharing when a member has no population, naming it', () => {
    expect(() => shareCosts({ yearlyBudgetSek: 100, allocationKey: 'per_capita' }, [{ slug: 'sundsvall', population: 1 }, { slug: 'timra' }])).toThrow(
      /population of timra/,
    );
  });

  it('sums to the budget for any members and any key (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.constantFrom('equal', 'per_capita', 'per_use'),
        fc.uniqueArray(fc.record({ slug: fc.stringMatching(/^[a-z]{3,10}$/), population: fc.integer({ min: 1, max: 1_000_000 }), usage: fc.integer({ min: 0, max: 100_000 }) }), {
          minLength: 1,
          maxLength: 20,
          selector: (m) => m.slug,
        }),
        (budget, key, participants) => {
          const cost = key === 'per_use' ? { yearlyBudgetSek: budget, allocationKey: key, usageMetric: 'x' } : { yearlyBudgetSek: budget, allocationKey: key };
          const sharing = shareCosts(cost as never, participants);
          expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(budget);
          expect(sharing.shares).toHaveLength(participants.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
