import { SERVICES_DATABASE_SCHEMA } from '@kommuna/services';

/** Every entity and migration the api composes: the platform's plus each listed service's (@kommuna/services). */
export const APP_DATABASE_SCHEMA = SERVICES_DATABASE_SCHEMA;
