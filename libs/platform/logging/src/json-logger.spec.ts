import { requestContext } from '@kommuna/platform-tenancy';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON line with the request id and tenant of the current context', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (line) => lines.push(line));
    requestContext.run({ requestId: 'req-1', tenantId: '6f1c1f1e-0000-4000-8000-000000000001', tenantSlug: 'timra' }, () =>
      logger.log('hej', 'TenantsResolver'),
    );
    expect(JSON.parse(lines[0])).toEqual({
      time: expect.any(String),
      level: 'info',
      requestId: 'req-1',
      tenant: 'timra',
      context: 'TenantsResolver',
      msg: 'hej',
    });
  });

  it('drops lines below its level and keeps the stack of errors', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('warn', (line) => lines.push(line));
    logger.log('quiet');
    logger.debug('quieter');
    logger.error('boom', 'Error: boom\n    at x', 'Bootstrap');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: 'boom', stack: 'Error: boom\n    at x', context: 'Bootstrap' });
  });

  it('names only a municipality the platform resolved, never what a caller wrote in its place', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (line) => lines.push(line));
    // An unknown name in X-Kommuna-Tenant (here a personnummer) is carried for the error, not the log.
    requestContext.run({ requestId: 'req-2', tenantSlug: '199001019802' }, () => logger.event('info', 'request', { status: 404 }));
    expect(lines[0]).not.toContain('199001019802');
    expect(JSON.parse(lines[0])).not.toHaveProperty('tenant');
  });
});
