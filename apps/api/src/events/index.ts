import { EventsController } from './events.controller';
import { WebhooksResolver } from './webhooks.resolver';

/** The published event contracts (AsyncAPI, JSON Schemas) for the app module. */
export const EVENTS_CONTROLLERS = [EventsController];

/** The municipalities' webhook subscriptions (GraphQL, tenant admins). */
export const EVENTS_PROVIDERS = [WebhooksResolver];
