import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';

/** Every entity and migration the api composes: the platform's plus each service module's. */
export const APP_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(AUDIT_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations],
};
