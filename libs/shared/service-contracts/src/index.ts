export * from './events';
export * from './event-schemas';
export * from './inbound-event-schemas';
export * from './errors';
