import type { BenefitHypothesis } from './descriptor/service-descriptor.schema';

export interface Range {
  low: number;
  high: number;
}

/** One metered figure: how often `metric` happened in `month` (YYYY-MM-01). */
export interface UsagePoint {
  month: string;
  metric: string;
  count: number;
}

/** A steering-group follow-up: what was actually measured per unit over a period. */
export interface FollowUpMeasurement {
  hypothesisId: string;
  /** First and last day of the period measured (YYYY-MM-DD). */
  periodStart: string;
  periodEnd: string;
  /** In the hypothesis's unit, per unit of its metric (e.g. 18 minutes per submission). */
  measuredValue: number;
  measuredOn: string;
  recordedAt?: string;
}

/** SEK that one unit of the hypothesis's unit is worth: an hour at sekPerHour, a krona at 1. */
export function sekPerUnit(hypothesis: BenefitHypothesis): number {
  switch (hypothesis.perUnit.unit) {
    case 'SEK':
      return 1;
    case 'hours':
      return hypothesis.sekPerHour!;
    case 'minutes':
      return hypothesis.sekPerHour! / 60;
  }
}

/** Hours that one unit of the hypothesis's unit is; null for benefits in SEK. */
export function hoursPerUnit(hypothesis: BenefitHypothesis): number | null {
  return hypothesis.perUnit.unit === 'hours' ? 1 : hypothesis.perUnit.unit === 'minutes' ? 1 / 60 : null;
}

export interface BenefitMonth {
  month: string;
  /** Metered use of the hypothesis's metric in the month. */
  usage: number;
  estimatedSek: Range;
  /** Hours saved (time-based hypotheses only). */
  estimatedHours: Range | null;
  /** Usage × the measured value of the follow-up covering the month, in SEK; null when none does. */
  followedUpSek: number | null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The follow-up that speaks for a month: the most recently measured one whose period covers it. */
function followUpFor(month: string, followUps: FollowUpMeasurement[]): FollowUpMeasurement | undefined {
  const monthEnd = lastDayOfMonth(month);
  return followUps
    .filter((f) => f.periodStart <= monthEnd && f.periodEnd >= month)
    .sort((a, b) => (b.measuredOn + (b.recordedAt ?? '')).localeCompare(a.measuredOn + (a.recordedAt ?? '')))[0];
}

export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month.slice(0, 7)}-${String(day).padStart(2, '0')}`;
}

/**
 * Estimated benefit of one hypothesis per month: metered use × the hypothesis's low and high
 * value per unit, in SEK (and hours where time-based), beside the followed-up benefit: the same
 * use × what a follow-up actually measured. `months` lists the months to report (YYYY-MM-01).
 */
export function estimateBenefit(
  hypothesis: BenefitHypothesis,
  months: string[],
  usage: ReadonlyArray<UsagePoint>,
  followUps: ReadonlyArray<FollowUpMeasurement> = [],
): BenefitMonth[] {
  const sek = sekPerUnit(hypothesis);
  const hours = hoursPerUnit(hypothesis);
  const own = followUps.filter((f) => f.hypothesisId === hypothesis.id);
  return months.map((month) => {
    const count = usage.filter((u) => u.metric === hypothesis.metric && u.month === month).reduce((sum, u) => sum + u.count, 0);
    const followUp = followUpFor(month, own);
    return {
      month,
      usage: count,
      estimatedSek: { low: round2(count * hypothesis.perUnit.low * sek), high: round2(count * hypothesis.perUnit.high * sek) },
      estimatedHours:
        hours === null
          ? null
          : { low: round2(count * hypothesis.perUnit.low * hours), high: round2(count * hypothesis.perUnit.high * hours) },
      followedUpSek: followUp ? round2(count * followUp.measuredValue * sek) : null,
    };
  });
}

/**
 * Sums a series: the total use, estimated kronor and hours (null for benefits in SEK), and the
 * followed-up kronor over the months that have a follow-up.
 */
export function totalBenefit(series: ReadonlyArray<BenefitMonth>): {
  usage: number;
  estimatedSek: Range;
  estimatedHours: Range | null;
  followedUpSek: number | null;
} {
  const followed = series.filter((m) => m.followedUpSek !== null);
  const timed = series.length > 0 && series.every((m) => m.estimatedHours !== null);
  return {
    usage: series.reduce((s, m) => s + m.usage, 0),
    estimatedSek: {
      low: round2(series.reduce((s, m) => s + m.estimatedSek.low, 0)),
      high: round2(series.reduce((s, m) => s + m.estimatedSek.high, 0)),
    },
    estimatedHours: timed
      ? {
          low: round2(series.reduce((s, m) => s + m.estimatedHours!.low, 0)),
          high: round2(series.reduce((s, m) => s + m.estimatedHours!.high, 0)),
        }
      : null,
    followedUpSek: followed.length === 0 ? null : round2(followed.reduce((s, m) => s + m.followedUpSek!, 0)),
  };
}
