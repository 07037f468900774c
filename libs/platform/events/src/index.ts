export * from './record-event';
export * from './outbox-dispatcher';
