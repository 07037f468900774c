export * from './settings';
export * from './service-descriptor';
export * from './definition';
export * from './errors';
export * from './engine';
export * from './rule-book';
export * from './rule-files';
export * from './schema';
