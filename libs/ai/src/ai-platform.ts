import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { AiDrafts, AiDraftsOptions } from './ai-drafts';
import type { CaseSource } from './case-source';
import { ModelRegistry } from './model-registry';
import { ClientOptions, OpenAiCompatibleClient } from './openai-compatible-client';
import { AiTranscriptionJobs, TranscriptionJobsOptions } from './transcription-jobs';
import { AiNotFoundError } from './errors';

/** The worker's drafts read no case: a queued note carries the case as it was read at the request. */
const NO_CASES: CaseSource = {
  read: () => Promise.reject(new AiNotFoundError('case')),
};

/** The AI platform composed on the platform's database and tenants: one instance per process. */
export class AiPlatform {
  readonly registry: ModelRegistry;
  readonly client: OpenAiCompatibleClient;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    clientOptions: ClientOptions = {},
  ) {
    this.registry = new ModelRegistry(database, tenants);
    this.client = new OpenAiCompatibleClient(clientOptions);
  }

  /** Drafts over a case source (the api gives Mina sidor's staff view, which keeps unit secrecy). */
  drafts(cases: CaseSource, options: AiDraftsOptions = {}): AiDrafts {
    return new AiDrafts(this.database, this.registry, cases, this.client, options);
  }

  /** The worker's transcription of long recordings (queued by transcribeCall), with the same drafts options as the api's. */
  transcriptionJobs(options: TranscriptionJobsOptions & { drafts?: AiDraftsOptions } = {}): AiTranscriptionJobs {
    return new AiTranscriptionJobs(this.database, this.tenants, this.drafts(NO_CASES, options.drafts), options);
  }
}
