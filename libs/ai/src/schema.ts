import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { AiAudioEntity } from './entities/ai-audio.entity';
import { AiDraftEntity } from './entities/ai-draft.entity';
import { AiModelEntity } from './entities/ai-model.entity';
import { AiTranscriptionJobEntity } from './entities/ai-transcription-job.entity';
import { AiUsageEntity } from './entities/ai-usage.entity';
import { AiPlatform1767000000000 } from './migrations/1767000000000-ai-platform';
import { AiUsage1767800000000 } from './migrations/1767800000000-ai-usage';
import { AiTranscriptionJobs1767800000001 } from './migrations/1767800000001-ai-transcription-jobs';

/** The AI platform's tables; the api adds them to the platform's. */
export const AI_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [AiModelEntity, AiDraftEntity, AiAudioEntity, AiUsageEntity, AiTranscriptionJobEntity],
  migrations: [AiPlatform1767000000000, AiUsage1767800000000, AiTranscriptionJobs1767800000001],
};
