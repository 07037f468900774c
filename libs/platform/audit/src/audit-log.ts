import type { EntityManager } from 'typeorm';
import { Database, rowOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { AuditEntryEntity } from './audit-entry.entity';
import { requestContext } from '@kommuna/platform-tenancy';
import { ChainedEntry, ChainVerification, entryHash, GENESIS_HASH, verifyChain } from './audit-chain';

export interface AuditEntryInput {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Never identity numbers or message contents: ids and what changed. */
  details?: Record<string, unknown>;
}

export type AuditEntry = Omit<ChainedEntry, 'prevHash'> & { prevHash: string };

const ENTRY = ['seq', 'occurredAt', 'actor', 'action', 'targetType', 'targetId', 'details', 'prevHash', 'hash'] as const;

/**
 * The tenant's append-only, hash-chained audit trail (the app role may only insert and read).
 * `record` writes inside the caller's transaction, so the audited change and its entry commit
 * together; appends to one tenant's chain are serialised by a transaction-scoped advisory lock.
 */
export class AuditLog {
  constructor(private readonly database: Database) {}

  async record(em: EntityManager, input: AuditEntryInput, now: Date = new Date()): Promise<ChainedEntry> {
    return appendAuditEntry(em, input, now);
  }

  /** Newest first, `first` at a time, before sequence number `before` when given. */
  async list(options: { first?: number; before?: number; action?: string } = {}): Promise<ChainedEntry[]> {
    const first = Math.min(Math.max(options.first ?? 50, 1), 500);
    return this.database.transaction((em) =>
      selectRows(
        em,
        AuditEntryEntity,
        ENTRY,
        `FROM audit_log WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2) AND ($3::text IS NULL OR action = $3)
          ORDER BY seq DESC LIMIT $4`,
        [requestContext.tenantId(), options.before ?? null, options.action ?? null, first],
      ),
    );
  }

  /** Verifies the current tenant's whole chain, reading it in pages so memory stays flat. */
  async verify(pageSize = 1000): Promise<ChainVerification> {
    const tenantId = requestContext.tenantId();
    const database = this.database;
    async function* pages(): AsyncGenerator<ChainedEntry[]> {
      let after = 0;
      for (;;) {
        const entries = await database.transaction((em) =>
          selectRows(em, AuditEntryEntity, ENTRY, `FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
            tenantId,
            after,
            pageSize,
          ]),
        );
        if (entries.length === 0) return;
        yield entries;
        after = entries[entries.length - 1].seq;
      }
    }
    let state = { nextSeq: 1, prevHash: GENESIS_HASH, verified: 0 };
    for await (const page of pages()) {
      const result = verifyChain(page, state);
      if (!result.intact) return result;
      const last = page[page.length - 1];
      state = { nextSeq: last.seq + 1, prevHash: last.hash, verified: result.entries };
    }
    return { intact: true, entries: state.verified };
  }
}

/**
 * Appends an entry to the current tenant's chain inside the caller's transaction (what
 * AuditLog.record does), for services that audit from code holding only an EntityManager.
 */
export async function appendAuditEntry(em: EntityManager, input: AuditEntryInput, now: Date = new Date()): Promise<ChainedEntry> {
  const tenantId = requestContext.tenantId();
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit_log:' || $1, 0))`, [tenantId]);
  const last = rowOf(
    em,
    AuditEntryEntity,
    await em.query(`SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [tenantId]),
    ['seq', 'hash'],
  );
  // Millisecond precision, as JavaScript dates have, so the stored time hashes the same.
  const occurredAt = new Date(Math.floor(now.getTime()));
  const entry: Omit<ChainedEntry, 'hash'> = {
    seq: last ? last.seq + 1 : 1,
    occurredAt,
    actor: input.actor,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    details: JSON.parse(JSON.stringify(input.details ?? {})),
    prevHash: last ? last.hash : GENESIS_HASH,
  };
  const hash = entryHash(entry);
  await em.query(
    `INSERT INTO audit_log (tenant_id, ${selectColumns(em, AuditEntryEntity, { only: ENTRY })}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      tenantId,
      entry.seq,
      entry.occurredAt,
      entry.actor,
      entry.action,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.details),
      entry.prevHash,
      hash,
    ],
  );
  return { ...entry, hash };
}
