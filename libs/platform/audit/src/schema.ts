import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditTrail1764259200000 } from './migrations/1764259200000-audit-trail';

export const AUDIT_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [AuditEntryEntity],
  migrations: [AuditTrail1764259200000],
};
