import { createHash } from 'node:crypto';
import type { AuditEntryEntity } from './audit-entry.entity';

export const GENESIS_HASH = '0'.repeat(64);

/** An entry as its hash covers it: audit_log's row without the tenant (docs/architecture.md#typed-rows). */
export type ChainedEntry = Omit<AuditEntryEntity, 'tenantId' | 'tenant'>;

/** JSON with object keys sorted, so the same value always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
    .join(',')}}`;
}

export function entryHash(entry: Omit<ChainedEntry, 'hash'> & { hash?: string }): string {
  // The hash covers everything but itself, and links to the previous entry's hash.
  const content = {
    seq: entry.seq,
    occurredAt: entry.occurredAt.toISOString(),
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details,
  };
  return createHash('sha256').update(entry.prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

export type ChainVerification =
  { intact: true; entries: number } | { intact: false; entries: number; firstBrokenSeq: number; reason: string };

/**
 * Walks a tenant's chain in order and reports the first entry that does not link or hash.
 * `from` continues a verification where an earlier page ended.
 */
export function verifyChain(
  entries: Iterable<ChainedEntry>,
  from: { nextSeq: number; prevHash: string; verified: number } = { nextSeq: 1, prevHash: GENESIS_HASH, verified: 0 },
): ChainVerification {
  let expectedSeq = from.nextSeq;
  let prevHash = from.prevHash;
  let count = from.verified;
  for (const entry of entries) {
    count++;
    const broken = (reason: string, firstBrokenSeq = entry.seq): ChainVerification => ({
      intact: false,
      entries: count,
      firstBrokenSeq,
      reason,
    });
    if (entry.seq !== expectedSeq) return broken(`expected entry ${expectedSeq}, found ${entry.seq}: entries are missing`, expectedSeq);
    if (entry.prevHash !== prevHash) return broken('does not link to the previous entry');
    if (entryHash(entry) !== entry.hash) return broken('content does not match its hash: the entry was altered');
    prevHash = entry.hash;
    expectedSeq++;
  }
  return { intact: true, entries: count };
}
