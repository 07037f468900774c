export * from './principal';
export * from './token-verifier';
