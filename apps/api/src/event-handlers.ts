import type { EventHandler } from '@kommuna/platform-events';
import type { PlatformRuntime } from './platform-runtime';

/**
 * Every service's outbox consumers. The worker runs them; on the embedded database (one
 * process can hold a PGlite folder) the api runs them itself, see embedded-worker.ts.
 */
export function serviceEventHandlers(runtime: PlatformRuntime): EventHandler[] {
  void runtime;
  return [];
}
