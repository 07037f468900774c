import { timingSafeEqual } from 'node:crypto';
import { Controller, ForbiddenException, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@kommuna/platform-auth';
import { platformMetrics } from '@kommuna/platform-metrics';

/**
 * Prometheus metrics: requests, errors and latency per municipality and operation, outbox lag,
 * digital-mail deliveries, and the process's own figures. Counts only, no citizen data. With
 * KOMMUNA_METRICS_TOKEN set (production must set it), the scraper must present it as a bearer token.
 */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

@Public()
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_TOKEN) private readonly token: string | undefined) {}

  @Get('metrics')
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (this.token && !presents(authorization, this.token)) throw new ForbiddenException();
    await reply.header('content-type', platformMetrics.contentType).send(await platformMetrics.text());
  }
}

/** Whether the header carries the token, compared in constant time (no guessing it byte by byte). */
export function presents(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
