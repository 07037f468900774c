export * from './schema';
export * from './target-policy';
export * from './subscriptions';
export * from './fan-out';
export * from './delivery-worker';
export * from './log-housekeeping';
