export * from './events';
export * from './event-schemas';
