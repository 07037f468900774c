import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseYamlConfig } from '@kommuna/shared-yaml-config';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext, TenantConfig } from '@kommuna/platform-tenancy';
import { adoptionPeriod } from './adoption';
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

const FormSlug = z.looseObject({ slug: z.string() });

/** What a municipality's configuration makes possible, for demo figures that never contradict it. */
export interface DemoConfiguration {
  /** Forms it publishes: its own (tenants/<slug>/forms) and the templates it adopts. */
  publishedForms: string[];
  /** Of those, the forms whose rules may decide automatically (e-forms settings automatedDecisions). */
  automatedForms: string[];
  /** Whether its digital mail falls back on paper (digital-mail settings paperFallback). */
  paperFallback: boolean;
}

/** Reads what the demo figures must agree with from a tenant's files. */
export function demoConfiguration(tenantsDir: string, config: TenantConfig): DemoConfiguration {
  const eForms = (config.services['e-forms']?.settings ?? {}) as {
    automatedDecisions?: string[];
    adoptTemplates?: Array<{ template: string }>;
  };
  const formsDir = path.join(tenantsDir, config.slug, 'forms');
  const own = fs.existsSync(formsDir)
    ? fs
        .readdirSync(formsDir)
        .filter((name) => /\.ya?ml$/.test(name))
        .map((name) => {
          // Only the slug matters here; e-forms checks the whole file at start-up.
          const parsed = parseYamlConfig(FormSlug, name, fs.readFileSync(path.join(formsDir, name), 'utf8'));
          return parsed.ok ? parsed.value.slug : name.replace(/\.ya?ml$/, '');
        })
    : [];
  const publishedForms = config.services['e-forms']
    ? [...new Set([...own, ...(eForms.adoptTemplates ?? []).map((a) => a.template)])].sort()
    : [];
  const mail = (config.services['digital-mail']?.settings ?? {}) as { paperFallback?: boolean };
  return {
    publishedForms,
    automatedForms: (eForms.automatedDecisions ?? []).filter((form) => publishedForms.includes(form)),
    paperFallback: mail.paperFallback === true,
  };
}

/**
 * Monthly demo use of one metric, or null when the configuration rules the metric out: no
 * submissions without a published form, no automated decisions unless a published form may decide
 * automatically, no paper letters without paper fallback, no case updates on Mina sidor without
 * forms to bring cases there, and no approved AI drafts: each one is time saved that a case
 * worker approved, so only real approvals count (docs/ai.md's walk shows its own five).
 */
function demoRate(metric: string, demo: DemoConfiguration): number | null {
  switch (metric) {
    case 'call_notes_approved':
    case 'case_summaries_approved':
      return null;
    case 'submissions':
      return demo.publishedForms.length > 0 ? PER_CAPITA_PER_MONTH.submissions * Math.min(1, demo.publishedForms.length / 3) : null;
    case 'automated_decisions':
      return demo.automatedForms.length > 0
        ? PER_CAPITA_PER_MONTH.automated_decisions * (demo.automatedForms.length / demo.publishedForms.length)
        : null;
    case 'letters_paper':
      return demo.paperFallback ? PER_CAPITA_PER_MONTH.letters_paper : null;
    case 'case_updates':
      return demo.publishedForms.length > 0 ? PER_CAPITA_PER_MONTH.case_updates : null;
    default:
      return PER_CAPITA_PER_MONTH[metric] ?? 0.005;
  }
}

/**
 * Demo figures for `npm start` (development only): monthly use for the last 12 months in every
 * municipality and service it uses, generated from the configuration so they never contradict it
 * (demoRate; only in the months its adoption dates say it used the service, at the stage it was at
 * then), and a few follow-ups and decisions, so the steering group sees a filled catalogue at once.
 * The database is marked as holding demo figures, so every page and export says so. Idempotent: a
 * month that has a figure keeps it.
 */
export async function seedDemoCatalogue(
  database: Database,
  tenants: TenantDirectory,
  entries: CatalogueEntry[],
  tenantsDir: string,
  now: Date = new Date(),
): Promise<void> {
  const usage = new UsageRepository();
  const months = lastMonths(12, now);
  await database.platformTransaction((em) => new RecordsRepository().markDemo(em, 'Demo figures seeded for npm start (seedDemoCatalogue)'));
  for (const tenant of tenants.all()) {
    const population = tenant.config.population ?? 10_000;
    const demo = demoConfiguration(tenantsDir, tenant.config);
    await requestContext.run({ requestId: 'demo-seed', tenantId: tenant.id }, () =>
      database.transaction(async (em) => {
        for (const entry of entries) {
          const entryConfig = tenant.config.services[entry.id];
          const period = adoptionPeriod(tenant.config, entry.id);
          // A planned service is not in use yet: no figures.
          if (!entryConfig || !period) continue;
          for (const { id: metric } of meteredMetricsOf(entry.id)) {
            const rate = demoRate(metric, demo);
            if (rate === null) continue;
            for (const [i, month] of months.entries()) {
              const stage = stageIn(month, period, entryConfig);
              if (!stage) continue;
              // Use grows over the year (paper shrinks as digital grows), with some month-to-month noise.
              const trend = metric === 'letters_paper' ? 1.2 - i * 0.03 : 0.7 + i * 0.05;
              const count = Math.round(
                population * rate * STAGE_FACTOR[stage] * trend * (0.85 + 0.3 * noise(`${tenant.slug}/${metric}/${month}`)),
              );
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
      demoFollowUp(1, eForms, { from: -9, to: -7 }, (benefit) => midpoint(benefit.perUnit) * 0.9),
      demoFollowUp(2, eForms, { from: -4, to: -2 }, (benefit) => midpoint(benefit.perUnit) * 1.05),
      demoFollowUp(3, mail, { from: -6, to: -1 }, (benefit) => benefit.perUnit.low),
    ].filter((f) => f !== undefined);
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
        source: 'DEMO: påhittad uppföljning (npm start), ingen verklig mätning',
        note: null,
        recordedBy: 'demo',
      });
    }
    const decisions = [
      {
        id: '00000000-0000-4000-8000-00000000d001',
        service: 'e-forms',
        from: 'development',
        to: 'beta',
        monthsAgo: 8,
        diaryNumber: 'DEMO 2025/0142',
      },
      {
        id: '00000000-0000-4000-8000-00000000d002',
        service: 'digital-mail',
        from: 'development',
        to: 'beta',
        monthsAgo: 5,
        diaryNumber: 'DEMO 2025/0187',
      },
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

/**
 * A made-up follow-up of the service's first benefit hypothesis, over the months `from` to `to`
 * before the current one; none when the service (or its hypothesis) is not in the catalogue.
 */
function demoFollowUp(
  n: number,
  entry: CatalogueEntry | undefined,
  period: { from: number; to: number },
  measured: (hypothesis: CatalogueEntry['descriptor']['benefits'][number]) => number,
) {
  const hypothesis = entry?.descriptor.benefits[0];
  if (!entry || !hypothesis) return undefined;
  return { id: `00000000-0000-4000-8000-00000000c00${n}`, service: entry.id, hypothesis, ...period, value: measured(hypothesis) };
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month.slice(0, 8)}${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** The stage a service was at in a month by its adoption dates; null when it was not in use then. */
function stageIn(
  month: string,
  period: { start: string | null; end: string | null },
  entry: { stage: string; productionFrom?: string; leftOn?: string },
): keyof typeof STAGE_FACTOR | null {
  const next = addMonths(month, 1);
  if (period.start !== null && period.start >= next) return null;
  if (period.end !== null && period.end <= month) return null;
  if (entry.stage === 'leaving') return 'leaving';
  if (entry.stage === 'piloting') return 'piloting';
  return entry.productionFrom && entry.productionFrom >= next ? 'piloting' : 'production';
}
