// npm run keycloak:start — a real Keycloak for a developer: the cached distribution (installed
// first if missing) in dev mode with the realm from infra/keycloak/kommuna-realm.json imported, plus
// the demo users, service-account secrets and dev-only clients dev-idp has. Its database lives in a
// temporary folder and goes when it stops (Ctrl-C). KEYCLOAK_PORT picks the port (default 8080);
// the web client also accepts the api's and the portal's callbacks on PORT and PORTAL_PORT.
// Then: KEYCLOAK_URL=http://127.0.0.1:8080 npm run start:api (README "Logging in").
import { DEMO_PASSWORD, DEV_PASSWORD_CLIENT, installKeycloak, startKeycloakProcess } from '@kommuna/platform-testing';

function portFrom(variable: string, fallback: number): number {
  const value = process.env[variable] ?? String(fallback);
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`${variable} must be a port number (0-65535), not "${value}"`);
  return Number(value);
}

async function main() {
  const port = portFrom('KEYCLOAK_PORT', 8080);
  const callbacks = [
    `http://127.0.0.1:${portFrom('PORT', 3000)}/callback`,
    `http://127.0.0.1:${portFrom('PORTAL_PORT', 3003)}/auth/callback`,
  ].flatMap((uri) => [uri, uri.replace('//127.0.0.1', '//localhost')]);
  installKeycloak(undefined, (line) => console.log(line));
  console.log('starting Keycloak (the first start builds it, about a minute longer)...');
  const keycloak = await startKeycloakProcess({
    port: port === 0 ? undefined : port,
    redirectUris: callbacks,
    onOutput: (chunk) => process.stdout.write(chunk),
    timeoutMs: 600_000,
  });
  console.log(
    [
      '',
      `Keycloak ${keycloak.version} ready in ${(keycloak.startMillis / 1000).toFixed(1)} s: ${keycloak.realmUrl}`,
      `  KEYCLOAK_URL=${keycloak.url}`,
      `  demo logins: password ${DEMO_PASSWORD}, client ${DEV_PASSWORD_CLIENT} (password grant) or kommuna-web (browser)`,
      '  service accounts: <slug>-system / <slug>-system-secret',
      `  admin console: ${keycloak.url}/admin (admin / admin-dev)`,
      '',
    ].join('\n'),
  );
  const stop = () => void keycloak.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`keycloak:start failed: ${error.message}`);
  process.exit(1);
});
