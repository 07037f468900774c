import type { Provider } from '@nestjs/common';
import { AI_SERVICE, AiDrafts, ModelRegistry } from '@kommuna/ai';
import { Minasidor } from '@kommuna/minasidor';
import { Database } from '@kommuna/platform-persistence';
import { ComposedServices } from '@kommuna/services';
import { AiDraftsResolver, AiModelRegistryResolver } from './ai.resolvers';
import { CallRecordingController } from './call-recording.controller';
import { MinasidorCaseSource } from './minasidor-case-source';

/** The AI platform's GraphQL API: the registry for administrators, drafts over Mina sidor's cases for case workers. */
export const AI_PROVIDERS: Provider[] = [
  { provide: ModelRegistry, useFactory: (services: ComposedServices) => services.of(AI_SERVICE).ai.registry, inject: [ComposedServices] },
  {
    provide: AiDrafts,
    useFactory: (services: ComposedServices, minasidor: Minasidor, database: Database) =>
      services.of(AI_SERVICE).ai.drafts(new MinasidorCaseSource(minasidor, database)),
    inject: [ComposedServices, Minasidor, Database],
  },
  AiModelRegistryResolver,
  AiDraftsResolver,
];

/** The recording upload for call notes (REST: the body is the file). */
export const AI_CONTROLLERS = [CallRecordingController];
