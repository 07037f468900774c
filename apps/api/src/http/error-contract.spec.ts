import * as fs from 'node:fs';
import * as path from 'node:path';
import { createError, FastifyError } from '@fastify/error';
import { GraphQLError } from 'graphql';
import { JsonLogger } from '@kommuna/platform-logging';
import { KommunaError } from '@kommuna/shared-service-contracts';
import { REPO_ROOT } from '../testing/test-api';
import { answerFor } from './error-answer';
import { formatGraphQLError } from './graphql-errors';
import { GraphQLDocumentError } from './graphql-operation';
import { TenantRequiredError } from '../tenants/tenants.resolver';

const logged = () => {
  const lines: string[] = [];
  return { lines, logger: new JsonLogger('info', (line) => lines.push(line)) };
};

class ExampleDomainError extends KommunaError {
  readonly code = 'EXAMPLE_REFUSED';
  readonly status = 409;
  constructor() {
    super('Refused, for a reason the caller can act on');
  }
  override readonly details = { field: 'x' };
}

describe('answerFor', () => {
  it('answers an error that merely carries a code (a Node system error) as INTERNAL_SERVER_ERROR, logged with its stack', () => {
    const { lines, logger } = logged();
    const system = Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    expect(answerFor(system, logger, 'Http')).toEqual({ status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      context: 'Http',
      msg: 'connect ECONNREFUSED 10.20.30.40:5432',
      stack: expect.stringContaining('error-contract.spec.ts'),
    });
  });

  it('answers a KommunaError with its code, status, message and details, and does not log it', () => {
    const { lines, logger } = logged();
    expect(answerFor(new ExampleDomainError(), logger, 'Http')).toEqual({
      status: 409,
      code: 'EXAMPLE_REFUSED',
      message: 'Refused, for a reason the caller can act on',
      details: { field: 'x' },
    });
    expect(lines).toEqual([]);
  });

  it("keeps a hidden or 5xx KommunaError's code but not its message or details, and logs it", () => {
    const { lines, logger } = logged();
    class HiddenError extends ExampleDomainError {
      override readonly exposeMessage = false;
    }
    expect(answerFor(new HiddenError(), logger, 'GraphQL')).toEqual({
      status: 409,
      code: 'EXAMPLE_REFUSED',
      message: 'Internal server error',
    });
    class FaultError extends KommunaError {
      readonly code = 'EXAMPLE_FAULT';
      readonly status = 500;
    }
    expect(answerFor(new FaultError('disk /var/lib/kommuna full'), logger, 'GraphQL')).toEqual({
      status: 500,
      code: 'EXAMPLE_FAULT',
      message: 'Internal server error',
    });
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'Refused, for a reason the caller can act on',
      'disk /var/lib/kommuna full',
    ]);
  });

  it("passes Fastify's own 4xx refusals of a request, and hides its 5xx faults", () => {
    const { logger } = logged();
    const TooLarge = createError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 413);
    expect(new TooLarge()).toBeInstanceOf(FastifyError);
    expect(answerFor(new TooLarge(), logger, 'Http')).toEqual({
      status: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      message: 'Request body is too large',
    });
    const Broken = createError('FST_ERR_EXAMPLE', 'Plugin at /srv/app failed', 500);
    expect(answerFor(new Broken(), logger, 'Http')).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Internal server error',
    });
  });

  it('formats GraphQL errors by the same contract', () => {
    const { logger } = logged();
    const format = (original: Error) =>
      formatGraphQLError(new GraphQLError(original.message, { originalError: original, path: ['x'] }), logger);
    expect(format(Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' }))).toEqual([
      { message: 'Internal server error', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(format(new ExampleDomainError())).toEqual([
      {
        message: 'Refused, for a reason the caller can act on',
        path: ['x'],
        extensions: { code: 'EXAMPLE_REFUSED', details: { field: 'x' } },
      },
    ]);
  });
});

/** Every workspace library, by the import name its index.ts is reached by (tsconfig.base.json paths). */
function libraryNames(): string[] {
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.entries(compilerOptions.paths)
    .filter(([, [target]]) => target.startsWith('libs/') && target.endsWith('/src/index.ts'))
    .map(([name]) => name);
}

describe('every error a library exports', () => {
  it('extends KommunaError, so the api answers it by its code rather than as an internal error', async () => {
    const errorClasses: string[] = [];
    const outside: string[] = [];
    for (const library of libraryNames()) {
      const exports = (await import(library)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error) || value === KommunaError) continue;
        errorClasses.push(`${library}.${name}`);
        if (!(value.prototype instanceof KommunaError)) outside.push(`${library}.${name}`);
      }
    }
    expect(outside).toEqual([]);
    // The walk reaches the services and the platform (a walk that found nothing would pass too).
    expect(errorClasses).toEqual(
      expect.arrayContaining([
        '@kommuna/platform-persistence.UnknownTenantError',
        '@kommuna/platform-auth.AuthenticationError',
        '@kommuna/platform-tenancy.TenantContextMissingError',
        '@kommuna/digital-mail.DigitalMailError',
        '@kommuna/digital-mail.TransientAdapterError',
        '@kommuna/e-forms.SubmissionInvalidError',
        '@kommuna/minasidor.CaseNotFoundError',
        '@kommuna/catalogue.PromotionRefusedError',
      ]),
    );
  });

  it("and so do the api's own", () => {
    for (const error of [new GraphQLDocumentError('not GraphQL'), new TenantRequiredError()]) expect(error).toBeInstanceOf(KommunaError);
  });
});
