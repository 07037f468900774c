import type { DatabaseSchema } from './database';
import { OutboxEventEntity } from './entities/outbox-event.entity';
import { PartyEntity } from './entities/party.entity';
import { TenantEntity } from './entities/tenant.entity';
import { PlatformFoundation1764057600000 } from './migrations/1764057600000-platform-foundation';
import { PartyRegister1764144000000 } from './migrations/1764144000000-party-register';
import { OutboxDelivery1764230400000 } from './migrations/1764230400000-outbox-delivery';
import { OutboxDueIndex1764662400000 } from './migrations/1764662400000-outbox-due-index';
import { OutboxHousekeeping1767300000000 } from './migrations/1767300000000-outbox-housekeeping';

/** The platform's own tables; apps add each service module's to these. */
export const PLATFORM_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [TenantEntity, OutboxEventEntity, PartyEntity],
  migrations: [
    PlatformFoundation1764057600000,
    PartyRegister1764144000000,
    OutboxDelivery1764230400000,
    OutboxDueIndex1764662400000,
    OutboxHousekeeping1767300000000,
  ],
};
