import type { ServiceDescriptor } from '@kommuna/platform-services';
import { validateDigitalMailSettings } from './settings';

/** Digital mail as the platform composes it (@kommuna/services). */
export const DIGITAL_MAIL_SERVICE: ServiceDescriptor = {
  id: 'digital-mail',
  validateTenantSettings(tenants) {
    validateDigitalMailSettings(tenants.map((t) => ({ slug: t.config.slug, config: t.config })));
  },
};
