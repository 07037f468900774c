export * from './request-context';
export * from './tenant-config.schema';
export * from './tenant-config.loader';
export * from './colour-contrast';
