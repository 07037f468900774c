import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { DIGITAL_MAIL_DATABASE_SCHEMA, Sender, TemplateInput, TemplateService, TemplateView, WHOLE_MUNICIPALITY } from '../index';

export const TEST_SCHEMA = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(DIGITAL_MAIL_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...DIGITAL_MAIL_DATABASE_SCHEMA.migrations],
};

export const digitalMailService = (settings: Record<string, unknown> = {}) => ({
  'digital-mail': {
    stage: 'production' as const,
    settings: {
      senderName: 'Testkommunen',
      paperFallback: true,
      supportInfo: { text: 'Ring kontaktcenter', phone: '+46 60 19 10 00' },
      departments: { socialtjanst: { supportInfo: { text: 'Ring socialtjänsten' } } },
      ...settings,
    },
  },
});

export const inTenant = <T>(tenant: Tenant, work: () => Promise<T>): Promise<T> =>
  requestContext.run({ requestId: 'test', tenantId: tenant.id, tenantSlug: tenant.slug }, work);

/** A test's letter template, saved by the whole municipality (by an admin unless a sender is given). */
export const saveTemplate = (
  database: Database,
  tenant: Tenant,
  input: TemplateInput,
  sender: Sender = { kind: 'user', id: 'admin' },
): Promise<TemplateView> => inTenant(tenant, () => new TemplateService(database).save(input, sender, WHOLE_MUNICIPALITY));

export async function pdfBase64(pages = 1): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage();
  return Buffer.from(await doc.save()).toString('base64');
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-print-'));

/** Rows of a tenant table, read in that tenant's context (as the app would). */
export function rowsOf(database: Database, tenant: Tenant, sql: string, params: unknown[] = []): Promise<any[]> {
  return inTenant(tenant, () => database.transaction((em) => em.query(sql, params)));
}

/** A movable clock: the worker reads it, tests advance it past backoff delays and leases. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
