import { startTracing } from './tracing';

describe('startTracing', () => {
  it('stays off unless a collector is named', () => {
    expect(startTracing('kommuna-test', {})).toBeUndefined();
  });

  it('starts and shuts down cleanly when one is', async () => {
    const tracing = startTracing('kommuna-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(tracing).toBeDefined();
    await expect(tracing!.shutdown()).resolves.toBeUndefined();
  });
});
