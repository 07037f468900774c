import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from '@kommuna/platform-logging';
import { registerRecordingContentTypes } from './ai/call-recording.controller';
import { AppModule } from './app.module';
import { registerCloudEventsContentTypes } from './events/inbound.controller';
import { registerHomeCareImportContentTypes } from './home-care';
import { BODY_LIMITS, registerEdgeProtection } from './http/edge-protection';
import { registerGraphQLOverHttp } from './http/graphql-over-http';
import { registerRestAnswers } from './http/rest-answers';
import { RequestBudgets } from './http/rate-limits';
import { registerRequestContext } from './http/request-context.hook';
import { PlatformRuntime } from './platform-runtime';

/** Builds the api on a started platform runtime; main.ts listens, tests inject requests. */
export async function createApi(runtime: PlatformRuntime, logger: JsonLogger): Promise<NestFastifyApplication> {
  // The largest body any route takes; edge protection holds each route to its own, smaller limit.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMITS.digitalMail, trustProxy: false });
  registerRequestContext(adapter.getInstance(), runtime.tenants, runtime.authenticator, logger);
  const budgets = await RequestBudgets.connect(runtime.config.rateLimits);
  registerEdgeProtection(adapter.getInstance(), { production: runtime.config.env === 'production', budgets });
  registerGraphQLOverHttp(adapter.getInstance());
  registerCloudEventsContentTypes(adapter.getInstance());
  registerRecordingContentTypes(adapter.getInstance());
  registerHomeCareImportContentTypes(adapter.getInstance());
  registerRestAnswers(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime, logger), adapter, {
    logger,
    abortOnError: false,
  });
  // SIGTERM: stop taking requests, let in-flight ones finish, then close the database.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  return app;
}
