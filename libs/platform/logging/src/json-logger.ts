import type { LoggerService } from '@nestjs/common';
import { requestContext } from '@kommuna/platform-tenancy';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

/**
 * One JSON object per line on stdout, carrying the request id and tenant of the current request
 * context, so logs of all replicas can be searched by either. Identity numbers are never logged.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minimum: LogLevelName = 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  /** A structured event: `fields` are merged into the line. */
  event(level: LogLevelName, msg: string, fields: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.minimum]) return;
    this.sink(JSON.stringify({ ...this.base(level), msg, ...fields }));
  }

  private base(level: LogLevelName): Record<string, unknown> {
    const scope = requestContext.peek();
    return {
      time: new Date().toISOString(),
      level,
      ...(scope?.requestId ? { requestId: scope.requestId } : {}),
      // Only a municipality the platform resolved: the slug a caller named may be anything (a personnummer).
      ...(scope?.tenantId && scope.tenantSlug ? { tenant: scope.tenantSlug } : {}),
    };
  }

  // Nest calls log(message, context) and error(message, stack, context).
  private write(level: LogLevelName, message: unknown, rest: unknown[]): void {
    if (RANK[level] < RANK[this.minimum]) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const line: Record<string, unknown> = { ...this.base(level) };
    if (context) line.context = context;
    if (message instanceof Error) {
      line.msg = message.message;
      line.stack = message.stack;
    } else {
      line.msg = typeof message === 'string' ? message : JSON.stringify(message);
    }
    if (stack) line.stack = stack;
    this.sink(JSON.stringify(line));
  }
}
