import type { FormDefinition } from './definition';

/**
 * What a form field may be filled in with from the population register (folkbokföringen, Navet)
 * when a resident starts a draft: their name and their registered address. Written in the
 * definition as `prefill: { fieldName: source }`; the resident sees and may change every value.
 */
export const PREFILL_SOURCES = ['givenName', 'familyName', 'fullName', 'careOf', 'street', 'postalCode', 'city'] as const;
export type PrefillSource = (typeof PREFILL_SOURCES)[number];

const ADDRESS_SOURCES: ReadonlySet<PrefillSource> = new Set(['careOf', 'street', 'postalCode', 'city']);

/** Field kinds a prefilled value (text) may go into. */
export const PREFILLABLE_KINDS: ReadonlySet<string> = new Set(['text', 'textarea']);

/** A person as the population register answers (the shape of digital mail's Navet adapter's PersonRecord). */
export interface ResidentRecord {
  status: 'ACTIVE' | 'DECEASED' | 'EMIGRATED' | 'DEREGISTERED' | 'NOT_FOUND';
  protection: 'NONE' | 'SEKRETESSMARKERING' | 'SKYDDAD_FOLKBOKFORING';
  name: { givenName: string | null; familyName: string } | null;
  address: { careOf?: string | null; street: string; postalCode: string; city: string } | null;
}

/**
 * The population register as e-forms uses it, per municipality (each has its own Navet order).
 * The composition passes digital mail's adapter; e-forms never imports another service.
 */
export type ResidentRegisterFor = (tenantId: string) => { lookupPeople(ids: string[]): Promise<Map<string, ResidentRecord>> } | undefined;

/**
 * The answers a new draft starts with. A protected person's address is never filled in (it would
 * reach the case worker with the submission); their name is, as they are the one filling it in.
 */
export function prefillAnswers(
  prefill: FormDefinition['prefill'],
  person: ResidentRecord | undefined,
): { data: Record<string, string>; protectedIdentity: boolean } {
  const data: Record<string, string> = {};
  if (!prefill || !person || person.status === 'NOT_FOUND') return { data, protectedIdentity: false };
  const protectedIdentity = person.protection !== 'NONE';
  const address = protectedIdentity ? null : person.address;
  const values: Record<PrefillSource, string | null | undefined> = {
    givenName: person.name?.givenName,
    familyName: person.name?.familyName,
    fullName: person.name ? [person.name.givenName, person.name.familyName].filter(Boolean).join(' ') : null,
    careOf: address?.careOf,
    street: address?.street,
    postalCode: address?.postalCode,
    city: address?.city,
  };
  for (const [field, source] of Object.entries(prefill)) {
    if (protectedIdentity && ADDRESS_SOURCES.has(source)) continue;
    const value = values[source];
    if (value) data[field] = value;
  }
  return { data, protectedIdentity };
}
