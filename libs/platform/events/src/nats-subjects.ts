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

/**
 * Where a municipality's systems and sensors publish events TO Kommuna:
 * kommuna.inbound.<municipality>.<CloudEvents type>. A separate tree from the outgoing one, so
 * consumers of kommuna.events.<municipality>.> never see what came in, and NATS permissions can
 * let a municipality's systems publish to their own tree only. Stream KOMMUNA_INBOUND holds them.
 */
export const INBOUND_SUBJECT_PREFIX = 'kommuna.inbound';

/** The JetStream stream that captures every subject under INBOUND_SUBJECT_PREFIX. */
export const INBOUND_STREAM = 'KOMMUNA_INBOUND';

/** The subject a municipality's system publishes an inbound event of a type to. */
export function inboundSubject(tenantSlug: string, cloudEventType: string): string {
  if (!TOKEN.test(tenantSlug)) throw new Error(`"${tenantSlug}" cannot be a NATS subject token (lowercase letters, digits, - and _ only)`);
  return `${INBOUND_SUBJECT_PREFIX}.${tenantSlug}.${cloudEventType}`;
}

/** The municipality an inbound subject is addressed to, or undefined when it is not one. */
export function municipalityOfInboundSubject(subject: string): string | undefined {
  const prefix = `${INBOUND_SUBJECT_PREFIX}.`;
  if (!subject.startsWith(prefix)) return undefined;
  const slug = subject.slice(prefix.length).split('.')[0];
  return TOKEN.test(slug) ? slug : undefined;
}
