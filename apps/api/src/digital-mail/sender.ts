import type { Principal } from '@kommuna/platform-auth';
import type { Sender } from '@kommuna/digital-mail';

/** Who sends: a municipal system (service account, by client id) or a staff user (token subject). */
export const senderOf = (principal: Principal): Sender =>
  principal.roles.includes('service_account') && !principal.roles.some((r) => r === 'case_worker' || r === 'tenant_admin')
    ? { kind: 'system', id: principal.clientId ?? principal.subject }
    : { kind: 'user', id: principal.subject };

export const toRecord = (pairs: Array<{ key: string; value: string }> | undefined | null): Record<string, string> | undefined =>
  pairs ? Object.fromEntries(pairs.map((p) => [p.key, p.value])) : undefined;

export const toPairs = (record: Record<string, string>): Array<{ key: string; value: string }> => Object.entries(record).map(([key, value]) => ({ key, value }));
