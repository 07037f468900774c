import { EventsController } from './events.controller';
import { InboundEventsController } from './inbound.controller';
import { InboundEventsResolver } from './inbound.resolver';
import { WebhooksController } from './webhooks.controller';
import { WebhooksResolver } from './webhooks.resolver';

/** The published event contracts (AsyncAPI, JSON Schemas), events in (CloudEvents over HTTP) and webhook subscriptions over REST, for the app module. */
export const EVENTS_CONTROLLERS = [EventsController, InboundEventsController, WebhooksController];

/** The municipalities' webhook subscriptions and events in (GraphQL, tenant admins). */
export const EVENTS_PROVIDERS = [WebhooksResolver, InboundEventsResolver];
