/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) names a
 * collector: HTTP requests in and out and every PostgreSQL statement become spans, exported over
 * OTLP/HTTP. Call it before anything loads http or pg, so the instrumentation can hook them.
 * Statement text is recorded without parameter values (no identity numbers in traces).
 *
 * The SDK is loaded only when tracing is on: its ~1,800 modules held 15 MB of heap in every
 * process that imported this, tracing or not. In the worker, under --max-old-space-size=128, that
 * was 15 of the 25 MB between its resident heap (77 MB) and the 80 % of the cap where V8 gives up
 * on a heap whose collections keep it from running (ADR 0002).
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): { shutdown(): Promise<void> } | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startCollectorTracing } = require('./collector-tracing') as typeof import('./collector-tracing');
  return startCollectorTracing(serviceName, env);
}
