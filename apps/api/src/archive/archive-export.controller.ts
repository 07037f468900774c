import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditLog, auditActor } from '@kommuna/platform-audit';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { ArchiveExportInvalidError, CaseArchiveExport, parseArchiveDate } from '@kommuna/platform-archive-export';
import { tarDirectory } from '@kommuna/platform-data-portability';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { ComposedServices } from '@kommuna/services';

/**
 * A municipality's closed cases for its e-archive (docs/archive.md), for its tenant admin, like
 * /admin/export.tar: one case as an E-ARK SIP (a tar of the package folder), or every case closed
 * in a period as a delivery (a tar of one SIP tar per case and delivery.json). Each export is in
 * the municipality's audit trail. Works while the municipality is suspended.
 */
@Controller('admin/archive')
export class ArchiveExportController {
  private readonly archive: CaseArchiveExport;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly audit: AuditLog,
    services: ComposedServices,
  ) {
    this.archive = new CaseArchiveExport(database, services.archiveContributors());
  }

  @Allow('tenant_admin')
  @Get('cases/:errandNumber.sip')
  async exportCase(
    @Param('errandNumber') errandNumber: string,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const tenant = this.addressed();
    await this.inTemporaryDirectory(reply, async (directory) => {
      const written = await this.archive.exportCase(tenant, errandNumber, directory);
      await this.record(principal, 'archive.case.exported', written.errandNumber, { objid: written.objid, files: written.files.length });
      return { name: `${written.objid}.tar`, archive: tarDirectory(directory) };
    });
  }

  @Allow('tenant_admin')
  @Get('cases.tar')
  async exportClosedCases(
    @Query('closedBefore') closedBefore: string | undefined,
    @Query('closedFrom') closedFrom: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (typeof closedBefore !== 'string')
      throw new ArchiveExportInvalidError('closedBefore is required: the day (YYYY-MM-DD) the period ends before');
    const before = parseArchiveDate(closedBefore, 'closedBefore');
    const from = typeof closedFrom === 'string' ? parseArchiveDate(closedFrom, 'closedFrom') : null;
    const tenant = this.addressed();
    await this.inTemporaryDirectory(reply, async (directory) => {
      const delivery = await this.archive.exportClosedCases(tenant, { from, before }, directory);
      await this.record(principal, 'archive.cases.exported', tenant.slug, {
        period: delivery.period,
        errandNumbers: delivery.packages.map((p) => p.errandNumber),
        skipped: delivery.skipped.map((s) => ({ errandNumber: s.errandNumber, code: s.code })),
      });
      return { name: `kommuna-${tenant.slug}-archive-${closedBefore.slice(0, 10)}.tar`, archive: tarDirectory(directory) };
    });
  }

  private addressed(): Tenant {
    const tenantId = requestContext.tenantId();
    const tenant = this.tenants.all().find((t) => t.id === tenantId);
    // The request hook resolved the municipality from this directory: not finding it is a bug.
    if (!tenant) throw new Error(`archive export: no municipality with id ${tenantId}`);
    return tenant;
  }

  /** Recorded even for a suspended municipality: the audit trail is not the data being frozen. */
  private record(principal: Principal, action: string, targetId: string, details: Record<string, unknown>): Promise<void> {
    return requestContext.extend({ readOnly: false }, () =>
      this.database.transaction(async (em) => {
        await this.audit.record(em, { actor: auditActor.staff(principal.subject), action, targetType: 'archive', targetId, details });
      }),
    );
  }

  /** Work in a fresh temporary folder, removed when the answer has been sent or the work failed: no case content stays behind. */
  private async inTemporaryDirectory(
    reply: FastifyReply,
    work: (directory: string) => Promise<{ name: string; archive: Readable }>,
  ): Promise<void> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-archive-'));
    const remove = () => fs.rmSync(directory, { recursive: true, force: true });
    let answer: { name: string; archive: Readable };
    try {
      answer = await work(directory);
    } catch (error) {
      remove();
      throw error;
    }
    await reply
      .header('content-type', 'application/x-tar')
      // Names of package ids and slugs only: letters, digits, '.', '_' and '-', safe in the header as they are.
      .header('content-disposition', `attachment; filename="${answer.name}"`)
      .header('cache-control', 'private, no-store')
      .send(answer.archive.on('close', remove));
  }
}
