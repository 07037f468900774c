import * as net from 'node:net';
import { JsonLogger } from '@kommuna/platform-logging';
import { loadPortalConfig } from './config';
import { buildPortal } from './server';

/** A port the system has free now (it binds port 0 and lets go). */
const freePort = (host: string) =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

async function main(): Promise<void> {
  let config = loadPortalConfig();
  // PORTAL_PORT=0: the public URL (the OIDC redirect URI) names the port and the app is built on
  // it, so the port is picked before the app rather than by listen.
  if (config.port === 0 && config.publicUrlFromPort)
    config = loadPortalConfig({ ...process.env, PORTAL_PORT: String(await freePort(config.host)) });
  const logger = new JsonLogger('info');
  const app = buildPortal(config, { logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // A close that fails still ends the process, with a failure code and the reason.
      app.close().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`Kommuna portal did not close cleanly: ${error.message}\n`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as net.AddressInfo;
  logger.event('info', 'Kommuna portal ready', { url: config.publicUrl, port, api: config.apiUrl, identityProvider: config.realmUrl });
}

main().catch((error: Error) => {
  process.stderr.write(`Kommuna portal could not start:\n${error.message}\n`);
  process.exit(1);
});
