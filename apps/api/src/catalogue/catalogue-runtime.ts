import { CATALOGUE_SERVICE, CatalogueService } from '@kommuna/catalogue';
import type { PlatformRuntime } from '../platform-runtime';

/** The runtime's catalogue: the one the composed services loaded (and validated) at start-up. */
export function catalogueOf(runtime: PlatformRuntime): CatalogueService {
  return runtime.services.of(CATALOGUE_SERVICE).catalogue();
}
