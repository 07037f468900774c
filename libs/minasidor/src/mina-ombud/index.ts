export * from './contract';
export * from './errors';
export * from './signed-answer';
export * from './client';
export * from './settings';
export * from './cache';
export * from './connections';
