import { createHash } from 'node:crypto';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { CatalogueEntry } from './descriptor/service-descriptor.loader';
import { meteredMetricsOf } from './metering/metrics';
import { UsageRepository } from './metering/usage.repository';
import { addMonths, lastMonths } from './months';
import { RecordsRepository } from './records.repository';

/** Monthly use per inhabitant in production, by metric: plausible orders of magnitude. */
const PER_CAPITA_PER_MONTH: Record<string, number> = {
  submissions: 0.012,
  automated_decisions: 0.003,
  letters_digital: 0.02,
  letters_paper: 0.012,
  case_updates: 0.01,
};
const STAGE_FACTOR = { piloting: 0.3, production: 1, leaving: 0.4 } as const;

/** A stable number in [0, 1) per key, so every start seeds the same figures. */
function noise(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Demo figures for `npm start` (development only): plausible monthly use for the last 12 months
 * in every municipality and service it uses, and a few follow-ups and decisions, so the steering
 * group sees a filled catalogue at once. Idempotent: a month that has a figure keeps it.
 */
export async function seedDemoCatalogue(database: Database, tenants: TenantDirectory, entries: CatalogueEntry[], now: Date = new Date()): Promise<void> {
  const usage = new UsageRepository();
  const months = lastMonths(12, now);
  for (const tenant of tenants.all()) {
    const population = tenant.config.population ?? 10_000;
    await requestContext.run({ requestId: 'demo-seed', tenantId: tenant.id }, () =>
      database.transaction(async (em) => {
        for (const entry of entries) {
          const stage = tenant.config.services[entry.id]?.stage;
          // A planned service is not in use yet: no figures.
          if (!stage || stage === 'planned') continue;
          for (const { id: metric } of meteredMetricsOf(entry.id)) {
            const rate = PER_CAPITA_PER_MONTH[metric] ?? 0.005;
            for (const [i, month] of months.entries()) {
              // Use grows over the year (paper shrinks as digital grows), with some month-to-month noise.
              const trend = metric === 'letters_paper' ? 1.2 - i * 0.03 : 0.7 + i * 0.05;
              const count = Math.round(population * rate * STAGE_FACTOR[stage] * trend * (0.85 + 0.3 * noise(`${tenant.slug}/${metric}/${month}`)));
              await usage.insertIfAbsent(em, tenant.id, entry.id, metric, month, count);
            }
          }
        }
      }),
    );
  }

  const records = new RecordsRepository();
  const byId = new Map<string, CatalogueEntry>(entries.map((e) => [e.id, e]));
  const eForms = byId.get('e-forms');
  const mail = byId.get('digital-mail');
  await database.platformTransaction(async (em) => {
    const followUps = [
      eForms?.descriptor.benefits[0] && { id: '00000000-0000-4000-8000-00000000c001', service: 'e-forms', hypothesis: eForms.descriptor.benefits[0], from: -9, to: -7, value: midpoint(eForms.descriptor.benefits[0].perUnit) * 0.9, source: 'Tidsstudie Kontaktcenter Sundsvall (demo)' },
      eForms?.descriptor.benefits[0] && { id: '00000000-0000-4000-8000-00000000c002', service: 'e-forms', hypothesis: eForms.descriptor.benefits[0], from: -4, to: -2, value: midpoint(eForms.descriptor.benefits[0].perUnit) * 1.05, source: 'Uppföljning handläggartid Timrå och Ånge (demo)' },
      mail?.descriptor.benefits[0] && { id: '00000000-0000-4000-8000-00000000c003', service: 'digital-mail', hypothesis: mail.descriptor.benefits[0], from: -6, to: -1, value: mail.descriptor.benefits[0].perUnit.low, source: 'Fakturaunderlag porto och tryck (demo)' },
    ].filter(Boolean) as Array<{ id: string; service: string; hypothesis: CatalogueEntry['descriptor']['benefits'][number]; from: number; to: number; value: number; source: string }>;
    const current = months[months.length - 1];
    for (const f of followUps) {
      const periodEnd = lastDay(addMonths(current, f.to));
      await records.insertFollowUp(em, {
        id: f.id,
        service: f.service,
        hypothesisId: f.hypothesis.id,
        periodStart: addMonths(current, f.from),
        periodEnd,
        measuredValue: Math.round(f.value * 100) / 100,
        unit: f.hypothesis.perUnit.unit,
        measuredOn: periodEnd,
        source: f.source,
        note: null,
        recordedBy: 'demo',
      });
    }
    const decisions = [
      { id: '00000000-0000-4000-8000-00000000d001', service: 'e-forms', from: 'development', to: 'beta', monthsAgo: 8, diaryNumber: 'KS 2025/0142' },
      { id: '00000000-0000-4000-8000-00000000d002', service: 'digital-mail', from: 'development', to: 'beta', monthsAgo: 5, diaryNumber: 'KS 2025/0187' },
    ].filter((d) => byId.get(d.service)?.descriptor.developmentStatus === d.to);
    for (const d of decisions) {
      const existing = await records.decisions(em, d.service);
      if (existing.some((e) => e.id !== d.id)) continue; // real decisions exist: leave the history alone
      await records.insertDecision(em, {
        id: d.id,
        service: d.service,
        fromStatus: d.from,
        toStatus: d.to,
        decidedOn: `${addMonths(current, -d.monthsAgo).slice(0, 7)}-15`,
        diaryNumber: d.diaryNumber,
        evidence: { demo: true, note: 'Demo decision seeded for npm start' },
        recordedBy: 'demo',
      });
    }
  });
}

const midpoint = (range: { low: number; high: number }) => (range.low + range.high) / 2;

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month.slice(0, 8)}${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
