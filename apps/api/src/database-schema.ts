import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { MINASIDOR_DATABASE_SCHEMA } from '@kommuna/minasidor';
import { CATALOGUE_DATABASE_SCHEMA } from '@kommuna/catalogue';
import { DIGITAL_MAIL_DATABASE_SCHEMA } from '@kommuna/digital-mail';
import { E_FORMS_DATABASE_SCHEMA } from '@kommuna/e-forms';

/** Every entity and migration the api composes: the platform's plus each service module's. */
export const APP_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(AUDIT_DATABASE_SCHEMA.entities as []), ...(MINASIDOR_DATABASE_SCHEMA.entities as []), ...(CATALOGUE_DATABASE_SCHEMA.entities as []), ...(DIGITAL_MAIL_DATABASE_SCHEMA.entities as []), ...(E_FORMS_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...MINASIDOR_DATABASE_SCHEMA.migrations, ...CATALOGUE_DATABASE_SCHEMA.migrations, ...DIGITAL_MAIL_DATABASE_SCHEMA.migrations, ...E_FORMS_DATABASE_SCHEMA.migrations],
};
