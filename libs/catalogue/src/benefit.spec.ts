import { estimateBenefit, totalBenefit, UsagePoint } from './benefit';
import type { BenefitHypothesis } from './descriptor/service-descriptor.schema';

const handlingTime: BenefitHypothesis = {
  id: 'handling-time',
  metric: 'submissions',
  name: { sv: 'x', en: 'x' },
  perUnit: { low: 8, high: 12, unit: 'minutes' },
  sekPerHour: 520,
  source: 'test',
  basis: 'assumption',
  confidence: 'medium',
};
const postage: BenefitHypothesis = {
  id: 'postage',
  metric: 'letters_digital',
  name: { sv: 'x', en: 'x' },
  perUnit: { low: 9, high: 13, unit: 'SEK' },
  source: 'test',
  basis: 'measured',
  confidence: 'high',
};
const months = ['2025-01-01', '2025-02-01', '2025-03-01'];

describe('estimated benefit from metered usage', () => {
  const usage: UsagePoint[] = [
    // Two municipalities' submissions in January add up; other metrics do not count.
    { month: '2025-01-01', metric: 'submissions', count: 60 },
    { month: '2025-01-01', metric: 'submissions', count: 40 },
    { month: '2025-01-01', metric: 'automated_decisions', count: 999 },
    { month: '2025-03-01', metric: 'submissions', count: 30 },
  ];

  it('values minutes saved per use at the hourly rate, month by month', () => {
    const series = estimateBenefit(handlingTime, months, usage);
    // 100 submissions × 8–12 min = 800–1200 min = 13.33–20 h × 520 kr = 6 933.33–10 400 kr.
    expect(series[0]).toEqual({
      month: '2025-01-01',
      usage: 100,
      estimatedSek: { low: 6933.33, high: 10400 },
      estimatedHours: { low: 13.33, high: 20 },
      followedUpSek: null,
    });
    expect(series[1]).toMatchObject({ usage: 0, estimatedSek: { low: 0, high: 0 } });
    expect(series[2]).toMatchObject({ usage: 30, estimatedSek: { low: 2080, high: 3120 } });
    // 130 submissions × 8–12 min = 1 040–1 560 min; the months' hours (13.33 + 0 + 4) add up.
    expect(totalBenefit(series)).toEqual({
      usage: 130,
      estimatedSek: { low: 9013.33, high: 13520 },
      estimatedHours: { low: 17.33, high: 26 },
      followedUpSek: null,
    });
  });

  it('takes SEK per use as it is, with no hours', () => {
    const [jan] = estimateBenefit(postage, months, [{ month: '2025-01-01', metric: 'letters_digital', count: 1000 }]);
    expect(jan).toMatchObject({ estimatedSek: { low: 9000, high: 13000 }, estimatedHours: null });
    expect(totalBenefit([jan]).estimatedHours).toBeNull();
  });

  it('values hours at the hourly rate', () => {
    const summaries: BenefitHypothesis = { ...handlingTime, perUnit: { low: 2, high: 2, unit: 'hours' }, sekPerHour: 600 };
    const series = estimateBenefit(summaries, ['2025-01-01', '2025-02-01'], [{ month: '2025-01-01', metric: 'submissions', count: 3 }]);
    expect(series[0].estimatedSek).toEqual({ low: 3600, high: 3600 });
    // 3 summaries × 2 hours, and none in February.
    expect(totalBenefit(series).estimatedHours).toEqual({ low: 6, high: 6 });
  });

  it('puts the followed-up benefit beside the estimate for the months a follow-up covers, the latest measurement winning', () => {
    const followUps = [
      { hypothesisId: 'handling-time', periodStart: '2025-01-01', periodEnd: '2025-02-28', measuredValue: 6, measuredOn: '2025-03-05' },
      { hypothesisId: 'handling-time', periodStart: '2025-01-15', periodEnd: '2025-01-31', measuredValue: 10, measuredOn: '2025-02-10' },
      { hypothesisId: 'another', periodStart: '2025-03-01', periodEnd: '2025-03-31', measuredValue: 100, measuredOn: '2025-04-01' },
    ];
    const series = estimateBenefit(handlingTime, months, usage, followUps);
    // January: 100 × 6 min (measured 2025-03-05, newer than the 10-minute one) = 10 h × 520 = 5 200 kr.
    expect(series.map((m) => m.followedUpSek)).toEqual([5200, 0, null]);
    expect(totalBenefit(series).followedUpSek).toBe(5200);
  });
});
