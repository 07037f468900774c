import type * as net from 'node:net';
import { JsonLogger } from '@kommuna/platform-logging';
import { buildAssets } from './assets';
import { loadWebConfig } from './config';
import { CookieSessionStore, RedisSessionStore } from './http/sessions';
import { buildWeb } from './server';
import { TenantHosts } from './tenants';

async function main(): Promise<void> {
  const config = loadWebConfig();
  const logger = new JsonLogger('info');
  const tenants = TenantHosts.load(config.tenantsDir, config.localDomain);
  const sessions = config.redisUrl ? new RedisSessionStore(config.redisUrl) : new CookieSessionStore(config.sessionSecret);
  const app = buildWeb({ config, tenants, sessions, assets: await buildAssets(tenants.tenants), logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`Kommuna web did not close cleanly: ${error.message}\n`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as net.AddressInfo;
  const hostPart = config.localDomain ? `.${config.localDomain}:${port}` : '';
  logger.event('info', 'Kommuna web ready', {
    port,
    url: `${config.scheme}://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`,
    municipalities: tenants.tenants.map((tenant) =>
      hostPart ? `${config.scheme}://${tenant.slug}${hostPart}` : `${config.scheme}://${tenant.hosts[0]}`,
    ),
    sessions: config.redisUrl
      ? 'redis'
      : config.sessionSecretGenerated
        ? 'cookie (secret made up at start: sessions end with the process)'
        : 'cookie',
    api: config.apiUrl,
    identityProvider: config.realmUrl,
  });
}

main().catch((error: Error) => {
  process.stderr.write(`Kommuna web could not start:\n${error.message}\n`);
  process.exit(1);
});
