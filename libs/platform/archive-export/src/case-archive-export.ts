import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { tarDirectory } from '@kommuna/platform-data-portability';
import type { Database, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';
import { ArchivedCase, archiveMunicipality, closedErrandNumbers, collectCase } from './archived-case';
import type { CaseArchiveContributor } from './contribution';
import { ArchiveExportInvalidError } from './errors';
import { ExportSoftware, SipPackage, writeSipPackage } from './sip-package';

/** A period of closing: [from, before). `from` null: since the beginning. */
export interface ClosedPeriod {
  from: Date | null;
  before: Date;
}

/** What a bulk export did: the packages written, and the cases it left out with the reason. */
export interface ArchiveDelivery {
  municipality: string;
  period: { from: string | null; before: string };
  exportedAt: string;
  packages: Array<{ objid: string; errandNumber: string; file: string }>;
  skipped: Array<{ errandNumber: string; code: string; reason: string }>;
}

/**
 * Exports a municipality's closed cases as E-ARK SIPs (docs/archive.md). Each service contributes
 * its part of a case (CaseArchiveContributor, composed by the service itself); this class reads
 * them in one transaction in the municipality's context and writes the package. It never decides
 * who may ask: the api and the CLI do that before calling.
 */
export class CaseArchiveExport {
  constructor(
    private readonly database: Database,
    private readonly contributors: readonly CaseArchiveContributor[],
    private readonly software?: ExportSoftware,
  ) {}

  /** The closed case with that errand number, gathered from every service (refuses an open or unknown one). */
  collect(tenant: Tenant, errandNumber: string): Promise<ArchivedCase> {
    return this.inTenant(tenant, () =>
      this.database.transaction((em) => collectCase(em, this.contributors, archiveMunicipality(tenant), errandNumber)),
    );
  }

  /** Writes the case's package into `parent`/<OBJID>/. */
  async exportCase(tenant: Tenant, errandNumber: string, parent: string, createdAt = new Date()): Promise<SipPackage> {
    const archived = await this.collect(tenant, errandNumber);
    return writeSipPackage(archived, parent, { createdAt, software: this.software });
  }

  /**
   * Every case closed in the period, each as its own package archive `<OBJID>.tar` in `directory`,
   * with delivery.json listing them and the cases left out (still open in another service,
   * content already removed by retention) with the reason.
   */
  async exportClosedCases(tenant: Tenant, period: ClosedPeriod, directory: string, exportedAt = new Date()): Promise<ArchiveDelivery> {
    checkPeriod(period);
    const errands = await this.inTenant(tenant, () =>
      this.database.transaction((em) => closedErrandNumbers(em, this.contributors, tenant.id, period)),
    );
    fs.mkdirSync(directory, { recursive: true });
    const delivery: ArchiveDelivery = {
      municipality: tenant.slug,
      period: { from: period.from?.toISOString() ?? null, before: period.before.toISOString() },
      exportedAt: exportedAt.toISOString(),
      packages: [],
      skipped: [],
    };
    const staging = fs.mkdtempSync(path.join(directory, '.staging-'));
    try {
      for (const errandNumber of errands) {
        let archived: ArchivedCase;
        try {
          archived = await this.collect(tenant, errandNumber);
        } catch (error) {
          if (!(error instanceof KommunaError)) throw error;
          delivery.skipped.push({ errandNumber, code: error.code, reason: error.message });
          continue;
        }
        // Another service may have closed it after the period's end: it belongs to a later delivery.
        const closedAt = archived.header.closedAt;
        if (closedAt.getTime() >= period.before.getTime() || (period.from && closedAt.getTime() < period.from.getTime())) {
          delivery.skipped.push({
            errandNumber,
            code: 'CLOSED_OUTSIDE_PERIOD',
            reason: `Closed in every service only at ${closedAt.toISOString()}, outside the period`,
          });
          continue;
        }
        const parent = fs.mkdtempSync(path.join(staging, 'package-'));
        const written = writeSipPackage(archived, parent, { createdAt: exportedAt, software: this.software });
        const file = `${written.objid}.tar`;
        await writeTar(parent, path.join(directory, file));
        fs.rmSync(parent, { recursive: true });
        delivery.packages.push({ objid: written.objid, errandNumber, file });
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(directory, 'delivery.json'), `${JSON.stringify(delivery, null, 2)}\n`);
    return delivery;
  }

  private inTenant<T>(tenant: Tenant, work: () => Promise<T>): Promise<T> {
    return requestContext.extend({ tenantId: tenant.id }, work);
  }
}

function checkPeriod(period: ClosedPeriod): void {
  const valid = (d: Date | null) => d === null || (d instanceof Date && !Number.isNaN(d.getTime()));
  if (!valid(period.before) || !period.before || !valid(period.from))
    throw new ArchiveExportInvalidError('The period needs a valid date to end before (closedBefore) and, if given, one to start from');
  if (period.from && period.from.getTime() >= period.before.getTime())
    throw new ArchiveExportInvalidError('The period must start (closedFrom) before it ends (closedBefore)');
}

/**
 * A tar archive of `parent`, which holds one package folder: its entries all start with `<OBJID>/`,
 * the package's root folder (CSIPSTR1), the form an archive takes a SIP in.
 */
export async function writeTar(parent: string, file: string): Promise<void> {
  await pipeline(tarDirectory(parent), fs.createWriteStream(file));
}
