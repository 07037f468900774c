import { z } from 'zod';
import type { Tenant } from '@kommuna/platform-persistence';
import { KNOWN_OPERATORS } from './adapters/mina-meddelanden/namespaces';
import { DigitalMailNotEnabledError } from './errors';

export const SupportInfoSchema = z
  .object({
    text: z.string().trim().min(1).max(1024),
    url: z.url().optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 -]{6,20}$/, 'must be a phone number')
      .optional(),
    email: z.email().optional(),
  })
  .strict();
export type SupportInfo = z.output<typeof SupportInfoSchema>;

/** An outside party's endpoint; production names a certificate reference, never the secret. */
const EndpointSchema = z
  .object({
    url: z.url(),
    certificateRef: z.string().min(1).optional().describe('Reference to the client certificate in the secret store'),
  })
  .strict();

/** An environment variable's name: tenant.yaml names where a secret is, never the secret. */
const EnvName = z.string().regex(/^[A-Z][A-Z0-9_]{0,99}$/, 'must name an environment variable (A-Z, 0-9, _), not hold the secret itself');

/**
 * Skatteverket's Navet REST v3 lookup (docs/digital-mail.md, "Population register (Navet)"): the
 * v3 base address, the OAuth2 token endpoint, the order (organisationsnummer and
 * bestallningsidentitet from the agreement) and the names of the environment variables that
 * hold the OAuth2 client and the API gateway's client id and secret.
 */
const PopulationRegisterEndpointSchema = EndpointSchema.extend({
  url: z.url().describe('…/folkbokforing/folkbokforingsuppgifter-for-offentliga-aktorer/v3'),
  tokenUrl: z.url(),
  scope: z.string().min(1).max(500).optional(),
  organisationsnummer: z.string().regex(/^\d{6}-?\d{4}$/, 'must be the ordering organisation’s organisationsnummer'),
  bestallningsidentitet: z.string().min(1).max(100),
  credentials: z
    .object({ clientIdEnv: EnvName, clientSecretEnv: EnvName, gatewayClientIdEnv: EnvName, gatewayClientSecretEnv: EnvName })
    .strict(),
}).strict();

/**
 * Paper letters to people with protected personal data (sekretessmarkering or skyddad
 * folkbokföring) are never addressed to where they live. `hold`: the letter is not printed and
 * its status says so (NOT_SENT), for the sender to handle by hand. `via-skatteverket-forwarding`:
 * printed to Skatteverket's forwarding address below, with the recipient's name and identity
 * number on the address's first line, for Skatteverket to forward.
 */
export const PROTECTED_IDENTITY_LETTERS = ['hold', 'via-skatteverket-forwarding'] as const;

const ForwardingAddressSchema = z
  .object({
    careOf: z.string().min(1).max(100).default('Skatteverket, Särskild postförmedling'),
    street: z.string().min(1).max(100),
    postalCode: z.string().regex(/^\d{3} ?\d{2}$/, 'must be a Swedish postal code'),
    city: z.string().min(1).max(60),
  })
  .strict();

const CertificateNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a certificate name (a folder in DIGITAL_MAIL_CERTIFICATE_DIR), not a path');

/**
 * Mina meddelanden: the Recipient service (FaR) that answers isReachable; delivery goes to the
 * address each recipient's operator has there. The organisation certificate is named here and
 * read from the certificate folder (never stored in tenant.yaml).
 */
const MinaMeddelandenEndpointSchema = z
  .object({
    url: z.url().describe('The Recipient service (isReachable), e.g. https://…/Recipient/v3'),
    certificateRef: CertificateNameSchema.describe(
      "The member's organisation certificate (mutual TLS and the sender's signature): DIGITAL_MAIL_CERTIFICATE_DIR/<name>/tls.crt, tls.key, optional ca.crt",
    ),
    sealCertificateRef: CertificateNameSchema.optional().describe(
      "The intermediary's (förmedlare) certificate for the seal; default: the organisation certificate",
    ),
    acceptedOperators: z
      .array(z.string().min(1))
      .default(KNOWN_OPERATORS)
      .describe('Mailbox operators the member delivers through (part of the name, e.g. Kivra); a mailbox elsewhere gets paper'),
  })
  .strict();

/** `services.digital-mail.settings` in tenant.yaml. */
export const DigitalMailSettingsSchema = z
  .object({
    senderName: z.string().min(1),
    paperFallback: z.boolean().default(true),
    supportInfo: SupportInfoSchema.optional(),
    departments: z
      .record(z.string().regex(/^[a-z0-9-]{1,100}$/), z.object({ supportInfo: SupportInfoSchema.optional() }).strict())
      .default({}),
    /** Bodies and attachments are purged this many days after sending; delivery metadata stays. */
    retentionDays: z.number().int().min(1).max(3650).default(365),
    maxAttachmentBytes: z
      .number()
      .int()
      .min(1024)
      .max(20 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Real endpoints for production; without them the simulator (DIGITAL_MAIL_SIMULATOR_URL) is used. */
    endpoints: z
      .object({
        mailboxOperator: MinaMeddelandenEndpointSchema.optional(),
        populationRegister: PopulationRegisterEndpointSchema.optional(),
      })
      .strict()
      .default({}),
    protectedIdentityLetters: z.enum(PROTECTED_IDENTITY_LETTERS).default('hold'),
    /** Where `via-skatteverket-forwarding` sends letters (from Skatteverket's instructions to senders). */
    skatteverketForwardingAddress: ForwardingAddressSchema.optional(),
  })
  .strict()
  .refine((s) => s.protectedIdentityLetters !== 'via-skatteverket-forwarding' || s.skatteverketForwardingAddress !== undefined, {
    message: 'protectedIdentityLetters via-skatteverket-forwarding needs skatteverketForwardingAddress',
    path: ['skatteverketForwardingAddress'],
  });
export type DigitalMailSettings = z.output<typeof DigitalMailSettingsSchema>;

/** The tenant's digital-mail settings, validated; throws when the service is not enabled. */
export function digitalMailSettingsOf(tenant: Tenant): DigitalMailSettings {
  const entry = tenant.config.services['digital-mail'];
  if (!entry) throw new DigitalMailNotEnabledError(tenant.slug);
  return DigitalMailSettingsSchema.parse(entry.settings);
}

/** Checks every tenant's digital-mail settings at start-up, so a broken tenant.yaml stops the start, not a letter. */
export function validateDigitalMailSettings(tenants: ReadonlyArray<Pick<Tenant, 'slug' | 'config'>>): void {
  const problems: string[] = [];
  for (const tenant of tenants) {
    const entry = tenant.config.services['digital-mail'];
    if (!entry) continue;
    const parsed = DigitalMailSettingsSchema.safeParse(entry.settings);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`  tenants/${tenant.slug}/tenant.yaml services.digital-mail.settings.${issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid digital-mail settings:\n${problems.join('\n')}`);
}
