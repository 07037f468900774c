/**
 * Where Kommuna's events go in NATS: one subject tree per municipality,
 * kommuna.events.<municipality>.<CloudEvents type>, so a consumer of one municipality filters on
 * kommuna.events.<municipality>.> and sees nothing of another. One JetStream stream holds them all.
 */
export const EVENT_SUBJECT_PREFIX = 'kommuna.events';

/** The JetStream stream that captures every subject under EVENT_SUBJECT_PREFIX. */
export const EVENT_STREAM = 'KOMMUNA_EVENTS';

/** A NATS subject token: no dots, spaces or wildcards (a tenant slug is lowercase letters, digits and hyphens). */
const TOKEN = /^[a-z0-9][a-z0-9_-]*$/;

/** The subject of one municipality's events of one CloudEvents type. */
export function eventSubject(tenantSlug: string, cloudEventType: string): string {
  if (!TOKEN.test(tenantSlug)) throw new Error(`"${tenantSlug}" cannot be a NATS subject token (lowercase letters, digits, - and _ only)`);
  return `${EVENT_SUBJECT_PREFIX}.${tenantSlug}.${cloudEventType}`;
}

/** Every subject of one municipality: what its consumers filter on. */
export function tenantEventSubjects(tenantSlug: string): string {
  return eventSubject(tenantSlug, '>');
}
