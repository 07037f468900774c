import Redis from 'ioredis';

/**
 * Where verified Mina ombud answers are kept for a few minutes. Keys are built by the caller from
 * the municipality's tenant id, the person's party id and the principal (never an identity
 * number); a key of one municipality is never read for another.
 */
export interface RepresentationCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** In the process: enough for one replica; entries expire, the oldest go first past `maxEntries`. */
export class MemoryRepresentationCache implements RepresentationCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Shared by every replica (KOMMUNA_REDIS_URL): one answer serves the person on any of them. */
export class RedisRepresentationCache implements RepresentationCache {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'kommuna:minasidor:representation:',
  ) {
    // A cache: a Redis that is down must not hold requests, so fail fast and ask Mina ombud instead.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000 });
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
