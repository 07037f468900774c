import { EventsController } from './events.controller';
import { InboundEventsController } from './inbound.controller';
import { InboundEventsResolver } from './inbound.resolver';
import { WebhooksResolver } from './webhooks.resolver';

/** The published event contracts (AsyncAPI, JSON Schemas) and events in (CloudEvents over HTTP) for the app module. */
export const EVENTS_CONTROLLERS = [EventsController, InboundEventsController];

/** The municipalities' webhook subscriptions and events in (GraphQL, tenant admins). */
export const EVENTS_PROVIDERS = [WebhooksResolver, InboundEventsResolver];
