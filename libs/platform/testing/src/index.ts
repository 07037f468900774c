export * from './test-database';
export * from './factories';
export * from './test-realm';
export * from './dev-idp-process';
export * from './node-process';
export * from './row-level-security';
export * from './keycloak-process';
export * from './test-eid-login';
