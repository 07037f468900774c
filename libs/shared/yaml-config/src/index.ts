export * from './parse-yaml-config';
