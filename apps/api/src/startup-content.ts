import type { PlatformRuntime } from './platform-runtime';

/**
 * What the services load once the tenants are synced: content shipped in tenants/ (e.g. each
 * municipality's e-forms) and, outside production, demo data. Each step is idempotent, so a
 * restart changes nothing that is already there.
 */
export async function loadStartupContent(runtime: PlatformRuntime): Promise<void> {
  void runtime;
}
