import { z } from 'zod';

/**
 * The authorisation that lets a representative act for the principal in Mina sidor: a
 * behörighetskod of the municipality's power-of-attorney template. This one is the simulator's
 * (apps/digital-mail-simulator mina-ombud/demo-data.ts); a member connected to the real service
 * names the codes of its own template in `authorisations`.
 */
export const DEFAULT_MINASIDOR_AUTHORISATION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** `env:NAME` (a process variable) or `file:/path` (a mounted secret): never the secret itself. */
const SecretRef = z
  .string()
  .regex(/^(env:[A-Z_][A-Z0-9_]*|file:\/\S+)$/, 'env:NAME or file:/absolute/path')
  .describe('Where the secret is: env:NAME (a process variable) or file:/path (a mounted secret)');

/** `services.minasidor.settings.representation.minaOmbud` in tenant.yaml. */
export const MinaOmbudSettingsSchema = z
  .object({
    url: z
      .url()
      .optional()
      .describe('The consumer API, e.g. https://fullmakt-test.minaombud.se/dfm/formedlare/v2; without it the national-party simulator'),
    tokenUrl: z.url().optional().describe('The OAuth2 token endpoint for the client-credentials grant (with url)'),
    clientId: z.string().min(1).max(200).optional().describe('The client Bolagsverket registered for the municipality (with url)'),
    clientSecretRef: SecretRef.optional(),
    idTokenKeyRef: SecretRef.optional().describe(
      'The RSA key (PKCS#8 PEM) our end-user id tokens are signed with; default MINA_OMBUD_ID_TOKEN_KEY_FILE',
    ),
    serviceName: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,100}$/, 'letters, digits, . _ and -')
      .default('kommuna-minasidor')
      .describe('X-Service-Name: the e-service as Mina ombud knows it'),
    authorisations: z
      .array(z.string().regex(/^[\u0021-\u007e\u00a1-\u00ff]{1,255}$/, 'a behörighetskod'))
      .min(1)
      .default([DEFAULT_MINASIDOR_AUTHORISATION])
      .describe('Behörighetskoder of which the representative must hold one to act for the principal in Mina sidor'),
    cacheSeconds: z.number().int().min(0).max(900).default(300).describe('How long a verified answer is reused (per person and principal)'),
  })
  .strict()
  .refine((s) => !s.url === !s.tokenUrl, { message: 'url and tokenUrl go together', path: ['tokenUrl'] })
  .refine((s) => !s.url || (s.clientId && s.clientSecretRef), {
    message: 'the real service needs clientId and clientSecretRef',
    path: ['clientSecretRef'],
  });
export type MinaOmbudSettings = z.output<typeof MinaOmbudSettingsSchema>;

/** `services.minasidor.settings.representation`: where company mode learns who may act for whom. */
export const RepresentationSettingsSchema = z.object({ minaOmbud: MinaOmbudSettingsSchema.prefault({}) }).strict();
