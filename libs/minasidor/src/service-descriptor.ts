import type { ServiceDescriptor } from '@kommuna/platform-services';
import { StatusLabels } from './status-labels';

/** Mina sidor as the platform composes it (@kommuna/services). */
export const MINASIDOR_SERVICE: ServiceDescriptor = {
  id: 'minasidor',
  // Each municipality's status labels, parsed as Municipalities.labelsOf parses them for a request.
  validateTenantSettings(tenants) {
    for (const tenant of tenants) StatusLabels.fromSettings(tenant.config.slug, tenant.config.services.minasidor?.settings);
  },
};
