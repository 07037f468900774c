export * from './errors';
export * from './oidc-client';
