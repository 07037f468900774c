import type { ServiceId } from '@kommuna/platform-tenancy';

export interface MeteredMetric {
  id: string;
  name: { sv: string; en: string };
}

/**
 * What the platform meters per service, municipality and month, from the services' own events
 * (see metering-handler.ts). Benefit hypotheses and per-use cost keys must name one of these.
 */
export const METERED_METRICS: Record<ServiceId, readonly MeteredMetric[]> = {
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
};

export function meteredMetric(service: string, metric: string): MeteredMetric | undefined {
  return (METERED_METRICS as Record<string, readonly MeteredMetric[]>)[service]?.find((m) => m.id === metric);
}
