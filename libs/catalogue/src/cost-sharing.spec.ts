import fc from 'fast-check';
import type { AdoptionPeriod } from './adoption';
import { largestRemainder, shareCosts, shareYear, CostSharingError, YearMember } from './cost-sharing';

describe('largest-remainder sharing', () => {
  it('always gives whole amounts that sum exactly to the total, each within one of its exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 30 }).filter((ws) => ws.some((w) => w > 0)),
        (total, weights) => {
          const shares = largestRemainder(
            total,
            weights.map((weight, key) => ({ key, weight })),
          );
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
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 12 }),
        (total, weights) => {
          const shares = largestRemainder(
            total,
            weights.map((weight, key) => ({ key, weight })),
          );
          for (let i = 0; i < weights.length; i++) {
            for (let j = 0; j < weights.length; j++) {
              if (weights[i] > weights[j]) expect(shares[i].amount).toBeGreaterThanOrEqual(shares[j].amount);
            }
          }
        },
      ),
    );
  });

  it('gives the leftover kronor to the largest remainders', () => {
    // 100 kr over three equal parts: 33.33 each; one krona is left and goes to the first (a tie).
    expect(
      largestRemainder(100, [
        { key: 'a', weight: 1 },
        { key: 'b', weight: 1 },
        { key: 'c', weight: 1 },
      ]).map((s) => s.amount),
    ).toEqual([34, 33, 33]);
    // 10 kr by 1:2:7 is exact; by 1:1:4 the quotas are 1.67, 1.67, 6.67: floors 1, 1, 6 leave 2
    // kronor for three equal remainders, which go to the first two.
    expect(
      largestRemainder(10, [
        { key: 'a', weight: 1 },
        { key: 'b', weight: 2 },
        { key: 'c', weight: 7 },
      ]).map((s) => s.amount),
    ).toEqual([1, 2, 7]);
    expect(
      largestRemainder(10, [
        { key: 'a', weight: 1 },
        { key: 'b', weight: 1 },
        { key: 'c', weight: 4 },
      ]).map((s) => s.amount),
    ).toEqual([2, 2, 6]);
  });

  it('refuses amounts and weights that cannot be shared', () => {
    expect(() => largestRemainder(10.5, [{ key: 'a', weight: 1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(-1, [{ key: 'a', weight: 1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(10, [{ key: 'a', weight: -1 }])).toThrow(CostSharingError);
    expect(() => largestRemainder(10, [{ key: 'a', weight: 0 }])).toThrow(/every weight is zero/);
  });
});

describe('cost sharing by allocation key', () => {
  // The shipped members' populations (tenants/*/tenant.yaml), each using the service all year.
  const members = [
    { slug: 'sundsvall', population: 99800, months: 12 },
    { slug: 'ange', population: 9100, months: 12 },
    { slug: 'timra', population: 18100, months: 12 },
    { slug: 'harnosand', population: 24600, months: 12 },
  ];

  it('shares per capita by population, in whole kronor summing to the budget', () => {
    const sharing = shareCosts({ budgetSek: 1_200_000, allocationKey: 'per_capita' }, members);
    // 151 600 inhabitants. Exact quotas: Ånge 72 031.66, Härnösand 194 722.96, Sundsvall 789 973.61,
    // Timrå 143 271.77; the floors leave 3 kronor, which go to the largest remainders (.96, .77, .66).
    expect(sharing.shares).toEqual([
      { slug: 'ange', months: 12, basis: 9100 * 12, amountSek: 72032 },
      { slug: 'harnosand', months: 12, basis: 24600 * 12, amountSek: 194723 },
      { slug: 'sundsvall', months: 12, basis: 99800 * 12, amountSek: 789973 },
      { slug: 'timra', months: 12, basis: 18100 * 12, amountSek: 143272 },
    ]);
    expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(1_200_000);
  });

  it('shares equally, the odd kronor going one each in slug order', () => {
    const sharing = shareCosts({ budgetSek: 800_002, allocationKey: 'equal' }, members);
    expect(sharing.shares.map((s) => [s.slug, s.amountSek])).toEqual([
      ['ange', 200001],
      ['harnosand', 200001],
      ['sundsvall', 200000],
      ['timra', 200000],
    ]);
  });

  it('shares pro-rata by months of use: a member joining in December pays one month of twelve', () => {
    const sharing = shareCosts({ budgetSek: 800_000, allocationKey: 'equal' }, [
      ...members.slice(0, 4),
      { slug: 'kramfors', population: 18400, months: 1 },
    ]);
    // 49 member-months: 800 000 / 49 = 16 326.53 per month.
    expect(sharing.shares.find((s) => s.slug === 'kramfors')).toEqual({ slug: 'kramfors', months: 1, basis: 1, amountSek: 16327 });
    expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(800_000);
  });

  it('leaves a member with no months of use out, and shares nothing in a year without a budget', () => {
    const sharing = shareCosts({ budgetSek: 800_000, allocationKey: 'equal' }, [...members, { slug: 'kramfors', months: 0 }]);
    expect(sharing.shares.map((s) => s.slug)).not.toContain('kramfors');
    expect(sharing.shares.map((s) => s.amountSek)).toEqual([200000, 200000, 200000, 200000]);
    expect(shareCosts({ budgetSek: null, allocationKey: 'equal' }, members)).toEqual({
      budgetSek: null,
      allocationKey: 'equal',
      appliedKey: 'equal',
      shares: [],
    });
  });

  it('shares per use by the metered metric, and by months in a year without any use', () => {
    const cost = { budgetSek: 450_000, allocationKey: 'per_use' as const };
    const used = shareCosts(cost, [
      { slug: 'sundsvall', months: 12, usage: 30_000 },
      { slug: 'timra', months: 12, usage: 10_000 },
      { slug: 'ange', months: 6, usage: 5_000 },
    ]);
    expect(used.appliedKey).toBe('per_use');
    expect(used.shares.map((s) => s.amountSek)).toEqual([50000, 300000, 100000]);
    const unused = shareCosts(cost, [
      { slug: 'sundsvall', months: 12, usage: 0 },
      { slug: 'timra', months: 6 },
    ]);
    expect(unused.appliedKey).toBe('equal');
    expect(unused.shares.map((s) => s.amountSek)).toEqual([300000, 150000]);
  });

  it('refuses months outside 0-12, naming the member', () => {
    expect(() => shareCosts({ budgetSek: 100, allocationKey: 'equal' }, [{ slug: 'timra', months: 13 }])).toThrow(
      /0-12 \(was 13 for timra\)/,
    );
  });

  it('refuses per-capita sharing when a member has no population, naming it', () => {
    expect(() =>
      shareCosts({ budgetSek: 100, allocationKey: 'per_capita' }, [
        { slug: 'sundsvall', population: 1, months: 12 },
        { slug: 'timra', months: 12 },
      ]),
    ).toThrow(/population of timra/);
  });

  it('sums to the budget for any members and any key (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.constantFrom('equal', 'per_capita', 'per_use'),
        fc.uniqueArray(
          fc.record({
            slug: fc.stringMatching(/^[a-z]{3,10}$/),
            months: fc.integer({ min: 1, max: 12 }),
            population: fc.integer({ min: 1, max: 1_000_000 }),
            usage: fc.integer({ min: 0, max: 100_000 }),
          }),
          { minLength: 1, maxLength: 20, selector: (m) => m.slug },
        ),
        (budget, key, participants) => {
          const sharing = shareCosts({ budgetSek: budget, allocationKey: key }, participants);
          expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(budget);
          expect(sharing.shares).toHaveLength(participants.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pro-rata sharing over the years (property)', () => {
  const YEARS = [2022, 2023, 2024, 2025, 2026, 2027, 2028];
  const MONTHS = YEARS.flatMap((y) => Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}-01`));
  const day = fc
    .record({ year: fc.constantFrom(...YEARS), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
    .map((d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`);
  const period: fc.Arbitrary<AdoptionPeriod | null> = fc.oneof(
    fc.constant(null),
    fc.tuple(fc.option(day, { nil: null }), fc.option(day, { nil: null })).map(([a, b]) => {
      if (a && b && a === b) return { start: a, end: null };
      return a && b && b < a ? { start: b, end: a } : { start: a, end: b };
    }),
  );
  const usage = fc
    .array(fc.integer({ min: 0, max: 5_000 }), { minLength: MONTHS.length, maxLength: MONTHS.length })
    .map((counts) => new Map(MONTHS.map((m, i) => [m, counts[i]])));
  const member = fc.record({
    slug: fc.stringMatching(/^[a-z]{3,8}$/),
    period,
    population: fc.integer({ min: 1, max: 1_000_000 }),
    usageByMonth: usage,
  });
  const members = fc.uniqueArray(member, { minLength: 1, maxLength: 6, selector: (m) => m.slug });
  const budgets = fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: YEARS.length, maxLength: YEARS.length });
  const key = fc.constantFrom('equal' as const, 'per_capita' as const, 'per_use' as const);
  const yearOf = (date: string) => Number(date.slice(0, 4));

  const sheet = (k: 'equal' | 'per_capita' | 'per_use', b: number[], ms: YearMember[]) =>
    YEARS.map((year, i) => shareYear({ budgetSek: b[i], allocationKey: k }, year, ms));

  it('sums each year to its budget exactly whenever anyone used the service in it', () => {
    fc.assert(
      fc.property(key, budgets, members, (k, b, ms) => {
        sheet(k, b, ms).forEach((sharing, i) => {
          if (sharing.shares.length === 0) return;
          expect(sharing.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(b[i]);
          for (const share of sharing.shares) expect(share.months).toBeGreaterThan(0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('leaves every year before a member joins unchanged, and charges it nothing then', () => {
    fc.assert(
      fc.property(key, budgets, members, member, day, (k, b, ms, newcomer, joined) => {
        fc.pre(!ms.some((m) => m.slug === newcomer.slug));
        // It may have tried the service out before joining: that metered use must not count either.
        const joining = { ...newcomer, period: { start: joined, end: null } };
        const before = sheet(k, b, ms);
        const after = sheet(k, b, [...ms, joining]);
        YEARS.forEach((year, i) => {
          if (year < yearOf(joined)) {
            expect(after[i]).toEqual(before[i]);
            expect(after[i].shares.map((s) => s.slug)).not.toContain(newcomer.slug);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('leaves every year before a member leaves unchanged', () => {
    fc.assert(
      fc.property(key, budgets, members, day, (k, b, ms, leftOn) => {
        const [first, ...rest] = ms;
        fc.pre(first.period !== null && (first.period.start === null || first.period.start < leftOn));
        const leaving = {
          ...first,
          period: { start: first.period!.start, end: first.period!.end && first.period!.end < leftOn ? first.period!.end : leftOn },
        };
        const before = sheet(k, b, ms);
        const after = sheet(k, b, [leaving, ...rest]);
        YEARS.forEach((year, i) => {
          if (year < yearOf(leftOn)) expect(after[i]).toEqual(before[i]);
        });
      }),
      { numRuns: 200 },
    );
  });
});
