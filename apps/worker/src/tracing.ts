// Loaded first by main.ts: tracing must hook http and pg before anything else loads them.
import { startTracing } from '@kommuna/platform-tracing';

export const tracing = startTracing('kommuna-worker');
