import type { AllocationKey, CostModel } from './descriptor/service-descriptor.schema';
import { AdoptionPeriod, inUseMonths } from './adoption';
import { ValidationFailedError } from '@kommuna/shared-service-contracts';

export interface Weighted<K> {
  key: K;
  /** A non-negative whole number: 1, a population, a yearly use count. */
  weight: number;
}

export class CostSharingError extends ValidationFailedError {}

/**
 * Splits `total` whole units (kronor, or öre) in proportion to the weights so that the parts
 * are whole and sum to `total` exactly: each gets the floor of its exact quota, and the units
 * left over go one each to the largest remainders (ties: in the order given). Exact integer
 * arithmetic throughout (BigInt), so no rounding error can creep in however large the figures.
 */
export function largestRemainder<K>(total: number, participants: ReadonlyArray<Weighted<K>>): Array<{ key: K; amount: number }> {
  if (!Number.isSafeInteger(total) || total < 0)
    throw new CostSharingError(`The amount to share must be a whole, non-negative number (was ${total})`);
  for (const p of participants) {
    if (!Number.isSafeInteger(p.weight) || p.weight < 0)
      throw new CostSharingError(`Weights must be whole, non-negative numbers (was ${p.weight})`);
  }
  const totalWeight = participants.reduce((sum, p) => sum + BigInt(p.weight), 0n);
  if (participants.length === 0) return [];
  if (totalWeight === 0n) throw new CostSharingError('Nothing to share by: every weight is zero');
  const big = BigInt(total);
  const quotas = participants.map((p, index) => {
    const exact = big * BigInt(p.weight);
    return { key: p.key, index, amount: exact / totalWeight, remainder: exact % totalWeight };
  });
  let left = big - quotas.reduce((sum, q) => sum + q.amount, 0n);
  const byRemainder = [...quotas].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const quota of byRemainder) {
    if (left === 0n) break;
    quota.amount += 1n;
    left -= 1n;
  }
  return quotas.map((q) => ({ key: q.key, amount: Number(q.amount) }));
}

/** A member municipality as cost sharing sees it. */
export interface CostParticipant {
  slug: string;
  /** Months of the year it used the service (0-12): shares are pro-rata by these. */
  months: number;
  population?: number;
  /** Metered use of the cost model's usage metric in its months of use (per_use keys). */
  usage?: number;
}

export interface CostShare {
  slug: string;
  months: number;
  /**
   * What the share was computed by: months (equal), inhabitants × months (per capita) or uses in
   * the months of use (per use).
   */
  basis: number;
  amountSek: number;
}

export interface CostSharing {
  /** null: no budget decided for the year (service.yaml cost.budgetsSek), so nothing to share. */
  budgetSek: number | null;
  allocationKey: AllocationKey;
  /** The key actually applied: per_use falls back to equal in a year with no metered use. */
  appliedKey: AllocationKey;
  shares: CostShare[];
}

/**
 * Each participating municipality's share of a service's budget for one year under its allocation
 * key, pro-rata by the months it used the service: equal is by months, per capita by inhabitants ×
 * months, per use by the use metered in its months (equal by months when there was none). Only
 * members with months of use take part, so joining in a year never touches an earlier year. The
 * shares are whole kronor and sum to the budget exactly.
 */
export function shareCosts(
  cost: Pick<CostModel, 'allocationKey'> & { budgetSek: number | null },
  participants: ReadonlyArray<CostParticipant>,
): CostSharing {
  for (const p of participants) {
    if (!Number.isInteger(p.months) || p.months < 0 || p.months > 12)
      throw new CostSharingError(`Months of use must be 0-12 (was ${p.months} for ${p.slug})`);
  }
  const sorted = participants.filter((p) => p.months > 0).sort((a, b) => a.slug.localeCompare(b.slug));
  let appliedKey: AllocationKey = cost.allocationKey;
  if (cost.budgetSek === null) return { budgetSek: null, allocationKey: cost.allocationKey, appliedKey, shares: [] };
  let weights: Array<Weighted<string>>;
  switch (cost.allocationKey) {
    case 'equal':
      weights = sorted.map((p) => ({ key: p.slug, weight: p.months }));
      break;
    case 'per_capita': {
      const missing = sorted.filter((p) => p.population === undefined).map((p) => p.slug);
      if (missing.length > 0)
        throw new CostSharingError(`Per-capita sharing needs the population of ${missing.join(', ')} (tenant.yaml population)`);
      weights = sorted.map((p) => ({ key: p.slug, weight: p.population! * p.months }));
      break;
    }
    case 'per_use': {
      weights = sorted.map((p) => ({ key: p.slug, weight: p.usage ?? 0 }));
      if (weights.every((w) => w.weight === 0)) {
        appliedKey = 'equal';
        weights = sorted.map((p) => ({ key: p.slug, weight: p.months }));
      }
      break;
    }
  }
  const amounts = largestRemainder(cost.budgetSek, weights);
  return {
    budgetSek: cost.budgetSek,
    allocationKey: cost.allocationKey,
    appliedKey,
    shares: amounts.map((a, i) => ({ slug: a.key, months: sorted[i].months, basis: weights[i].weight, amountSek: a.amount })),
  };
}

/** A member as a year's sharing sees it: its period of use and, for per_use, its monthly use. */
export interface YearMember {
  slug: string;
  period: AdoptionPeriod | null;
  population?: number;
  /** Metered use of the cost model's usage metric by month ('YYYY-MM-01'). */
  usageByMonth?: ReadonlyMap<string, number>;
}

/**
 * One year's sharing of a budget among members by their periods of use: each takes part with the
 * months of the year it used the service, and (per use) only the use metered in those months. A
 * member whose period starts after the year takes no part in it, so it never changes that year.
 */
export function shareYear(
  cost: Pick<CostModel, 'allocationKey'> & { budgetSek: number | null },
  year: number,
  members: ReadonlyArray<YearMember>,
): CostSharing {
  return shareCosts(
    cost,
    members.map((m) => {
      const months = inUseMonths(m.period, year).map((n) => `${year}-${String(n).padStart(2, '0')}-01`);
      return {
        slug: m.slug,
        months: months.length,
        population: m.population,
        usage: m.usageByMonth ? months.reduce((sum, month) => sum + (m.usageByMonth!.get(month) ?? 0), 0) : undefined,
      };
    }),
  );
}
