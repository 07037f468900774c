import { OutboxResolver } from './outbox.resolver';

/** The outbox's dead letters, listed and retried by a municipality's tenant admin (GraphQL). */
export const OUTBOX_PROVIDERS = [OutboxResolver];
