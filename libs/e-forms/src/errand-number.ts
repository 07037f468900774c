import type { EntityManager } from 'typeorm';
import { rowsOf } from '@kommuna/platform-persistence';
import { ErrandCounterEntity } from './entities/errand-counter.entity';

const STOCKHOLM_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', year: 'numeric' });

/** The calendar year in Sweden at `at` (a submission at 23:30 UTC on 31 December is next year's). */
export function stockholmYear(at: Date): number {
  return Number(STOCKHOLM_YEAR.format(at));
}

/** PREFIX-YYYY-NNNNNN, e.g. PTS-2025-000042. */
export function formatErrandNumber(prefix: string, year: number, sequence: number): string {
  if (!/^[A-Z]{2,6}$/.test(prefix)) throw new Error(`errand number prefix must be 2-6 capital letters: ${prefix}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) throw new Error(`errand sequence out of range: ${sequence}`);
  return `${prefix}-${year}-${String(sequence).padStart(6, '0')}`;
}

/**
 * Takes the next errand number of a tenant's prefix and year inside the caller's transaction.
 * One upsert: concurrent submissions queue on the counter row's lock, so each gets its own number,
 * and a rolled-back submission gives its number back.
 */
export async function nextErrandNumber(em: EntityManager, tenantId: string, prefix: string, at: Date): Promise<string> {
  const year = stockholmYear(at);
  const raw = await em.query(
    `INSERT INTO eforms_errand_counter (tenant_id, prefix, year, last_value) VALUES ($1, $2, $3, 1)
     ON CONFLICT (tenant_id, prefix, year) DO UPDATE SET last_value = eforms_errand_counter.last_value + 1
     RETURNING last_value`,
    [tenantId, prefix, year],
  );
  const [{ lastValue }] = rowsOf(em, ErrandCounterEntity, raw, ['lastValue']);
  return formatErrandNumber(prefix, year, lastValue);
}
