import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { JsonLogger } from '@kommuna/platform-logging';
import { createTestDatabase, startTestRealm, TestRealm } from '@kommuna/platform-testing';
import { OutboxDispatcher } from '@kommuna/platform-events';
import { createApi } from '../bootstrap';
import { PlatformRuntime, startPlatformRuntime } from '../platform-runtime';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export interface TestApi {
  app: NestFastifyApplication;
  realm: TestRealm;
  logLines: string[];
  runtime: PlatformRuntime;
  graphql(
    query: string,
    headers?: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Publishes every due outbox event to the services' handlers, as the worker would. */
  dispatchEvents(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The api as `npm start` builds it, on a fresh test database with the shipped tenants. Tokens are
 * trusted from the test realm (which can sign crafted bad tokens), or from a running dev-idp
 * when `keycloakUrl` is given.
 */
export async function startTestApi(
  options: { keycloakUrl?: string; env?: Record<string, string>; tenantsDir?: string } = {},
): Promise<TestApi> {
  const realm = await startTestRealm('kommuna');
  const config = loadPlatformConfig({
    NODE_ENV: 'test',
    KOMMUNA_TENANTS_DIR: options.tenantsDir ?? path.join(REPO_ROOT, 'tenants'),
    KEYCLOAK_URL: options.keycloakUrl ?? realm.realmUrl.replace(/\/realms\/kommuna$/, ''),
    ...options.env,
  });
  const logLines: string[] = [];
  let runtime: PlatformRuntime;
  let app: NestFastifyApplication;
  try {
    runtime = await startPlatformRuntime(config, createTestDatabase);
  } catch (error) {
    await realm.close();
    throw error;
  }
  try {
    app = await createApi(runtime, new JsonLogger('info', (line) => logLines.push(line)));
  } catch (error) {
    await runtime.database.close();
    await realm.close();
    throw error;
  }
  return {
    app,
    realm,
    logLines,
    runtime,
    async graphql(query, headers = {}, variables) {
      const response = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json', ...headers },
          payload: JSON.stringify({ query, variables }),
        });
      return { status: response.statusCode, body: response.json(), headers: response.headers };
    },
    dispatchEvents() {
      return new OutboxDispatcher(runtime.database, [...runtime.services.eventHandlers]).drain();
    },
    async close() {
      await app.close();
      await runtime.database.close();
      await realm.close();
    },
  };
}
