import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { requestContext } from '@kommuna/platform-tenancy';
import {
  AiDraftApprovedData,
  EVENT_TYPES,
  FormDecisionMadeData,
  HomeCareDeviationConfirmedData,
  MailDeliveryStatusChangedData,
} from '@kommuna/shared-service-contracts';
import { stockholmMonth } from '../months';
import { UsageRepository } from './usage.repository';

/** A metric an event adds to: one, unless `by` says how much (an amount, e.g. whole kronor). */
export interface Meter {
  service: string;
  metric: string;
  by?: number;
}

/** What one event counts as, if anything: the service and metric it adds one to. */
export function meterOf(event: Pick<OutboxEvent, 'type' | 'data'>): Meter | undefined {
  switch (event.type) {
    case EVENT_TYPES.formSubmissionReceived:
      return { service: 'e-forms', metric: 'submissions' };
    case EVENT_TYPES.formDecisionMade:
      return (event.data as FormDecisionMadeData | undefined)?.automated === true
        ? { service: 'e-forms', metric: 'automated_decisions' }
        : undefined;
    case EVENT_TYPES.mailDeliveryStatusChanged: {
      const data = event.data as MailDeliveryStatusChangedData | undefined;
      if (data?.status !== 'SENT') return undefined;
      if (data.channel === 'digital') return { service: 'digital-mail', metric: 'letters_digital' };
      if (data.channel === 'paper') return { service: 'digital-mail', metric: 'letters_paper' };
      return undefined;
    }
    case EVENT_TYPES.caseStatusChanged:
      return { service: 'minasidor', metric: 'case_updates' };
    case EVENT_TYPES.aiDraftApproved: {
      const kind = (event.data as AiDraftApprovedData | undefined)?.kind;
      if (kind === 'call_note') return { service: 'ai', metric: 'call_notes_approved' };
      if (kind === 'case_summary') return { service: 'ai', metric: 'case_summaries_approved' };
      return undefined;
    }
    case EVENT_TYPES.homeCareDeviationConfirmed:
      return typeof (event.data as HomeCareDeviationConfirmedData | undefined)?.amountSek === 'number'
        ? { service: 'home-care', metric: 'deviations_confirmed' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Every metric one event adds to: its meterOf, and for a confirmed home-care deviation also its
 * kronor (whole kronor, rounded per deviation) in `deviation_sek_confirmed`.
 */
export function metersOf(event: Pick<OutboxEvent, 'type' | 'data'>): Meter[] {
  const meter = meterOf(event);
  if (!meter) return [];
  if (event.type === EVENT_TYPES.homeCareDeviationConfirmed) {
    const kronor = Math.round((event.data as HomeCareDeviationConfirmedData).amountSek);
    if (kronor > 0) return [meter, { service: 'home-care', metric: 'deviation_sek_confirmed', by: kronor }];
  }
  return [meter];
}

/**
 * Meters the services' use from their own events: one more in the month the event occurred
 * (Stockholm time), counted once per event however often the outbox delivers it. Reads nothing
 * of the event but its type, time and the few fields that decide the metric: no person reaches
 * the catalogue.
 */
export class CatalogueMeteringHandler implements EventHandler {
  readonly name = 'catalogue-metering';
  readonly types = [
    EVENT_TYPES.formSubmissionReceived,
    EVENT_TYPES.formDecisionMade,
    EVENT_TYPES.mailDeliveryStatusChanged,
    EVENT_TYPES.caseStatusChanged,
    EVENT_TYPES.aiDraftApproved,
    EVENT_TYPES.homeCareDeviationConfirmed,
  ];
  private readonly usage = new UsageRepository();

  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    await this.handleBatch([event], em);
  }

  /** A whole outbox batch in two statements, not two per event (a bulk send's status events). */
  async handleBatch(events: OutboxEvent[], em: EntityManager): Promise<void> {
    const metered = events.flatMap((event) => metersOf(event).map((meter) => ({ event, meter })));
    if (metered.length === 0) return;
    const tenantId = requestContext.tenantId();
    const fresh = await this.usage.markProcessed(em, tenantId, [...new Set(metered.map(({ event }) => event.id))]);
    const counts = new Map<string, { service: string; metric: string; month: string; by: number }>();
    for (const { event, meter } of metered) {
      if (!fresh.has(event.id)) continue;
      const month = stockholmMonth(event.occurredAt);
      const key = `${meter.service}\u0000${meter.metric}\u0000${month}`;
      const count = counts.get(key);
      if (count) count.by += meter.by ?? 1;
      else counts.set(key, { service: meter.service, metric: meter.metric, month, by: meter.by ?? 1 });
    }
    await this.usage.incrementMany(em, tenantId, [...counts.values()]);
  }
}
