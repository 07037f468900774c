import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ArchiveExportInvalidError, CaseArchiveExport, parseArchiveDate, validateSipPackage } from '@kommuna/platform-archive-export';
import { extractTar } from '@kommuna/platform-data-portability';
import type { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { stockholmDay } from '@kommuna/shared-identifiers';
import type { ComposedServices } from '@kommuna/services';

export const ARCHIVE_EXPORT_USAGE =
  'usage: npm run archive:export -- --tenant <slug> (--closed-before <YYYY-MM-DD> [--closed-from <YYYY-MM-DD>] | --case <errand number>) [--out <dir>] [--validate]';

export interface ArchiveExportOptions {
  tenant: string;
  closedBefore: Date | null;
  closedFrom: Date | null;
  errandNumber: string | null;
  out: string;
  validate: boolean;
}

/** The command line's arguments, checked before any database is opened: a typo costs nothing. */
export function parseArchiveExportArguments(args: string[], today = new Date()): ArchiveExportOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        'closed-before': { type: 'string' },
        'closed-from': { type: 'string' },
        case: { type: 'string' },
        out: { type: 'string' },
        validate: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new ArchiveExportInvalidError(`${(error as Error).message}\n${ARCHIVE_EXPORT_USAGE}`);
  }
  const before = values['closed-before'];
  if (
    !values.tenant ||
    (before === undefined) === (values.case === undefined) ||
    (before === undefined && values['closed-from'] !== undefined)
  )
    throw new ArchiveExportInvalidError(ARCHIVE_EXPORT_USAGE);
  return {
    tenant: values.tenant,
    closedBefore: before !== undefined ? parseArchiveDate(before, '--closed-before') : null,
    closedFrom: values['closed-from'] !== undefined ? parseArchiveDate(values['closed-from'], '--closed-from') : null,
    errandNumber: values.case ?? null,
    // Today as the municipality counts days (as --closed-before does), not UTC's date.
    out: path.resolve(values.out ?? `archive-${values.tenant}-${stockholmDay(today)}`),
    validate: values.validate ?? false,
  };
}

/**
 * `npm run archive:export`: one case as its package folder, or every case closed in a period as
 * one `<OBJID>.tar` each with delivery.json, in `options.out`; `validate` checks each package as
 * an archive does on ingest. Returns the lines it reports.
 */
export async function runArchiveExport(
  options: ArchiveExportOptions,
  runtime: { database: Database; tenants: TenantDirectory; services: ComposedServices },
): Promise<string[]> {
  const tenant = runtime.tenants.all().find((t) => t.slug === options.tenant);
  if (!tenant) throw new ArchiveExportInvalidError(`No municipality "${options.tenant}" on this platform`);
  const archive = new CaseArchiveExport(runtime.database, runtime.services.archiveContributors());
  const lines: string[] = [];
  await requestContext.run({ requestId: 'archive-export', tenantId: tenant.id }, async () => {
    if (options.errandNumber !== null) {
      const written = await archive.exportCase(tenant, options.errandNumber, options.out);
      if (options.validate) await validateSipPackage(written.directory);
      lines.push(`${written.errandNumber}: ${written.directory} (${written.files.length} files${options.validate ? ', valid' : ''})`);
      return;
    }
    const before = options.closedBefore;
    if (!before) throw new ArchiveExportInvalidError(ARCHIVE_EXPORT_USAGE);
    const delivery = await archive.exportClosedCases(tenant, { from: options.closedFrom, before }, options.out);
    for (const entry of delivery.packages) {
      if (options.validate) await validateTar(path.join(options.out, entry.file), entry.objid);
      lines.push(`${entry.errandNumber}: ${path.join(options.out, entry.file)}${options.validate ? ' (valid)' : ''}`);
    }
    for (const skipped of delivery.skipped) lines.push(`${skipped.errandNumber}: left out, ${skipped.code}: ${skipped.reason}`);
    lines.push(
      `${tenant.slug}: ${delivery.packages.length} cases exported, ${delivery.skipped.length} left out; ${path.join(options.out, 'delivery.json')}`,
    );
  });
  return lines;
}

/** Unpacks a package archive into a temporary folder, validates it, and removes the folder again. */
async function validateTar(file: string, objid: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-archive-check-'));
  try {
    await extractTar(fs.readFileSync(file), dir);
    await validateSipPackage(path.join(dir, objid));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
