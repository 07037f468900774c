// npm run keycloak:install — fetches the Keycloak distribution the realm export is written for
// (org.keycloak:keycloak-quarkus-dist:<keycloakVersion>:zip) from Maven Central into the cache
// (KOMMUNA_KEYCLOAK_CACHE_DIR, default ~/.cache/kommuna-keycloak) and unpacks it. CI runs it before
// the tests; the identity conformance suite fails, naming this command, when it has not run.
import { installKeycloak, keycloakJavaHome, keycloakVersion } from '@kommuna/platform-testing';

try {
  const home = installKeycloak(keycloakVersion(), (line) => console.log(line));
  console.log(`Keycloak ${keycloakVersion()} ready at ${home} (Java: ${keycloakJavaHome()})`);
} catch (error) {
  console.error(`keycloak:install failed: ${(error as Error).message}`);
  process.exit(1);
}
