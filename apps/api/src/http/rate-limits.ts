import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimits {
  /** Requests per minute one client (a token subject, else an IP address) may make. */
  perClientPerMinute: number;
  /** Requests per minute all callers together may make to one municipality. */
  perTenantPerMinute: number;
  /** Redis that every replica counts in; without it each process counts its own. */
  redisUrl?: string;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perClientPerMinute: 1200, perTenantPerMinute: 30000 };

/** Seconds to wait before trying again, or 0 when the request may go ahead. */
export type Wait = number;

/**
 * The api's two request budgets, per client and per municipality, counted with
 * rate-limiter-flexible: in Redis when configured (replicas share the counts; while Redis is
 * unreachable each process falls back to counting in memory rather than refusing everyone),
 * else in memory. A request refused per client never spends its municipality's budget, so one
 * greedy caller cannot make a municipality unavailable to the rest.
 */
export class RequestBudgets {
  private constructor(
    private readonly perClient: RateLimiterAbstract,
    private readonly perTenant: RateLimiterAbstract,
    private readonly redis?: Redis,
  ) {}

  /** Connects to Redis when configured; while it cannot be reached, counts in memory meanwhile. */
  static async connect(limits: RateLimits, connectTimeoutMs = 2000): Promise<RequestBudgets> {
    const budgets = RequestBudgets.create(limits);
    const redis = budgets.redis;
    if (redis && redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, connectTimeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return budgets;
  }

  static create(limits: RateLimits): RequestBudgets {
    const options = (keyPrefix: string, points: number) => ({ keyPrefix, points, duration: 60 });
    if (!limits.redisUrl) {
      return new RequestBudgets(
        new RateLimiterMemory(options('client', limits.perClientPerMinute)),
        new RateLimiterMemory(options('tenant', limits.perTenantPerMinute)),
      );
    }
    // No offline queue: while Redis is down a take fails at once and the in-memory insurance counts.
    const redis = new Redis(limits.redisUrl, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined); // reconnects by itself; the insurance limiter covers the gap
    const shared = (keyPrefix: string, points: number) =>
      new RateLimiterRedis({
        ...options(`kommuna:rate:${keyPrefix}`, points),
        storeClient: redis,
        insuranceLimiter: new RateLimiterMemory(options(`${keyPrefix}-insurance`, points)),
      });
    return new RequestBudgets(shared('client', limits.perClientPerMinute), shared('tenant', limits.perTenantPerMinute), redis);
  }

  /** Takes one request from the client's budget and, only if that allowed it, the municipality's. */
  async take(client: string, tenant: string): Promise<Wait> {
    const clientWait = await consume(this.perClient, client);
    if (clientWait > 0) return clientWait;
    return consume(this.perTenant, tenant);
  }

  async close(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<Wait> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (refusal) {
    // rate-limiter-flexible rejects with RateLimiterRes when over budget, with an Error otherwise.
    if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    throw refusal;
  }
}
