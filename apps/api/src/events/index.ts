import { EventsController } from './events.controller';

/** The published event contracts (AsyncAPI, JSON Schemas) for the app module. */
export const EVENTS_CONTROLLERS = [EventsController];
