import type { AddressInfo } from 'node:net';
import { PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { createTestDatabase } from '@kommuna/platform-testing';
import { createHealthServer } from './health-server';

describe('worker health port', () => {
  it('is ready only while the database answers and the worker is not stopping', async () => {
    const database = await createTestDatabase(PLATFORM_DATABASE_SCHEMA);
    const { server, stopping } = createHealthServer(database);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      return { status: response.status, body: await response.json() };
    };
    try {
      expect(await get('/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
      expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
      expect((await get('/health/other')).status).toBe(404);

      // A database that no longer answers: the replica is alive but not ready.
      await database.close();
      expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'database unavailable' } });
      expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });

      stopping();
      expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'stopping' } });
    } finally {
      server.close();
      await database.close();
    }
  });

  it('answers /metrics only to the scraper holding the metrics token', async () => {
    const database = await createTestDatabase(PLATFORM_DATABASE_SCHEMA);
    const token = 'scrape-token-0123456789abcdef';
    const { server } = createHealthServer(database, { metricsToken: token });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const metrics = async (authorization?: string) =>
      (
        await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, {
          headers: authorization ? { authorization } : {},
        })
      ).status;
    try {
      expect(await metrics()).toBe(403);
      expect(await metrics(`Bearer ${token}x`)).toBe(403);
      expect(await metrics(`Bearer ${token}`)).toBe(200);
    } finally {
      server.close();
      await database.close();
    }
  });
});
