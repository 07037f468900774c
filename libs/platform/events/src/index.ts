export * from './record-event';
export * from './outbox-dispatcher';
export * from './outbox-housekeeping';
export * from './cloud-event';
export * from './nats-subjects';
export * from './nats-bridge';
export * from './webhooks';
export * from './inbound';
