import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startTracing } from './tracing';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Which OpenTelemetry SDK modules a fresh node process has loaded after importing this library and calling startTracing with `env`. */
function sdkModulesLoaded(env: Record<string, string>): string[] {
  const script = `
    const { startTracing } = require(${JSON.stringify(path.join(__dirname, 'index.ts'))});
    const tracing = startTracing('kommuna-test', ${JSON.stringify(env)});
    const loaded = Object.keys(require.cache).filter((p) => /[\\\\/]@opentelemetry[\\\\/]sdk-(node|trace-base)[\\\\/]/.test(p));
    process.stdout.write(JSON.stringify([...new Set(loaded.map((p) => p.split('@opentelemetry')[1].split(/[\\\\/]/)[1]))]));
    if (tracing) tracing.shutdown();
  `;
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json') },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('startTracing', () => {
  it('stays off unless a collector is named', () => {
    expect(startTracing('kommuna-test', {})).toBeUndefined();
  });

  it('starts and shuts down cleanly when one is', async () => {
    const tracing = startTracing('kommuna-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(tracing).toBeDefined();
    await expect(tracing!.shutdown()).resolves.toBeUndefined();
  });

  // The SDK's modules are some 15 MB of heap: a process without a collector (the worker under its
  // heap cap) must not hold them. In a fresh process, as jest's own module registry does not show it.
  it('loads the OpenTelemetry SDK only when tracing is on', () => {
    expect(sdkModulesLoaded({})).toEqual([]);
    expect(sdkModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual(expect.arrayContaining(['sdk-node']));
  }, 60_000);
});
