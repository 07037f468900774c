import { PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants, useTestDatabase } from '@kommuna/platform-testing';
import { ChainedEntry, verifyChain } from './audit-chain';
import { AuditLog } from './audit-log';
import { AUDIT_DATABASE_SCHEMA } from './schema';

describe('AuditLog', () => {
  const db = useTestDatabase({
    entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(AUDIT_DATABASE_SCHEMA.entities as [])],
    migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations],
  });
  let sundsvall: Tenant;
  let ange: Tenant;
  let audit: AuditLog;
  beforeAll(async () => {
    [sundsvall, ange] = await createTestTenants(db(), { slug: 'sundsvall' }, { slug: 'ange' });
    audit = new AuditLog(db());
  });
  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>) => requestContext.run({ requestId: 'a', tenantId: tenant.id }, work);
  const record = (tenant: Tenant, action: string, details: Record<string, unknown> = {}) =>
    inTenant(tenant, () =>
      db().transaction((em) => audit.record(em, { actor: 'staff:kerstin', action, targetType: 'case', targetId: 'c1', details })),
    );

  it('chains each tenant’s entries from 1 and verifies them', async () => {
    await record(sundsvall, 'case.read', { z: 1, a: { y: [1, 'två'], b: null } });
    await record(sundsvall, 'form.published');
    await record(ange, 'case.read');
    const entries = await inTenant(sundsvall, () => audit.list());
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [2, 'form.published'],
      [1, 'case.read'],
    ]);
    expect(entries[0].prevHash).toBe(entries[1].hash);
    expect(await inTenant(sundsvall, () => audit.verify())).toEqual({ intact: true, entries: 2 });
    expect(await inTenant(ange, () => audit.verify(1))).toEqual({ intact: true, entries: 1 });
  });

  it('keeps the chain whole when many entries are written at once', async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => record(ange, 'case.read', { i })));
    const result = await inTenant(ange, () => audit.verify(7));
    expect(result).toEqual({ intact: true, entries: 26 });
  });

  it('writes nothing when the audited change rolls back', async () => {
    const before = (await inTenant(sundsvall, () => audit.list())).length;
    await expect(
      inTenant(sundsvall, () =>
        db().transaction(async (em) => {
          await audit.record(em, { actor: 'staff:x', action: 'case.updated', targetType: 'case' });
          throw new Error('update failed');
        }),
      ),
    ).rejects.toThrow('update failed');
    expect(await inTenant(sundsvall, () => audit.list())).toHaveLength(before);
  });

  it('cannot be changed or emptied by the application', async () => {
    for (const statement of [`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`]) {
      await expect(inTenant(sundsvall, () => db().transaction((em) => em.query(statement)))).rejects.toThrow(
        /permission denied|append-only/,
      );
    }
    expect(await inTenant(sundsvall, () => audit.verify())).toEqual({ intact: true, entries: 2 });
  });

  it('shows a tenant only its own entries', async () => {
    const seen = await inTenant(sundsvall, () => db().transaction((em) => em.query(`SELECT DISTINCT tenant_id FROM audit_log`)));
    expect(seen).toEqual([{ tenant_id: sundsvall.id }]);
  });
});

describe('verifyChain', () => {
  const chain = async (): Promise<ChainedEntry[]> => {
    // Build a real chain through the hash function rather than by hand.
    const { entryHash, GENESIS_HASH } = await import('./audit-chain');
    const entries: ChainedEntry[] = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 4; seq++) {
      const entry = {
        seq,
        occurredAt: new Date(Date.UTC(2026, 10, 25, 9, seq)),
        actor: 'system:test',
        action: 'a',
        targetType: 't',
        targetId: String(seq),
        details: { seq },
        prevHash,
      };
      const hash = entryHash(entry);
      entries.push({ ...entry, hash });
      prevHash = hash;
    }
    return entries;
  };

  it('accepts an intact chain and names the first broken link otherwise', async () => {
    const entries = await chain();
    expect(verifyChain(entries)).toEqual({ intact: true, entries: 4 });

    const altered = entries.map((e) => (e.seq === 2 ? { ...e, details: { seq: 99 } } : e));
    expect(verifyChain(altered)).toMatchObject({ intact: false, firstBrokenSeq: 2, reason: expect.stringMatching(/altered/) });

    const removed = entries.filter((e) => e.seq !== 3);
    expect(verifyChain(removed)).toMatchObject({ intact: false, firstBrokenSeq: 3, reason: expect.stringMatching(/missing/) });

    // Re-hashing an altered entry does not help: the next entry no longer links to it.
    const { entryHash } = await import('./audit-chain');
    const rehashed = entries.map((e) => (e.seq === 2 ? { ...e, actor: 'someone else' } : e));
    rehashed[1] = { ...rehashed[1], hash: entryHash(rehashed[1]) };
    expect(verifyChain(rehashed)).toMatchObject({ intact: false, firstBrokenSeq: 3, reason: expect.stringMatching(/link/) });
  });
});
