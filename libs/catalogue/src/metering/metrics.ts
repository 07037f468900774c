import type { ServiceId } from '@kommuna/platform-tenancy';

export interface MeteredMetric {
  id: string;
  name: { sv: string; en: string };
}

/**
 * What the platform meters per service, municipality and month, from the services' own events
 * (see metering-handler.ts). Benefit hypotheses and per-use cost keys must name one of these. A
 * service not listed meters nothing yet (a new one, until its events are counted).
 */
export const METERED_METRICS: Partial<Record<ServiceId, readonly MeteredMetric[]>> = {
  'e-forms': [
    { id: 'submissions', name: { sv: 'Inskickade e-tjänsteärenden', en: 'E-form submissions' } },
    { id: 'automated_decisions', name: { sv: 'Automatiserade beslut', en: 'Automated decisions' } },
  ],
  'digital-mail': [
    { id: 'letters_digital', name: { sv: 'Brev skickade digitalt', en: 'Letters sent digitally' } },
    { id: 'letters_paper', name: { sv: 'Brev skickade på papper', en: 'Letters sent on paper' } },
  ],
  minasidor: [{ id: 'case_updates', name: { sv: 'Ärendeuppdateringar på Mina sidor', en: 'Case updates on Mina sidor' } }],
  catalogue: [],
  ai: [
    { id: 'call_notes_approved', name: { sv: 'Godkända samtalsanteckningar (tal till text)', en: 'Approved call notes (speech to text)' } },
    { id: 'case_summaries_approved', name: { sv: 'Godkända ärendesammanfattningar', en: 'Approved case summaries' } },
  ],
  'home-care': [
    { id: 'deviations_confirmed', name: { sv: 'Bekräftade avvikelser i hemtjänsten', en: 'Confirmed home-care deviations' } },
    // The count is whole kronor: each confirmed deviation adds its amount, not one.
    {
      id: 'deviation_sek_confirmed',
      name: { sv: 'Bekräftade avvikelser, kronor innehållna eller återkrävda', en: 'Confirmed deviations, kronor withheld or reclaimed' },
    },
  ],
};

/** What a service meters: none when it is not listed. */
export function meteredMetricsOf(service: ServiceId): readonly MeteredMetric[] {
  return METERED_METRICS[service] ?? [];
}

export function meteredMetric(service: string, metric: string): MeteredMetric | undefined {
  return (METERED_METRICS as Record<string, readonly MeteredMetric[]>)[service]?.find((m) => m.id === metric);
}
