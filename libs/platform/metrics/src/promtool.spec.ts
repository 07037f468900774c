import { execFileSync, spawnSync } from 'node:child_process';
import { PlatformMetrics } from './metrics';

/**
 * Prometheus's own linter (promtool check metrics, Debian's `prometheus` package; .ci/run installs
 * it) over the registry the api and the worker serve at /metrics, process metrics included.
 */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is needed for this test (apt-get install prometheus): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('/metrics against promtool check metrics', () => {
  it('promtool is installed', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/^promtool, version \d+\./);
  });

  it('finds nothing in the platform registry with every metric recorded', async () => {
    const metrics = new PlatformMetrics();
    metrics.setTenants([{ id: 't-1', slug: 'sundsvall' }]);
    metrics.requests.inc({ tenant: metrics.tenantLabel('t-1'), operation: 'Query.myCases', status: '200' });
    metrics.requestDuration.observe({ tenant: metrics.tenantLabel('t-1'), operation: 'Query.myCases' }, 0.02);
    metrics.outboxLag.observe({ tenant: metrics.tenantLabel('t-1') }, 0.3);
    metrics.outboxFailures.inc({ tenant: metrics.tenantLabel('t-1'), handler: 'digital-mail.notice' });
    metrics.mailDeliveries.inc({ tenant: metrics.tenantLabel('t-1'), status: 'SENT', channel: 'digital' });
    const text = await metrics.text();
    // The process gauges stay, per type; their _total sums (gauges named like counters) are gone.
    expect(text).toMatch(/^# TYPE kommuna_nodejs_active_handles gauge$/m);
    expect(text).not.toMatch(/^kommuna_nodejs_active_\w+_total /m);
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  it('would catch a gauge named like a counter (the check can fail)', () => {
    const text =
      '# HELP kommuna_nodejs_active_handles_total Active handles\n# TYPE kommuna_nodejs_active_handles_total gauge\nkommuna_nodejs_active_handles_total 3\n';
    const { status, output } = promtoolCheck(text);
    expect(status).not.toBe(0);
    expect(output).toMatch(/non-counter metrics should not have "_total" suffix/);
  });
});
