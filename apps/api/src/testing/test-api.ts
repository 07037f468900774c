import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { JsonLogger } from '@kommuna/platform-logging';
import {
  createTestDatabase,
  DevIdpProcess,
  startDevIdpProcess,
  startTestRealm,
  TestRealm,
  testPersonnummer,
} from '@kommuna/platform-testing';
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
  /**
   * A REST call through the api's HTTP stack: `body` goes as JSON (application/json), the answer's
   * body is parsed when it is JSON; `raw` is the answer's bytes.
   */
  rest(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    request?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any; raw: Buffer }>;
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
    async rest(method, url, request = {}) {
      const response = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method,
          url,
          headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
          payload: request.body === undefined ? undefined : JSON.stringify(request.body),
        });
      const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
      return {
        status: response.statusCode,
        headers: response.headers,
        body: isJson ? response.json() : undefined,
        raw: response.rawPayload,
      };
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

export interface TestApiWithDevIdp extends TestApi {
  /** The dev-idp whose tokens the api trusts (the embedded Keycloak stand-in, its own process). */
  idp: DevIdpProcess;
}

/** startTestApi trusting a dev-idp of its own, as after `npm start`; close() stops both. */
export async function startTestApiWithDevIdp(): Promise<TestApiWithDevIdp> {
  const idp = await startDevIdpProcess();
  let api: TestApi;
  try {
    api = await startTestApi({ keycloakUrl: idp.url });
  } catch (error) {
    await idp.stop();
    throw error;
  }
  return {
    ...api,
    idp,
    async close() {
      await api.close();
      await idp.stop();
    },
  };
}

/**
 * For a describe block: registers beforeAll and afterAll that start the api before its tests and
 * close it after them, and returns the object beforeAll fills in (use it inside tests and hooks
 * only). `start` is startTestApi by default.
 */
export function useTestApi(): TestApi;
export function useTestApi<T extends TestApi>(start: () => Promise<T>, timeoutMs?: number): T;
export function useTestApi(start: () => Promise<TestApi> = () => startTestApi(), timeoutMs?: number): TestApi {
  const suite = {} as TestApi;
  beforeAll(async () => {
    Object.assign(suite, await start());
  }, timeoutMs);
  afterAll(() => suite.close?.());
  return suite;
}

/** The headers of a call with `token`, addressed to the municipality `tenant` when one is given. */
export const bearer = (token: string, tenant?: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  ...(tenant ? { 'x-kommuna-tenant': tenant } : {}),
});

/** A municipality's system: the token its service account's client credentials give (client `<slug>-system`). */
export const systemToken = (realm: TestRealm, slug: string, sub = `service-account-${slug}-system`): string =>
  realm.token({ sub, realm_access: { roles: ['service_account'] }, organization: [slug], azp: `${slug}-system` });

/** A resident logged in with e-legitimation: one of Skatteverket's test personnummer, testPersonnummer(index). */
export const citizenToken = (realm: TestRealm, index: number, sub = `citizen-${index}`): string =>
  realm.token({ sub, realm_access: { roles: ['citizen'] }, personnummer: testPersonnummer(index) });

/** POSTs a CloudEvents HTTP message (binary, structured or a batch) to /events/inbound for `tenant`; a string body goes as it is. */
export async function postInboundEvents(
  api: TestApi,
  tenant: string,
  authorization: string | undefined,
  message: { headers: Record<string, unknown>; body: unknown },
): Promise<{ status: number; body: any }> {
  const response = await api.app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: 'POST',
      url: '/events/inbound',
      headers: {
        ...Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, String(value)])),
        'x-kommuna-tenant': tenant,
        ...(authorization ? { authorization } : {}),
      },
      payload: typeof message.body === 'string' ? message.body : JSON.stringify(message.body),
    });
  return { status: response.statusCode, body: response.json() };
}

/** Answers to Sundsvall's parking permit form that it accepts: a driver who walks 40 m with a rollator, no certificate; `extra` adds or replaces some. */
export const parkingPermitAnswers = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  roll: 'forare',
  telefon: '060-19 10 00',
  funktionsnedsattning: 'Går med rullator.',
  varaktighetManader: 24,
  gangstrackaMeter: 40,
  harLakarintyg: false,
  ...extra,
});
