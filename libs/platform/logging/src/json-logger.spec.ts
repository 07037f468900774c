import { requestContext } from '@kommuna/platform-tenancy';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON line with the request id and tenant of the current context', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (line) => lines.push(line));
    requestContext.run({ requestId: 'req-1', tenantSlug: 'timra' }, () => logger.log('hej', 'TenantsResolver'));
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
});
