// keycloak-connect ships no types for its auth-utils; these cover what token-verifier.ts uses.
declare module 'keycloak-connect/middleware/auth-utils/grant-manager' {
  class GrantManager {
    constructor(config: {
      realmUrl: string;
      clientId: string;
      bearerOnly: boolean;
      verifyTokenAudience: boolean;
      minTimeBetweenJwksRequests: number;
      publicKey?: string;
    });
    validateToken(token: unknown, expectedType: string): Promise<unknown>;
    /** The realm's cached signing keys and when they were last fetched (seconds), as keycloak-connect 26 keeps them. */
    rotation: {
      jwks: Array<{ kid?: string }>;
      lastTimeRequesTime: number;
      minTimeBetweenJwksRequests: number;
      /** The key to check a token of this `kid` with (PEM text, or a KeyObject: crypto's verify takes either); fetches the JWKS again for an unknown kid. */
      getJWK(kid: string): Promise<string | import('node:crypto').KeyObject> | undefined;
    };
  }
  export = GrantManager;
}
declare module 'keycloak-connect/middleware/auth-utils/token' {
  class Token {
    constructor(token: string, clientId?: string);
    content: Record<string, unknown>;
  }
  export = Token;
}
