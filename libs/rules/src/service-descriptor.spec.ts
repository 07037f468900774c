import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';
import { RULES_SERVICE } from './service-descriptor';

const context = { tenantsDir: 'tenants', servicesDir: 'libs' };

/** A municipality's tenant.yaml as loaded, with or without this service. */
function tenant(slug: string, settings?: Record<string, unknown>): LoadedTenantConfig {
  const services = settings === undefined ? {} : { rules: { stage: 'planned', settings } };
  return { file: `tenants/${slug}/tenant.yaml`, config: { slug, services } } as unknown as LoadedTenantConfig;
}

describe('rules tenant settings', () => {
  it('accepts a municipality without the service and one with empty settings', () => {
    expect(() => RULES_SERVICE.validateTenantSettings([tenant('ange'), tenant('timra', {})], context)).not.toThrow();
  });

  it('refuses a key it does not know, naming the file and the field', () => {
    expect(() => RULES_SERVICE.validateTenantSettings([tenant('timra', {}), tenant('ange', { colour: 'blue' })], context)).toThrow(
      'Invalid rules settings:\ntenants/ange/tenant.yaml: services.rules.settings: Unrecognized key: "colour"',
    );
  });
});
