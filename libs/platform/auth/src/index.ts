export * from './principal';
export * from './assurance';
export * from './token-verifier';
export * from './trusted-realms';
export * from './access';
export * from './access.guard';
export * from './current-principal';
export * from './authenticator';
