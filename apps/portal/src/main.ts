import { JsonLogger } from '@kommuna/platform-logging';
import { loadPortalConfig } from './config';
import { buildPortal } from './server';

async function main(): Promise<void> {
  const config = loadPortalConfig();
  const logger = new JsonLogger('info');
  const app = buildPortal(config, { logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(() => process.exit(0));
    });
  }
  await app.listen({ host: config.host, port: config.port });
  logger.event('info', 'Kommuna portal ready', { url: config.publicUrl, api: config.apiUrl, identityProvider: config.realmUrl });
}

main().catch((error: Error) => {
  process.stderr.write(`Kommuna portal could not start:\n${error.message}\n`);
  process.exit(1);
});
