import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_DATABASE_SCHEMA, AuditLog } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import { Database, DatabaseSchema, grantToAppSql, PartyRegister, PLATFORM_DATABASE_SCHEMA, Tenant, tenantIsolationSql } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestDatabase, createTestTenants } from '@kommuna/platform-testing';
import { extractTar, tarDirectory } from './tar';
import { exportTenant } from './tenant-export';
import { importTenant, TenantImportError } from './tenant-import';

/** A tenant-owned table with every kind of value a service keeps: binary, JSON, arrays, times, party refs. */
class PortabilityProbe1999000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE probe_document (tenant_id uuid NOT NULL REFERENCES tenant(id), id uuid NOT NULL DEFAULT gen_random_uuid(),
      subject_party_id uuid REFERENCES party(id), content bytea, meta jsonb NOT NULL, tags text[] NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE TABLE probe_note (tenant_id uuid NOT NULL, id int NOT NULL, document_id uuid NOT NULL, body text NOT NULL,
      PRIMARY KEY (tenant_id, id), FOREIGN KEY (tenant_id, document_id) REFERENCES probe_document(tenant_id, id))`);
    for (const table of ['probe_document', 'probe_note']) {
      for (const statement of [...tenantIsolationSql(table), grantToAppSql(table, ['SELECT', 'INSERT'])]) await q.query(statement);
    }
  }
  async down(): Promise<void> {
    // test only
  }
}

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(AUDIT_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, PortabilityProbe1999000000000],
};

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);

describe('tenant export and import', () => {
  let source: Database;
  let target: Database;
  let sundsvall: Tenant;
  let ange: Tenant;
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-export-'));

  beforeAll(async () => {
    source = await createTestDatabase(SCHEMA);
    target = await createTestDatabase(SCHEMA);
    [sundsvall, ange] = await createTestTenants(source, { slug: 'sundsvall', kommunkod: '2281' }, { slug: 'ange', kommunkod: '2260' });
    const parties = new PartyRegister(source);
    const anna = await parties.partyIdFor('person', '199001019802');
    const erik = await parties.partyIdFor('person', '197110109878');
    const audit = new AuditLog(source);
    const fill = (tenant: Tenant, party: string, label: string) =>
      requestContext.run({ requestId: 'fill', tenantId: tenant.id }, () =>
        source.transaction(async (em) => {
          for (let i = 0; i < 3; i++) {
            const [doc] = await em.query(
              `INSERT INTO probe_document (tenant_id, subject_party_id, content, meta, tags, received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
              [tenant.id, party, i === 2 ? null : pdf, JSON.stringify({ label, i, nested: { å: 'ä', list: [1, 2] } }), [label, `n${i}`], new Date(Date.UTC(2026, 10, 1 + i, 8, 30, 0, 123))],
            );
            await em.query(`INSERT INTO probe_note (tenant_id, id, document_id, body) VALUES ($1, $2, $3, $4)`, [tenant.id, i, doc.id, `${label} note ${i}`]);
          }
          await recordEvent(em, { type: 'se.kommuna.test.filled', source: '/test', data: { label } });
          await audit.record(em, { actor: 'staff:x', action: 'probe.filled', targetType: 'probe', details: { label } });
        }),
      );
    await fill(sundsvall, anna, 'sundsvall-data');
    await fill(ange, erik, 'ange-data');
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('exports only the municipality’s own rows, with attachments and checksums', async () => {
    const manifest = await exportTenant(source, sundsvall.id, path.join(workdir, 'first'));
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    expect(rows).toMatchObject({ probe_document: 3, probe_note: 3, outbox_event: 1, audit_log: 1 });
    const everything = manifest.files.map((f) => fs.readFileSync(path.join(workdir, 'first', f.path), 'latin1')).join('\n');
    expect(everything).toContain('sundsvall-data');
    expect(everything).not.toContain('ange-data');
    expect(everything).not.toContain(ange.id);
    // One attachment file, shared by the two rows that hold the same bytes.
    expect(manifest.files.filter((f) => f.path.startsWith('attachments/'))).toHaveLength(1);
    const parties = fs.readFileSync(path.join(workdir, 'first', 'parties.jsonl'), 'utf8').trim().split('\n');
    expect(parties.map((p) => JSON.parse(p).identity_number)).toEqual(['199001019802']);
    expect(manifest.tables.findIndex((t) => t.name === 'probe_document')).toBeLessThan(manifest.tables.findIndex((t) => t.name === 'probe_note'));
  });

  it('imports into an empty installation and exports the very same bytes again (through a tar archive)', async () => {
    const archive = path.join(workdir, 'sundsvall.tar');
    await new Promise<void>((resolve, reject) =>
      tarDirectory(path.join(workdir, 'first')).pipe(fs.createWriteStream(archive)).on('finish', resolve).on('error', reject),
    );
    extractTar(fs.readFileSync(archive), path.join(workdir, 'unpacked'));
    await importTenant(target, path.join(workdir, 'unpacked'));

    const again = await exportTenant(target, sundsvall.id, path.join(workdir, 'second'));
    const first = JSON.parse(fs.readFileSync(path.join(workdir, 'first', 'manifest.json'), 'utf8'));
    const checksums = (m: { files: Array<{ path: string; sha256: string }> }) => Object.fromEntries(m.files.map((f) => [f.path, f.sha256]));
    expect(checksums(again)).toEqual(checksums(first));
    expect(await requestContext.run({ requestId: 'v', tenantId: sundsvall.id }, () => new AuditLog(target).verify())).toEqual({ intact: true, entries: 1 });
  });

  it('refuses a damaged export or a municipality that is already there, and changes nothing', async () => {
    await expect(importTenant(target, path.join(workdir, 'first'))).rejects.toThrow(/already exists/);
    const damaged = path.join(workdir, 'damaged');
    fs.cpSync(path.join(workdir, 'first'), damaged, { recursive: true });
    fs.appendFileSync(path.join(damaged, 'tables', 'probe_note.jsonl'), '{"tenant_id":"x"}\n');
    const fresh = await createTestDatabase(SCHEMA);
    try {
      await expect(importTenant(fresh, damaged)).rejects.toThrow(TenantImportError);
      await expect(importTenant(fresh, damaged)).rejects.toThrow(/probe_note.jsonl does not match its checksum/);
      expect(await fresh.dataSource.query(`SELECT count(*)::int AS n FROM tenant`)).toEqual([{ n: 0 }]);
    } finally {
      await fresh.close();
    }
  });
});
