import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { InboundEventEntity, InboundEventTypeEntity } from './entities';
import { InboundEvents1767200000000 } from './migrations/1767200000000-inbound-events';

/** The inbound event tables; @kommuna/services adds them to every process's schema. */
export const INBOUND_EVENTS_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [InboundEventTypeEntity, InboundEventEntity],
  migrations: [InboundEvents1767200000000],
};
