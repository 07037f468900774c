import type { Readable } from 'node:stream';
import type { ImportKind, RawRecord } from '../import-rows';

/**
 * A vendor's export read into the open format (docs/home-care.md#vendor-exports). Time-registration
 * and case systems export in their own columns, codes and time notation; an adapter turns each of
 * the export's rows into a record with the open format's field names and values, and the import
 * goes on exactly as for an open file: the same schema per row, the same checks in SQL, whole or
 * not at all, the same file again a no-op. An adapter only translates: a value it does not know is
 * passed on as it is, for the schema to name it with its line.
 */
export interface VendorExportAdapter {
  /** Stable id, as an import names it: `<vendor>-<kind>` in lower case. */
  readonly id: string;
  /** What the export is, in words (for people choosing an adapter). */
  readonly description: string;
  /** The kind of open file its records are. */
  readonly kind: ImportKind;
  /** The export's records, one at a time as the bytes arrive, each with its line in the export. */
  records(input: Readable): AsyncIterable<RawRecord>;
}
