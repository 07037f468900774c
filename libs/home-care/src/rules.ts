import type { ProviderKind, ServiceType } from './service-types';

/** Changes whenever a rule or its arithmetic changes: a run names the version it ran with. */
export const RULES_VERSION = 'home-care-check/2';

/** Below this many visits in a month, a manual share says little (one manual visit of two is 50 %). */
export const MANUAL_SHARE_MIN_VISITS = 5;

export const RULES = {
  over_granted: {
    id: 'HC1',
    reference: 'SoL (2001:453) 4 kap. 1 §: insatser ges enligt biståndsbeslut; LOV-avtalet: ersättning för beviljad och utförd tid',
  },
  billed_above_performed: { id: 'HC2', reference: 'LOV-avtalet: ersättning per utförd timme enligt tidsregistreringen' },
  outside_decision: { id: 'HC3', reference: 'SoL (2001:453) 4 kap. 1 §: ingen insats utan gällande biståndsbeslut för insatstypen' },
  during_inpatient: { id: 'HC4', reference: 'LOV-avtalet: ingen ersättning för insatser under slutenvård (behovet vilar)' },
  manual_share: { id: 'HC5', reference: 'LOV-avtalet: tidsregistrering med tagg i hemmet; manuell registrering undantagsvis' },
  performed_vs_planned: {
    id: 'HC6',
    reference: 'SoL (2001:453) 4 kap. 1 §, genomförandeplanen: insatserna utförs som planerat; LOV-avtalet: avvikelser rapporteras',
  },
} as const;

/** The provider-level rule: an invoiced month against the time registration at the provider's rates. */
export const INVOICE_RULE = {
  id: 'HC7',
  code: 'invoice_above_registered',
  reference: 'LOV-avtalet: fakturan ska motsvara registrerad utförd tid gånger ersättningen per timme',
} as const;

/** Öre of rounding an invoice may differ by before it is a deviation: one krona. */
export const INVOICE_TOLERANCE_SEK = 1;
export type RuleCode = keyof typeof RULES;

/** One provider's visits for a resident and service type in the month, as the check's SQL sums them. */
export interface ProviderFigures {
  provider: string;
  name: string;
  kind: ProviderKind;
  visits: number;
  manualVisits: number;
  /** Visits on a day no decision grants this service type: none of their time counts. */
  outsideDecisionVisits: number;
  outsideDecisionBilledMinutes: number;
  outsideDecisionOre: number;
  /** Visits on a whole day in hospital (between admission and discharge): none of their time counts. */
  inpatientVisits: number;
  inpatientBilledMinutes: number;
  inpatientOre: number;
  /** The remaining (eligible) visits: time performed by the registration and time billed. */
  performedMinutes: number;
  billedMinutes: number;
  /** Σ min(billed, performed) per visit: time both done and asked for. */
  acceptedMinutes: number;
  acceptedOre: number;
  /** Σ max(billed − performed, 0) per visit. */
  overBilledMinutes: number;
  overBilledOre: number;
  /** Visit ids behind HC3 and HC4 (at most 50 each), so a person can look them up. */
  outsideDecisionEvidence: string[];
  inpatientEvidence: string[];
}

/** What the decisions grant a resident of a service type in the month, prorated by day. */
export interface GrantedFigures {
  /** Per month as decided (the largest if two decisions share the month). */
  decidedMinutesPerMonth: number;
  /** Days of the month a decision covers. */
  decisionDays: number;
  /** Of those, whole days in hospital. */
  inpatientDays: number;
  /** Decided minutes × (decision days − inpatient days) / days of the month, rounded. */
  grantedMinutes: number;
}

/** What the provider planned for the resident and service type in the month. */
export interface PlannedFigures {
  visits: number;
  minutes: number;
}

export interface CheckSettings {
  tolerance: number;
  manualShareThreshold: number;
}

export interface Deviation {
  rule: string;
  code: RuleCode;
  reference: string;
  explanation: { sv: string; en: string };
  minutes: number;
  /** Kronor at stake with private (LOV) providers; own units are not paid per hour. */
  amountSek: number;
  providers: string[];
  evidence: string[];
}

export interface MonthLine {
  residentId: string;
  serviceType: ServiceType;
  daysInMonth: number;
  granted: GrantedFigures;
  providers: ProviderFigures[];
  performedMinutes: number;
  billedMinutes: number;
  acceptedMinutes: number;
  visits: number;
  manualVisits: number;
  /** The month's planned visits; null when none were imported for the line. */
  planned: PlannedFigures | null;
  deviations: Deviation[];
  amountAtStakeSek: number;
}

const sum = (items: ProviderFigures[], pick: (p: ProviderFigures) => number) => items.reduce((total, p) => total + pick(p), 0);
const lov = (items: ProviderFigures[]) => items.filter((p) => p.kind === 'lov');
const sek = (ore: number) => Math.round(ore) / 100;
const hours = (minutes: number) => `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;
const kr = (amount: number) => `${amount.toLocaleString('sv-SE', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} kr`;

/**
 * The month's rules for one resident and service type: pure arithmetic on the figures the SQL
 * summed, so the same figures always give the same deviations and amounts (reproducible), and each
 * deviation says in words how it was reached. The five rules count disjoint minutes, so no minute
 * is at stake twice: HC3 and HC4 take the ineligible visits whole, HC2 the billed time above the
 * performed time of the remaining visits, HC1 the accepted time above the granted time.
 */
export function evaluateLine(
  residentId: string,
  serviceType: ServiceType,
  daysInMonth: number,
  granted: GrantedFigures,
  providers: ProviderFigures[],
  settings: CheckSettings,
  planned: PlannedFigures | null = null,
): MonthLine {
  const deviations: Deviation[] = [];
  const performedMinutes = sum(providers, (p) => p.performedMinutes);
  const billedMinutes = sum(providers, (p) => p.billedMinutes);
  const acceptedMinutes = sum(providers, (p) => p.acceptedMinutes);
  const visits = sum(providers, (p) => p.visits);
  const manualVisits = sum(providers, (p) => p.manualVisits);

  const outside = providers.filter((p) => p.outsideDecisionVisits > 0);
  if (outside.length > 0) {
    const count = sum(outside, (p) => p.outsideDecisionVisits);
    const minutes = sum(outside, (p) => p.outsideDecisionBilledMinutes);
    const amountSek = sek(sum(lov(outside), (p) => p.outsideDecisionOre));
    deviations.push({
      rule: RULES.outside_decision.id,
      code: 'outside_decision',
      reference: RULES.outside_decision.reference,
      explanation: {
        sv: `${count} besök (${hours(minutes)} fakturerat) gjordes en dag då inget gällande biståndsbeslut omfattade insatstypen; tiden räknas inte${amountSek > 0 ? `, ${kr(amountSek)} till privata utförare` : ''}.`,
        en: `${count} visit(s) (${hours(minutes)} billed) fell on a day no valid decision granted this service type; the time does not count${amountSek > 0 ? `, ${amountSek.toFixed(2)} SEK to private providers` : ''}.`,
      },
      minutes,
      amountSek,
      providers: outside.map((p) => p.provider),
      evidence: outside.flatMap((p) => p.outsideDecisionEvidence),
    });
  }

  const inpatient = providers.filter((p) => p.inpatientVisits > 0);
  if (inpatient.length > 0) {
    const count = sum(inpatient, (p) => p.inpatientVisits);
    const minutes = sum(inpatient, (p) => p.inpatientBilledMinutes);
    const amountSek = sek(sum(lov(inpatient), (p) => p.inpatientOre));
    deviations.push({
      rule: RULES.during_inpatient.id,
      code: 'during_inpatient',
      reference: RULES.during_inpatient.reference,
      explanation: {
        sv: `${count} besök (${hours(minutes)} fakturerat) registrerades en hel dag då den enskilde var inlagd på sjukhus; behovet vilar då${amountSek > 0 ? `, ${kr(amountSek)} till privata utförare` : ''}.`,
        en: `${count} visit(s) (${hours(minutes)} billed) were registered on a whole day the resident was in hospital, when the need pauses${amountSek > 0 ? `, ${amountSek.toFixed(2)} SEK to private providers` : ''}.`,
      },
      minutes,
      amountSek,
      providers: inpatient.map((p) => p.provider),
      evidence: inpatient.flatMap((p) => p.inpatientEvidence),
    });
  }

  const overBilling = providers.filter((p) => p.overBilledMinutes > 0);
  if (overBilling.length > 0) {
    const minutes = sum(overBilling, (p) => p.overBilledMinutes);
    const amountSek = sek(sum(lov(overBilling), (p) => p.overBilledOre));
    deviations.push({
      rule: RULES.billed_above_performed.id,
      code: 'billed_above_performed',
      reference: RULES.billed_above_performed.reference,
      explanation: {
        sv: `Fakturerad tid överstiger registrerad utförd tid med ${hours(minutes)} (${hours(billedMinutes)} fakturerat, ${hours(performedMinutes)} utfört)${amountSek > 0 ? `: ${kr(amountSek)}` : ''}.`,
        en: `Billed time exceeds the registered performed time by ${hours(minutes)} (${hours(billedMinutes)} billed, ${hours(performedMinutes)} performed)${amountSek > 0 ? `: ${amountSek.toFixed(2)} SEK` : ''}.`,
      },
      minutes,
      amountSek,
      providers: overBilling.map((p) => p.provider),
      evidence: [],
    });
  }

  const limit = granted.grantedMinutes * (1 + settings.tolerance);
  if (acceptedMinutes > limit) {
    const minutes = acceptedMinutes - granted.grantedMinutes;
    // Priced at the average rate of the accepted minutes: own units' minutes weigh in at 0 kr.
    const acceptedOre = sum(lov(providers), (p) => p.acceptedOre);
    const amountSek = acceptedMinutes > 0 ? sek((minutes * acceptedOre) / acceptedMinutes) : 0;
    const pause = granted.inpatientDays > 0 ? `, ${granted.inpatientDays} dag(ar) på sjukhus avräknade` : '';
    const pauseEn = granted.inpatientDays > 0 ? `, ${granted.inpatientDays} day(s) in hospital deducted` : '';
    deviations.push({
      rule: RULES.over_granted.id,
      code: 'over_granted',
      reference: RULES.over_granted.reference,
      explanation: {
        sv: `Utförd och fakturerad tid ${hours(acceptedMinutes)} överstiger beviljad tid ${hours(granted.grantedMinutes)} (${hours(granted.decidedMinutesPerMonth)}/månad för ${granted.decisionDays - granted.inpatientDays} av ${daysInMonth} dagar${pause}) med ${hours(minutes)}, mer än toleransen ${percent(settings.tolerance)}${amountSek > 0 ? `: ${kr(amountSek)}` : ''}.`,
        en: `Performed and billed time ${hours(acceptedMinutes)} exceeds the granted ${hours(granted.grantedMinutes)} (${hours(granted.decidedMinutesPerMonth)}/month for ${granted.decisionDays - granted.inpatientDays} of ${daysInMonth} days${pauseEn}) by ${hours(minutes)}, beyond the ${percent(settings.tolerance)} tolerance${amountSek > 0 ? `: ${amountSek.toFixed(2)} SEK` : ''}.`,
      },
      minutes,
      amountSek,
      providers: providers.filter((p) => p.acceptedMinutes > 0).map((p) => p.provider),
      evidence: [],
    });
  }

  if (visits >= MANUAL_SHARE_MIN_VISITS && manualVisits / visits > settings.manualShareThreshold) {
    const share = manualVisits / visits;
    deviations.push({
      rule: RULES.manual_share.id,
      code: 'manual_share',
      reference: RULES.manual_share.reference,
      explanation: {
        sv: `${manualVisits} av ${visits} besök (${percent(share)}) registrerades manuellt, över gränsen ${percent(settings.manualShareThreshold)}: tiderna är inte verifierade i hemmet.`,
        en: `${manualVisits} of ${visits} visits (${percent(share)}) were registered manually, above the ${percent(settings.manualShareThreshold)} threshold: their times were not verified at the door.`,
      },
      minutes: 0,
      amountSek: 0,
      providers: providers.filter((p) => p.manualVisits > 0).map((p) => p.provider),
      evidence: [],
    });
  }

  // HC6: the registration against the plan, either way (unplanned time, or visits not made); the
  // kronor are HC1–HC4's, so this names the gap without pricing it again.
  if (planned && planned.minutes > 0) {
    const over = performedMinutes > planned.minutes * (1 + settings.tolerance);
    const under = performedMinutes < planned.minutes * (1 - settings.tolerance);
    if (over || under) {
      const minutes = Math.abs(performedMinutes - planned.minutes);
      deviations.push({
        rule: RULES.performed_vs_planned.id,
        code: 'performed_vs_planned',
        reference: RULES.performed_vs_planned.reference,
        explanation: over
          ? {
              sv: `Utförd tid ${hours(performedMinutes)} överstiger planerad tid ${hours(planned.minutes)} (${planned.visits} planerade besök) med ${hours(minutes)}, mer än toleransen ${percent(settings.tolerance)}: oplanerade besök eller längre besök än planerat.`,
              en: `Performed time ${hours(performedMinutes)} exceeds the planned ${hours(planned.minutes)} (${planned.visits} planned visits) by ${hours(minutes)}, beyond the ${percent(settings.tolerance)} tolerance: unplanned visits or visits longer than planned.`,
            }
          : {
              sv: `Utförd tid ${hours(performedMinutes)} understiger planerad tid ${hours(planned.minutes)} (${planned.visits} planerade besök) med ${hours(minutes)}, mer än toleransen ${percent(settings.tolerance)}: planerade besök som inte gjordes.`,
              en: `Performed time ${hours(performedMinutes)} falls short of the planned ${hours(planned.minutes)} (${planned.visits} planned visits) by ${hours(minutes)}, beyond the ${percent(settings.tolerance)} tolerance: planned visits that were not made.`,
            },
        minutes,
        amountSek: 0,
        providers: providers.map((p) => p.provider),
        evidence: [],
      });
    }
  }

  const amountAtStakeSek = Math.round(deviations.reduce((total, d) => total + d.amountSek * 100, 0)) / 100;
  return {
    residentId,
    serviceType,
    daysInMonth,
    granted,
    providers,
    performedMinutes,
    billedMinutes,
    acceptedMinutes,
    visits,
    manualVisits,
    planned,
    deviations,
    amountAtStakeSek,
  };
}

/** One LOV provider's invoiced month and service type beside its time registration. */
export interface InvoiceFigures {
  provider: string;
  serviceType: ServiceType;
  invoices: string[];
  invoicedMinutes: number;
  invoicedSek: number;
  /** The provider's visits of the month and service type, all of them, as the registration billed them. */
  visits: number;
  billedMinutes: number;
  /** Σ billed minutes × the rate in force on each visit's day. */
  registeredSek: number;
}

export interface InvoiceDeviation {
  rule: typeof INVOICE_RULE.id;
  code: typeof INVOICE_RULE.code;
  reference: string;
  explanation: { sv: string; en: string };
  minutes: number;
  amountSek: number;
  invoices: string[];
}

export interface InvoiceCheck {
  provider: string;
  serviceType: ServiceType;
  figures: InvoiceFigures;
  deviations: InvoiceDeviation[];
  amountAtStakeSek: number;
}

/**
 * HC7: an invoice asks for more than the time registration billed at the provider's rates (more
 * than a krona of rounding). The excess is at stake; minutes invoiced above those billed are named.
 */
export function evaluateInvoice(figures: InvoiceFigures): InvoiceCheck {
  const deviations: InvoiceDeviation[] = [];
  const excess = Math.round((figures.invoicedSek - figures.registeredSek) * 100) / 100;
  if (excess > INVOICE_TOLERANCE_SEK) {
    const minutes = Math.max(figures.invoicedMinutes - figures.billedMinutes, 0);
    deviations.push({
      rule: INVOICE_RULE.id,
      code: INVOICE_RULE.code,
      reference: INVOICE_RULE.reference,
      explanation: {
        sv: `Fakturerat ${kr(figures.invoicedSek)} för ${hours(figures.invoicedMinutes)} överstiger tidsregistreringens ${kr(figures.registeredSek)} (${figures.visits} besök, ${hours(figures.billedMinutes)} gånger ersättningen per timme) med ${kr(excess)}${minutes > 0 ? `; ${hours(minutes)} mer än registrerat` : ''}.`,
        en: `Invoiced ${figures.invoicedSek.toFixed(2)} SEK for ${hours(figures.invoicedMinutes)} exceeds the registration's ${figures.registeredSek.toFixed(2)} SEK (${figures.visits} visits, ${hours(figures.billedMinutes)} at the rate per hour) by ${excess.toFixed(2)} SEK${minutes > 0 ? `; ${hours(minutes)} more than registered` : ''}.`,
      },
      minutes,
      amountSek: excess,
      invoices: figures.invoices,
    });
  }
  return {
    provider: figures.provider,
    serviceType: figures.serviceType,
    figures,
    deviations,
    amountAtStakeSek: deviations.reduce((total, d) => total + d.amountSek, 0),
  };
}

/**
 * A deviation's kronor per provider named on it, summing exactly to its amount: HC2–HC4 as each
 * LOV provider's own minutes were priced, HC1 in proportion to each LOV provider's accepted kronor
 * (the rule priced the line at their average). Own units get 0 kr. The öre lost to rounding go to
 * the provider with the largest share, so the parts add up to the whole.
 */
export function amountsByProvider(
  deviation: Pick<Deviation, 'code' | 'amountSek' | 'minutes' | 'providers'>,
  providers: ProviderFigures[],
): Array<{ provider: string; amountSek: number }> {
  const acceptedMinutes = sum(providers, (p) => p.acceptedMinutes);
  const oreOf = (p: ProviderFigures): number => {
    if (p.kind !== 'lov') return 0;
    switch (deviation.code) {
      case 'outside_decision':
        return p.outsideDecisionOre;
      case 'during_inpatient':
        return p.inpatientOre;
      case 'billed_above_performed':
        return p.overBilledOre;
      case 'over_granted':
        return acceptedMinutes > 0 ? Math.round((deviation.minutes * p.acceptedOre) / acceptedMinutes) : 0;
      default:
        return 0;
    }
  };
  const parts = deviation.providers.map((code) => {
    const figures = providers.find((p) => p.provider === code);
    return { provider: code, ore: figures ? oreOf(figures) : 0 };
  });
  const difference = Math.round(deviation.amountSek * 100) - parts.reduce((total, p) => total + p.ore, 0);
  if (difference !== 0 && parts.length > 0) parts.reduce((max, p) => (p.ore > max.ore ? p : max), parts[0]).ore += difference;
  return parts.map((p) => ({ provider: p.provider, amountSek: p.ore / 100 }));
}
