import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { JsonLogger } from '@kommuna/platform-logging';
import { answerFor } from './error-answer';

/**
 * GraphQL errors go back to the driver untouched, where formatGraphQLError maps and logs them
 * (so an expected TENANT_NOT_FOUND is not logged as a crash). HTTP routes answer by the same
 * error contract (answerFor): a KommunaError with its status, code, message and details; Nest's
 * own HttpExceptions (an unknown route) as Nest answers them; anything else logged and answered
 * 500 INTERNAL_SERVER_ERROR without its message.
 */
@Catch()
export class PlatformExceptionFilter extends BaseExceptionFilter {
  constructor(private readonly logger: JsonLogger) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    if (exception instanceof HttpException) return super.catch(exception, host);
    const { status, ...body } = answerFor(exception, this.logger, 'Http');
    return super.catch(new HttpException(body, status), host);
  }
}
