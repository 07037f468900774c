import { PlatformMetrics } from './metrics';

describe('PlatformMetrics', () => {
  it('labels municipalities by slug and renders Prometheus text', async () => {
    const metrics = new PlatformMetrics({ processMetrics: false });
    metrics.setTenants([{ id: 't-1', slug: 'sundsvall' }]);
    metrics.requests.inc({ tenant: metrics.tenantLabel('t-1'), operation: 'Query.myCases', status: '200' });
    metrics.requests.inc({ tenant: metrics.tenantLabel(undefined), operation: 'Query.tenants', status: '200' });
    metrics.mailDeliveries.inc({ tenant: metrics.tenantLabel('t-2'), status: 'SENT', channel: 'digital' }, 3);
    const text = await metrics.text();
    expect(text).toContain('kommuna_requests_total{tenant="sundsvall",operation="Query.myCases",status="200"} 1');
    expect(text).toContain('kommuna_requests_total{tenant="none",operation="Query.tenants",status="200"} 1');
    expect(text).toContain('kommuna_mail_deliveries_total{tenant="unknown",status="SENT",channel="digital"} 3');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });
});
