import { stockholmDay } from '@kommuna/shared-identifiers';
import { KommunaError, ValidationFailedError } from '@kommuna/shared-service-contracts';

/** No case with that errand number in the municipality addressed (another municipality's case looks the same). */
export class ArchiveCaseNotFoundError extends KommunaError {
  readonly code = 'ARCHIVE_CASE_NOT_FOUND';
  readonly status = 404;
  constructor() {
    super('No case with that errand number in this municipality');
  }
}

/** Only closed (slutbehandlade) cases are delivered to the archive. */
export class ArchiveCaseOpenError extends KommunaError {
  readonly code = 'ARCHIVE_CASE_NOT_CLOSED';
  readonly status = 409;
  constructor(
    errandNumber: string,
    override readonly details: { openIn: string[] },
  ) {
    super(
      `Case ${errandNumber} is still open (${details.openIn.join(', ')}): only closed cases are exported to the archive. Export it once it is decided or closed.`,
    );
  }
}

/** Retention already removed the case's content: a package without it would not be the case. The day is the municipality's, in Sweden. */
export class ArchiveCasePurgedError extends KommunaError {
  readonly code = 'ARCHIVE_CASE_PURGED';
  readonly status = 410;
  constructor(errandNumber: string, source: string, purgedAt: Date) {
    super(
      `Case ${errandNumber}: its content in ${source} was removed by retention on ${stockholmDay(purgedAt)}, so it can no longer be archived`,
    );
  }
}

/** Bad arguments to an export (an errand number, a period). */
export class ArchiveExportInvalidError extends ValidationFailedError {}

/**
 * A package that does not validate against the published schemas, or no validator to check it
 * with. The message names files and schema errors (no case content), for the operator's log.
 */
export class ArchivePackageInvalidError extends KommunaError {
  readonly code = 'ARCHIVE_PACKAGE_INVALID';
  readonly status = 500;
  override readonly exposeMessage = false;
}

/** Two cases of one municipality carry the same errand number (e.g. from two case systems): which one is meant cannot be told. */
export class ArchiveCaseAmbiguousError extends KommunaError {
  readonly code = 'ARCHIVE_CASE_AMBIGUOUS';
  readonly status = 409;
  constructor(errandNumber: string, source: string) {
    super(`${source} holds more than one case numbered ${errandNumber}: export them from their sources separately`);
  }
}
