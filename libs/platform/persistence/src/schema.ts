import type { DatabaseSchema } from './database';
import { OutboxEventEntity } from './entities/outbox-event.entity';
import { TenantEntity } from './entities/tenant.entity';
import { PlatformFoundation1764057600000 } from './migrations/1764057600000-platform-foundation';

/** The platform's own tables; apps add each service module's to these. */
export const PLATFORM_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [TenantEntity, OutboxEventEntity],
  migrations: [PlatformFoundation1764057600000],
};
