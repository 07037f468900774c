import type { EntityManager } from 'typeorm';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { stockholmDay } from '@kommuna/shared-identifiers';
import { AiQuotaExceededError } from './errors';
import type { RegisteredModel } from './model-registry';
import type { AiQuota, DataClassifications } from './settings';

/** What a request to a model is about to use, as far as it is known before it is sent. */
export interface ModelDemand {
  model: RegisteredModel;
  requests: number;
  /** Seconds of audio to transcribe (known before sending); tokens are only known after. */
  audioSeconds?: number;
}

/** What a request used, counted once the model answered. */
export interface ModelUse {
  requests: number;
  tokens?: number | null;
  audioSeconds?: number;
}

interface Used {
  requests: number;
  tokens: number;
  audioSeconds: number;
}

/** The first day of the quota's period that holds `day` (a Swedish day, stockholmDay), and the first day after it. */
export function periodOf(period: AiQuota['period'], day: string): { from: string; until: string } {
  const [y, m, d] = day.split('-').map(Number);
  if (period === 'day') {
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return { from: day, until: next.toISOString().slice(0, 10) };
  }
  const next = new Date(Date.UTC(y, m, 1));
  return { from: `${day.slice(0, 7)}-01`, until: next.toISOString().slice(0, 10) };
}

/**
 * The municipality's quotas per model and provider (services.ai.settings.quotas) and its use per
 * day (ai_usage, tenant-only). A request that would go over a quota is refused before anything is
 * sent; a request's use is counted when the model has answered. Checking and counting are separate
 * steps, so requests in flight at the same moment can together go over by what they use.
 */
export class AiQuotas {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Throws AiQuotaExceededError, naming the quota, when a demand would go over one of the municipality's quotas. */
  async check(classes: DataClassifications, demands: readonly ModelDemand[]): Promise<void> {
    if (classes.quotas.length === 0) return;
    const today = stockholmDay(this.now());
    for (const demand of demands) {
      for (const quota of classes.quotas) {
        if (quota.model !== undefined ? quota.model !== demand.model.name : quota.provider !== demand.model.processor) continue;
        const period = periodOf(quota.period, today);
        const used = await this.used(quota, period.from, period.until);
        const over =
          quota.requests !== undefined && used.requests + demand.requests > quota.requests
            ? `${used.requests} of ${quota.requests} requests`
            : quota.tokens !== undefined && used.tokens >= quota.tokens
              ? `${used.tokens} of ${quota.tokens} tokens`
              : quota.audioMinutes !== undefined && used.audioSeconds + (demand.audioSeconds ?? 0) > quota.audioMinutes * 60
                ? `${round(used.audioSeconds / 60)} of ${quota.audioMinutes} audio minutes, this recording ${round((demand.audioSeconds ?? 0) / 60)}`
                : undefined;
        if (over) throw new AiQuotaExceededError(quota, over, period.until);
      }
    }
  }

  /** Adds a request's use to today's row of the model (in the caller's transaction when given). */
  async count(model: RegisteredModel, use: ModelUse, em?: EntityManager): Promise<void> {
    const write = (m: EntityManager) =>
      m.query(
        `INSERT INTO ai_usage (tenant_id, model_id, day, requests, tokens, audio_seconds) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, model_id, day) DO UPDATE SET requests = ai_usage.requests + EXCLUDED.requests,
           tokens = ai_usage.tokens + EXCLUDED.tokens, audio_seconds = ai_usage.audio_seconds + EXCLUDED.audio_seconds`,
        [requestContext.tenantId(), model.id, stockholmDay(this.now()), use.requests, use.tokens ?? 0, (use.audioSeconds ?? 0).toFixed(2)],
      );
    if (em) await write(em);
    else await this.database.transaction(write);
  }

  /** The use of every model (or of one provider's models) in [from, until), for the quota's own scope. */
  async used(quota: Pick<AiQuota, 'model' | 'provider'>, from: string, until: string): Promise<Used> {
    const [row] = await this.database.transaction((em) =>
      em.query(
        `SELECT COALESCE(SUM(u.requests), 0)::int AS requests, COALESCE(SUM(u.tokens), 0)::bigint AS tokens,
                COALESCE(SUM(u.audio_seconds), 0) AS audio_seconds
           FROM ai_usage u JOIN ai_model m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
          WHERE u.tenant_id = $1 AND u.day >= $2 AND u.day < $3 AND (m.name = $4 OR m.processor = $5)`,
        [requestContext.tenantId(), from, until, quota.model ?? null, quota.provider ?? null],
      ),
    );
    return { requests: Number(row.requests), tokens: Number(row.tokens), audioSeconds: Number(row.audio_seconds) };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
