export * from './settings';
export * from './service-descriptor';
