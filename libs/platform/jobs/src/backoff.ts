/**
 * Delay before retry n (1-based): `firstMs`, doubling each time, never more than `maxMs`.
 * The outbox waits 1 s doubling to 1 h, digital mail's deliveries 30 s doubling to 6 h.
 */
export function exponentialBackoff(options: { firstMs: number; maxMs: number }): (attempt: number) => number {
  return (attempt: number) => Math.min(options.firstMs * 2 ** (Math.max(1, attempt) - 1), options.maxMs);
}
