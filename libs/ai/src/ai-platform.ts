import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { AiDrafts, AiDraftsOptions } from './ai-drafts';
import type { CaseSource } from './case-source';
import { ModelRegistry } from './model-registry';
import { ClientOptions, OpenAiCompatibleClient } from './openai-compatible-client';

/** The AI platform composed on the platform's database and tenants: one instance per process. */
export class AiPlatform {
  readonly registry: ModelRegistry;
  readonly client: OpenAiCompatibleClient;

  constructor(
    private readonly database: Database,
    tenants: TenantDirectory,
    clientOptions: ClientOptions = {},
  ) {
    this.registry = new ModelRegistry(database, tenants);
    this.client = new OpenAiCompatibleClient(clientOptions);
  }

  /** Drafts over a case source (the api gives Mina sidor's staff view, which keeps unit secrecy). */
  drafts(cases: CaseSource, options: AiDraftsOptions = {}): AiDrafts {
    return new AiDrafts(this.database, this.registry, cases, this.client, options);
  }
}
