import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_DATABASE_SCHEMA, AuditLog } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import {
  Database,
  DatabaseSchema,
  grantToAppSql,
  PartyRegister,
  PLATFORM_DATABASE_SCHEMA,
  Tenant,
  tenantIsolationSql,
} from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestDatabase, createTestTenants } from '@kommuna/platform-testing';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { extractTar, tarDirectory, TarArchiveError } from './tar';
import { exportTenant } from './tenant-export';
import { importTenant, importTenantArchive, TenantImportError } from './tenant-import';

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
              [
                tenant.id,
                party,
                i === 2 ? null : pdf,
                JSON.stringify({ label, i, nested: { å: 'ä', list: [1, 2] } }),
                [label, `n${i}`],
                new Date(Date.UTC(2026, 10, 1 + i, 8, 30, 0, 123)),
              ],
            );
            await em.query(`INSERT INTO probe_note (tenant_id, id, document_id, body) VALUES ($1, $2, $3, $4)`, [
              tenant.id,
              i,
              doc.id,
              `${label} note ${i}`,
            ]);
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
    const parties = fs
      .readFileSync(path.join(workdir, 'first', 'parties.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(parties.map((p) => JSON.parse(p).identity_number)).toEqual(['199001019802']);
    expect(manifest.tables.findIndex((t) => t.name === 'probe_document')).toBeLessThan(
      manifest.tables.findIndex((t) => t.name === 'probe_note'),
    );
  });

  it('imports into an empty installation and exports the very same bytes again (through a tar archive)', async () => {
    const archive = path.join(workdir, 'sundsvall.tar');
    await new Promise<void>((resolve, reject) =>
      tarDirectory(path.join(workdir, 'first')).pipe(fs.createWriteStream(archive)).on('finish', resolve).on('error', reject),
    );
    await extractTar(fs.createReadStream(archive), path.join(workdir, 'unpacked'));
    await importTenant(target, path.join(workdir, 'unpacked'));

    const again = await exportTenant(target, sundsvall.id, path.join(workdir, 'second'));
    const first = JSON.parse(fs.readFileSync(path.join(workdir, 'first', 'manifest.json'), 'utf8'));
    const checksums = (m: { files: Array<{ path: string; sha256: string }> }) => Object.fromEntries(m.files.map((f) => [f.path, f.sha256]));
    expect(checksums(again)).toEqual(checksums(first));
    expect(await requestContext.run({ requestId: 'v', tenantId: sundsvall.id }, () => new AuditLog(target).verify())).toEqual({
      intact: true,
      entries: 1,
    });
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
  describe('a hostile archive', () => {
    let fresh: Database;
    let residentId: string;
    beforeAll(async () => {
      fresh = await createTestDatabase(SCHEMA);
      // A resident this installation already serves; the archive does not bring them.
      residentId = await new PartyRegister(fresh).partyIdFor('person', '191212121212');
    });
    afterAll(() => fresh?.close());

    /** A copy of the first export, changed by `change`, with the manifest's checksums made to match again. */
    const tampered = (name: string, change: (dir: string, manifest: any) => void): string => {
      const dir = path.join(workdir, `hostile-${name}`);
      fs.cpSync(path.join(workdir, 'first'), dir, { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      change(dir, manifest);
      for (const file of manifest.files) {
        const content = fs.readFileSync(path.join(dir, file.path));
        Object.assign(file, { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length });
      }
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      return dir;
    };
    const refused = async (dir: string, reason: RegExp) => {
      const error = await importTenant(fresh, dir).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(TenantImportError);
      expect(error?.message).toMatch(reason);
      expect(error?.message).not.toMatch(/root:/);
      expect(await fresh.dataSource.query(`SELECT count(*)::int AS n FROM tenant`)).toEqual([{ n: 0 }]);
    };

    it('opens no file the manifest names outside the export, and shows none of its bytes', async () => {
      const dir = tampered('path', (d, manifest) => {
        manifest.tables.find((t: { name: string }) => t.name === 'probe_note').file = path.relative(d, '/etc/passwd');
      });
      await refused(dir, /probe_note must be read from tables\/probe_note\.jsonl/);
    });

    it('refuses a table file that is a link, even with a matching checksum', async () => {
      const dir = tampered('link', (d) => {
        fs.rmSync(path.join(d, 'tables', 'probe_note.jsonl'));
        fs.symlinkSync('/etc/passwd', path.join(d, 'tables', 'probe_note.jsonl'));
      });
      await refused(dir, /tables\/probe_note\.jsonl is not a regular file/);
    });

    it('refuses a manifest that names another municipality than tenant.json', async () => {
      const dir = tampered('tenant', (_d, manifest) => {
        manifest.tenant = { id: ange.id, slug: 'ange', kommunkod: '2260' };
      });
      await refused(dir, /tenant\.json is not the municipality manifest\.json names/);
    });

    it('refuses rows addressed to a resident the export does not bring', async () => {
      const dir = tampered('resident', (d) => {
        const file = path.join(d, 'tables', 'probe_document.jsonl');
        const [first, ...rest] = fs.readFileSync(file, 'utf8').trim().split('\n');
        fs.writeFileSync(file, [JSON.stringify({ ...JSON.parse(first), subject_party_id: residentId }), ...rest].join('\n') + '\n');
      });
      await refused(dir, /probe_document\.jsonl line 1: subject_party_id names a party the export does not bring/);
      expect(await fresh.dataSource.query(`SELECT count(*)::int AS n FROM probe_document`)).toEqual([{ n: 0 }]);
    });

    it('removes the folder it unpacked an archive into, whether the import worked or not', async () => {
      const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-import-test-'));
      const archive = path.join(workdir, 'hostile.tar');
      await new Promise<void>((resolve, reject) =>
        tarDirectory(tampered('archive', (_d, manifest) => (manifest.tenant.slug = 'other')))
          .pipe(fs.createWriteStream(archive))
          .on('finish', resolve)
          .on('error', reject),
      );
      await expect(importTenantArchive(fresh, archive, { tempDir: temp })).rejects.toThrow(TenantImportError);
      expect(fs.readdirSync(temp)).toEqual([]);
    });

    it('unpacks regular files only, each inside the target', async () => {
      const archiveOf = async (entries: Array<{ name: string; type?: tar.Header['type']; linkname?: string }>) => {
        const pack = tar.pack();
        for (const entry of entries) {
          if (entry.type === 'symlink') pack.entry(entry);
          else pack.entry(entry, 'x');
        }
        pack.finalize();
        return Readable.from(pack, { objectMode: false });
      };
      const target = () => fs.mkdtempSync(path.join(workdir, 'untar-'));
      await expect(extractTar(await archiveOf([{ name: '../escape.jsonl' }]), target())).rejects.toThrow(/points outside the target/);
      await expect(
        extractTar(await archiveOf([{ name: 'tables/a.jsonl', type: 'symlink', linkname: '/etc/passwd' }]), target()),
      ).rejects.toThrow(TarArchiveError);
      await expect(extractTar(await archiveOf([{ name: 'a.jsonl' }, { name: 'a.jsonl' }]), target())).rejects.toThrow(/appears twice/);
      await expect(extractTar(Buffer.from('not a tar archive at all'.repeat(40)), target())).rejects.toThrow(TarArchiveError);
      expect(fs.existsSync(path.join(workdir, 'escape.jsonl'))).toBe(false);
    });
  });
});
