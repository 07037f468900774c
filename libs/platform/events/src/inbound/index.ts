export * from './errors';
export * from './messages';
export * from './registry';
export * from './inbound-events';
export * from './nats-inbound';
export * from './schema';
/** The scope a municipality's service account needs to deliver events in (realm generator and dev-idp grant it to <slug>-system). */
export const INBOUND_EVENTS_SCOPE = 'events-in';
