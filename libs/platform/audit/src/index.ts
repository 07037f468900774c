export * from './audit-actor';
export * from './audit-log';
export * from './audit-chain';
export * from './audit-entry.entity';
export * from './schema';
