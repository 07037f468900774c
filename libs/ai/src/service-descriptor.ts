import type { ComposedService, ServiceDescriptor } from '@kommuna/platform-services';
import { AiPlatform } from './ai-platform';
import { seedDemoModels } from './demo-seed';
import { AI_DATABASE_SCHEMA } from './schema';
import { validateAiSettings } from './settings';

export interface ComposedAi extends ComposedService {
  /** The one AI platform of the process. */
  readonly ai: AiPlatform;
}

/**
 * AI platform as the platform composes it (@kommuna/services lists it once): its tables and the
 * one AiPlatform. Its GraphQL API is in apps/api/src/ai/, which gives it Mina sidor's cases.
 */
export const AI_SERVICE: ServiceDescriptor<ComposedAi> = {
  id: 'ai',
  databaseSchema: AI_DATABASE_SCHEMA,
  validateTenantSettings(tenants) {
    validateAiSettings(tenants);
  },
  compose: (runtime) => {
    const ai = new AiPlatform(runtime.database, runtime.tenants);
    return {
      ai,
      // The AI simulator as every municipality's models, on `npm start` only (never in tests or production).
      loadStartupContent: async () => {
        const simulatorUrl = process.env.AI_SIMULATOR_URL;
        if (runtime.env === 'development' && simulatorUrl) await seedDemoModels(ai.registry, runtime.tenants, simulatorUrl);
      },
      // Long call recordings, transcribed off the request (the worker; on the embedded database, the api).
      backgroundTasks: ({ settings = {}, onError }) => [
        ai
          .transcriptionJobs({ leaseMs: settings.deliveryLeaseMs })
          .backgroundTask(settings.deliveryIntervalMs ?? 2000, (error) => onError?.(error, { step: 'ai-transcription' })),
      ],
    };
  },
};
