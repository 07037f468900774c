import { allKommuner } from '@kommuna/shared-identifiers';
import { NATIONAL_POPULATION, NATIONAL_VOLUME, nationalPlan, sizedKommuner, splitByWeight } from './population';

describe('splitByWeight', () => {
  it('splits a total into whole parts that sum to it, each within 1 of its exact share', () => {
    const weights = [5, 3, 1, 1, 0.5];
    const parts = splitByWeight(1001, weights);
    expect(parts.reduce((s, p) => s + p, 0)).toBe(1001);
    const sum = weights.reduce((s, w) => s + w, 0);
    parts.forEach((p, i) => expect(Math.abs(p - (1001 * weights[i]) / sum)).toBeLessThan(1));
  });

  it('refuses a fractional total and weights without a positive sum', () => {
    expect(() => splitByWeight(10.5, [1])).toThrow(RangeError);
    expect(() => splitByWeight(10, [0, 0])).toThrow(RangeError);
    expect(() => splitByWeight(10, [1, -1, 2])).toThrow(RangeError);
  });
});

describe('sizedKommuner', () => {
  const sized = sizedKommuner();

  it('sizes every municipality of the register, summing to the national population', () => {
    expect(sized.map((k) => k.kod)).toEqual(allKommuner().map((k) => k.kod));
    expect(sized.reduce((s, k) => s + k.population, 0)).toBe(NATIONAL_POPULATION);
    expect(Math.min(...sized.map((k) => k.population))).toBeGreaterThanOrEqual(2_400);
  });

  it('keeps Stockholm the largest and is the same on every call', () => {
    const largest = [...sized].sort((a, b) => b.population - a.population)[0];
    expect(largest.namn).toBe('Stockholm');
    expect(sizedKommuner()).toEqual(sized);
  });
});

describe('nationalPlan', () => {
  it('gives each municipality its population share of every volume, summing to the scaled national figure', () => {
    const plan = nationalPlan(0.01);
    expect(plan).toHaveLength(290);
    const total = (key: 'cases' | 'letters' | 'submissions') => plan.reduce((s, t) => s + t[key], 0);
    expect(total('cases')).toBe(NATIONAL_VOLUME.cases * 0.01);
    expect(total('letters')).toBe(NATIONAL_VOLUME.letters * 0.01);
    expect(total('submissions')).toBe(NATIONAL_VOLUME.submissions * 0.01);
    const stockholm = plan.find((t) => t.kod === '0180')!;
    const smallest = [...plan].sort((a, b) => a.population - b.population)[0];
    expect(stockholm.cases / smallest.cases).toBeCloseTo(stockholm.population / smallest.population, 0);
    expect(plan.every((t) => t.residents >= 1)).toBe(true);
  });

  it('refuses a scale outside (0, 1]', () => {
    expect(() => nationalPlan(0)).toThrow(RangeError);
    expect(() => nationalPlan(2)).toThrow(RangeError);
  });
});
