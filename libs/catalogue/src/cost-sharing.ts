import type { AllocationKey, CostModel } from './descriptor/service-descriptor.schema';
import { KommunaError } from '@kommuna/shared-service-contracts';

export interface Weighted<K> {
  key: K;
  /** A non-negative whole number: 1, a population, a yearly use count. */
  weight: number;
}

export class CostSharingError extends KommunaError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
}

/**
 * Splits `total` whole units (kronor, or öre) in proportion to the weights so that the parts
 * are whole and sum to `total` exactly: each gets the floor of its exact quota, and the units
 * left over go one each to the largest remainders (ties: in the order given). Exact integer
 * arithmetic throughout (BigInt), so no rounding error can creep in however large the figures.
 */
export function largestRemainder<K>(total: number, participants: ReadonlyArray<Weighted<K>>): Array<{ key: K; amount: number }> {
  if (!Number.isSafeInteger(total) || total < 0) throw new CostSharingError(`The amount to share must be a whole, non-negative number (was ${total})`);
  for (const p of participants) {
    if (!Number.isSafeInteger(p.weight) || p.weight < 0) throw new CostSharingError(`Weights must be whole, non-negative numbers (was ${p.weight})`);
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
  population?: number;
  /** Metered use of the cost model's usage metric in the year (per_use keys). */
  usage?: number;
}

export interface CostShare {
  slug: string;
  /** What the share was computed by: 1 (equal), inhabitants (per capita) or uses (per use). */
  basis: number;
  amountSek: number;
}

export interface CostSharing {
  budgetSek: number;
  allocationKey: AllocationKey;
  /** The key actually applied: per_use falls back to equal in a year with no metered use. */
  appliedKey: AllocationKey;
  shares: CostShare[];
}

/**
 * Each participating municipality's share of a service's yearly budget under its allocation key.
 * The shares are whole kronor and sum to the budget exactly.
 */
export function shareCosts(cost: CostModel, participants: ReadonlyArray<CostParticipant>): CostSharing {
  const sorted = [...participants].sort((a, b) => a.slug.localeCompare(b.slug));
  let appliedKey: AllocationKey = cost.allocationKey;
  let weights: Array<Weighted<string>>;
  switch (cost.allocationKey) {
    case 'equal':
      weights = sorted.map((p) => ({ key: p.slug, weight: 1 }));
      break;
    case 'per_capita': {
      const missing = sorted.filter((p) => p.population === undefined).map((p) => p.slug);
      if (missing.length > 0) throw new CostSharingError(`Per-capita sharing needs the population of ${missing.join(', ')} (tenant.yaml population)`);
      weights = sorted.map((p) => ({ key: p.slug, weight: p.population! }));
      break;
    }
    case 'per_use': {
      weights = sorted.map((p) => ({ key: p.slug, weight: p.usage ?? 0 }));
      if (weights.every((w) => w.weight === 0)) {
        appliedKey = 'equal';
        weights = sorted.map((p) => ({ key: p.slug, weight: 1 }));
      }
      break;
    }
  }
  const amounts = largestRemainder(cost.yearlyBudgetSek, weights);
  return {
    budgetSek: cost.yearlyBudgetSek,
    allocationKey: cost.allocationKey,
    appliedKey,
    shares: amounts.map((a, i) => ({ slug: a.key, basis: weights[i].weight, amountSek: a.amount })),
  };
}
