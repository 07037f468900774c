import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

/**
 * Production defaults (issue 23, fault 6): the defaults suit a developer's machine (tokens from
 * the local dev-idp, /metrics open), so a production start without its identity and metrics
 * settings must fail and say which are missing; and a production api tells callers nothing of
 * its schema that introspection would not.
 */
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

/** Runs an app's main.ts as deployed, with only the given environment (nothing inherited that could configure it). */
function start(main: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', '@swc-node/register', main],
      {
        cwd: REPO_ROOT,
        timeout: 120_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.base.json'),
          ...env,
        },
      },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, output: `${stdout}${stderr}` }),
    );
  });
}

describe('production settings', () => {
  it.each([
    ['api', 'apps/api/src/main.ts', /Kommuna api could not start/],
    ['worker', 'apps/worker/src/main.ts', /Kommuna worker could not start/],
  ])(
    'the %s refuses to start in production without them, naming every one',
    async (_name, main, heading) => {
      const { code, output } = await start(main, { NODE_ENV: 'production', DATABASE_URL: 'postgres://kommuna_app@127.0.0.1:1/none' });
      expect(code).toBe(1);
      expect(output).toMatch(heading);
      expect(output).toMatch(/KEYCLOAK_URL: required when NODE_ENV=production/);
      expect(output).toMatch(/KOMMUNA_METRICS_TOKEN: required when NODE_ENV=production/);
    },
    150_000,
  );

  describe('a production api', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi({ env: { NODE_ENV: 'production', KOMMUNA_METRICS_TOKEN: METRICS_TOKEN } });
    });
    afterAll(() => api?.close());

    it('answers /metrics only to the scraper holding the token', async () => {
      const metrics = (authorization?: string) =>
        api.app
          .getHttpAdapter()
          .getInstance()
          .inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect((await metrics()).statusCode).toBe(403);
      expect((await metrics(`Bearer ${METRICS_TOKEN.slice(0, -1)}`)).statusCode).toBe(403);
      expect((await metrics(`Bearer ${METRICS_TOKEN}x`)).statusCode).toBe(403);
      expect((await metrics(`Bearer ${METRICS_TOKEN}`)).statusCode).toBe(200);
    });

    it('suggests no field, argument or type names a caller did not already know', async () => {
      const { status, body } = await api.graphql('{ myCasez { id } adminForms { slg } }', { 'x-kommuna-tenant': 'sundsvall' });
      expect(status).toBe(400);
      expect(body.errors.length).toBeGreaterThan(0);
      for (const error of body.errors) expect(error.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
      expect(JSON.stringify(body)).not.toMatch(/myCases/);
      expect((await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404);
    });
  });
});
