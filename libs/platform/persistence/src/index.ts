export * from './database';
export { initdbSnapshotFile, warmInitdbCache } from './pglite-initdb-cache';
export * from './sql';
export * from './schema';
export * from './entities/tenant.entity';
export * from './entities/outbox-event.entity';
export * from './tenant-directory';
export * from './entities/party.entity';
export * from './party-register';
