import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard, Authenticator, TrustedRealms } from '@kommuna/platform-auth';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { AuditLog } from '@kommuna/platform-audit';
import { JsonLogger } from '@kommuna/platform-logging';
import { ComposedServices } from '@kommuna/services';
import { AuditResolver } from './audit/audit.resolver';
import { HealthController } from './health/health.controller';
import { assertParsedFromText, rootFieldsOf } from './http/graphql-operation';
import { METRICS_TOKEN, MetricsController } from './http/metrics.controller';
import { MeteredRequest } from './http/request-context.hook';
import { TenantExportController } from './tenant-data/tenant-export.controller';
import { ArchiveExportController } from './archive/archive-export.controller';
import { PlatformExceptionFilter } from './http/exception.filter';
import { formatGraphQLError, graphQLStatusCode } from './http/graphql-errors';
import { assertAffordable, graphQLValidationRules, operationNameOf } from './http/graphql-limits';
import { GRAPHQL_RESPONSE_JSON, graphQLHttpStatus, graphQLMediaType } from './http/graphql-over-http';
import { PlatformRuntime } from './platform-runtime';
import { MeResolver } from './me/me.resolver';
import { MINASIDOR_PROVIDERS } from './minasidor';
import { E_FORMS_CONTROLLERS, E_FORMS_PROVIDERS } from './e-forms';
import { DIGITAL_MAIL_CONTROLLERS, DIGITAL_MAIL_PROVIDERS } from './digital-mail';
import { TenantsResolver } from './tenants/tenants.resolver';
import { withoutPropertyResolvers } from './http/graphql-property-fields';
import { describeRootTypes } from './http/graphql-root-types';
import { CatalogueApiModule } from './catalogue/catalogue.module';
import { EVENTS_CONTROLLERS, EVENTS_PROVIDERS } from './events';
import { OUTBOX_PROVIDERS } from './outbox';
import { HOME_CARE_CONTROLLERS, HOME_CARE_PROVIDERS } from './home-care';
import { AI_CONTROLLERS, AI_PROVIDERS } from './ai';
import { RULES_PROVIDERS } from './rules';

/**
 * The api's composition root: platform runtime plus each service module's GraphQL API. The
 * services themselves come from @kommuna/services (runtime.services); their resolvers and
 * controllers stay listed here because they are Nest and GraphQL code that lives in apps/api: the
 * service libraries do not depend on Nest, so the worker and tools load none of it.
 */
@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(private readonly database: Database) {}

  // Runs after the HTTP server has closed, so no request loses its database mid-way.
  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }

  static forRoot(runtime: PlatformRuntime, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          transformSchema: (schema) => withoutPropertyResolvers(describeRootTypes(schema)),
          graphiql: runtime.config.env !== 'production',
          // The depth limit is a validation rule (graphql-limits.ts), which lets introspection through.
          allowBatchedQueries: false,
          jit: 1,
          validationRules: graphQLValidationRules(runtime.config.env === 'production'),
          hooks: {
            preValidation: async (_schema, document) => assertParsedFromText(document),
            // Refuses a request that costs too much, then names its operation for its metrics (see request-context.hook.ts).
            preExecution: async (schema, document, context, variables) => {
              assertAffordable(schema, document, variables, operationNameOf(context.reply.request.body));
              (context.reply.request as MeteredRequest).graphqlOperation = rootFieldsOf(document);
            },
          },
          errorFormatter: (execution: ExecutionResult, context?: { reply?: { request?: { headers?: { accept?: string } } } }) => {
            const errors = (execution.errors ?? []).flatMap((error) =>
              formatGraphQLError(error as GraphQLError, logger, { production: runtime.config.env === 'production' }),
            );
            const mediaType = graphQLMediaType(context?.reply?.request?.headers?.accept);
            const statusCode = graphQLHttpStatus(mediaType, execution, graphQLStatusCode(execution, errors));
            // A request that never executed has no data entry (GraphQL spec); application/json keeps the null its clients know.
            if (execution.data === undefined && mediaType === GRAPHQL_RESPONSE_JSON) return { statusCode, response: { errors } };
            return { statusCode, response: { data: execution.data ?? null, errors } };
          },
        }),
        CatalogueApiModule.forRoot(runtime),
      ],
      controllers: [
        HealthController,
        MetricsController,
        TenantExportController,
        ArchiveExportController,
        ...DIGITAL_MAIL_CONTROLLERS,
        ...EVENTS_CONTROLLERS,
        ...E_FORMS_CONTROLLERS,
        ...AI_CONTROLLERS,
        ...HOME_CARE_CONTROLLERS,
      ],
      providers: [
        { provide: Database, useValue: runtime.database },
        { provide: TenantDirectory, useValue: runtime.tenants },
        { provide: JsonLogger, useValue: logger },
        { provide: METRICS_TOKEN, useValue: runtime.config.metricsToken },
        { provide: TrustedRealms, useValue: runtime.realms },
        { provide: Authenticator, useValue: runtime.authenticator },
        { provide: AuditLog, useValue: runtime.audit },
        { provide: ComposedServices, useValue: runtime.services },
        AuditResolver,
        { provide: APP_FILTER, useClass: PlatformExceptionFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        TenantsResolver,
        MeResolver,
        ...MINASIDOR_PROVIDERS,
        ...E_FORMS_PROVIDERS,
        ...DIGITAL_MAIL_PROVIDERS,
        ...EVENTS_PROVIDERS,
        ...OUTBOX_PROVIDERS,
        ...HOME_CARE_PROVIDERS,
        ...AI_PROVIDERS,
        ...RULES_PROVIDERS,
      ],
    };
  }
}
