import { EXAMPLE_VISIT_EXPORT } from './example-visit-export';
import type { VendorExportAdapter } from './vendor-adapter';

export * from './vendor-adapter';
export { EXAMPLE_VISIT_EXPORT, stockholmTime } from './example-visit-export';

/** The vendor exports the import reads, by id. A new vendor's adapter is added here. */
export const VENDOR_EXPORT_ADAPTERS: ReadonlyMap<string, VendorExportAdapter> = new Map(
  [EXAMPLE_VISIT_EXPORT].map((adapter) => [adapter.id, adapter]),
);
