export * from './periodic-task';
export * from './fair-rounds';
export * from './lease-queue';
export * from './backoff';
export * from './rows';
export * from './chunked';
