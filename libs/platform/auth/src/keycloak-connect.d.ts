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
