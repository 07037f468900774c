import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { STATUS_OF_CODE } from './graphql-errors';

/**
 * GraphQL errors go back to the driver untouched, where formatGraphQLError maps and logs them
 * (so an expected TENANT_NOT_FOUND is not logged as a crash); HTTP routes keep Nest's handling.
 */
@Catch()
export class PlatformExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    const code = (exception as { code?: unknown })?.code;
    if (typeof code === 'string' && STATUS_OF_CODE[code]) {
      const message = (exception as Error).message;
      return super.catch(new HttpException({ code, message }, STATUS_OF_CODE[code]), host);
    }
    return super.catch(exception, host);
  }
}
