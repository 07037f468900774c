export * from './tenant-export';
export * from './tenant-import';
export * from './tar';
