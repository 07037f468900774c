import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditLog, auditActor } from '@kommuna/platform-audit';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { ExportManifest, exportTenant, tarDirectory } from '@kommuna/platform-data-portability';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { stockholmDay } from '@kommuna/shared-identifiers';

/** The archive's file name: the municipality and the day of the export in Sweden (not UTC's date, a day early after Swedish midnight). */
export const tenantExportFileName = (slug: string, exportedAt: string): string =>
  `kommuna-${slug}-${stockholmDay(new Date(exportedAt))}.tar`;

/**
 * The municipality owns its data: its tenant admin downloads all of it, every table as JSON Lines
 * with attachments and a checksummed manifest, as one tar archive (docs/onboarding.md). Works
 * while the municipality is suspended, which is when it is needed most.
 */
@Controller('admin')
export class TenantExportController {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly audit: AuditLog,
  ) {}

  @Allow('tenant_admin')
  @Get('export.tar')
  async export(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const tenantId = requestContext.tenantId();
    const tenant = this.tenants.all().find((t) => t.id === tenantId)!;
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), `kommuna-export-${tenant.slug}-`));
    const removeDirectory = () => fs.rmSync(directory, { recursive: true, force: true });
    let manifest: ExportManifest;
    try {
      manifest = await exportTenant(this.database, tenantId, directory);
      // Recorded even for a suspended municipality: the audit trail is not the data being frozen.
      await requestContext.extend({ readOnly: false }, () =>
        this.database.transaction((em) =>
          this.audit.record(em, {
            actor: auditActor.staff(principal.subject),
            action: 'tenant.exported',
            targetType: 'tenant',
            targetId: tenant.slug,
            details: { tables: manifest.tables.length, files: manifest.files.length },
          }),
        ),
      );
    } catch (error) {
      // A failed export leaves none of the municipality's data behind in the temp directory.
      removeDirectory();
      throw error;
    }
    const archive = tarDirectory(directory).on('close', removeDirectory);
    await reply
      .header('content-type', 'application/x-tar')
      .header('content-disposition', `attachment; filename="${tenantExportFileName(tenant.slug, manifest.exportedAt)}"`)
      .send(archive);
  }
}
