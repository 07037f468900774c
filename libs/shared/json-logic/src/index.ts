export * from './json-logic';
