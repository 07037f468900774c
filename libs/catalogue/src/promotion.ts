import type { AdoptionStage } from './adoption';
import { DEVELOPMENT_STATUSES, DevelopmentStatus } from './descriptor/service-descriptor.schema';

export interface LocalizedReason {
  sv: string;
  en: string;
}

export interface PromotionCheck {
  allowed: boolean;
  /** What is missing for the promotion, in Swedish and English; empty when allowed. */
  missing: LocalizedReason[];
  production: string[];
  piloting: string[];
  requiredProduction: number;
}

const rank = (status: DevelopmentStatus) => DEVELOPMENT_STATUSES.indexOf(status);

/**
 * The promotion gate (docs/catalogue.md): a service moves only forward (obsolete retires it from
 * any status, and nothing comes back from obsolete); beta needs at least one municipality piloting
 * or in production; stable needs production at `stableMinProduction` municipalities or more.
 * Municipalities that are leaving count for nothing.
 */
export function checkPromotion(input: {
  current: DevelopmentStatus;
  target: DevelopmentStatus;
  adoption: ReadonlyArray<{ slug: string; stage: AdoptionStage }>;
  stableMinProduction: number;
}): PromotionCheck {
  const production = input.adoption
    .filter((a) => a.stage === 'production')
    .map((a) => a.slug)
    .sort();
  const piloting = input.adoption
    .filter((a) => a.stage === 'piloting')
    .map((a) => a.slug)
    .sort();
  const missing: LocalizedReason[] = [];
  const { current, target } = input;
  if (current === 'obsolete') {
    missing.push({ sv: 'Tjänsten är avvecklad (obsolete) och kan inte befordras', en: 'The service is obsolete and cannot be promoted' });
  } else if (target === current) {
    missing.push({ sv: `Tjänsten har redan status ${current}`, en: `The service is already ${current}` });
  } else if (target !== 'obsolete' && rank(target) < rank(current)) {
    missing.push({
      sv: `${target} är lägre än nuvarande status ${current}: en befordran går bara framåt`,
      en: `${target} is below the current status ${current}: a promotion only moves forward`,
    });
  } else if (target !== 'obsolete') {
    if (rank(target) >= rank('beta') && production.length + piloting.length === 0) {
      missing.push({
        sv: `${target} kräver att minst en kommun pilotar eller har tjänsten i produktion; ingen gör det`,
        en: `${target} requires at least one municipality piloting or in production; none is`,
      });
    }
    if (target === 'stable' && production.length < input.stableMinProduction) {
      const have = production.length === 0 ? 'ingen' : `${production.length} (${production.join(', ')})`;
      const haveEn = production.length === 0 ? 'none' : `${production.length} (${production.join(', ')})`;
      missing.push({
        sv: `stable kräver produktion i minst ${input.stableMinProduction} kommuner; i produktion: ${have}, ${input.stableMinProduction - production.length} saknas`,
        en: `stable requires production at ${input.stableMinProduction} or more municipalities; in production: ${haveEn}, ${input.stableMinProduction - production.length} missing`,
      });
    }
  }
  return {
    allowed: missing.length === 0,
    missing,
    production,
    piloting,
    requiredProduction: target === 'stable' ? input.stableMinProduction : 0,
  };
}
