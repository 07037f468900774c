import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';
import { HOME_CARE_SERVICE } from './service-descriptor';

const context = { tenantsDir: 'tenants', servicesDir: 'libs' };

/** A municipality's tenant.yaml as loaded, with or without this service. */
function tenant(slug: string, settings?: Record<string, unknown>): LoadedTenantConfig {
  const services = settings === undefined ? {} : { 'home-care': { stage: 'planned', settings } };
  return { file: `tenants/${slug}/tenant.yaml`, config: { slug, services } } as unknown as LoadedTenantConfig;
}

describe('home-care tenant settings', () => {
  it('accepts a municipality without the service and one with empty settings', () => {
    expect(() => HOME_CARE_SERVICE.validateTenantSettings([tenant('ange'), tenant('timra', {})], context)).not.toThrow();
  });

  it('refuses a key it does not know, naming the file and the field', () => {
    expect(() => HOME_CARE_SERVICE.validateTenantSettings([tenant('timra', {}), tenant('ange', { colour: 'blue' })], context)).toThrow(
      'Invalid home-care settings:\ntenants/ange/tenant.yaml: services.home-care.settings: Unrecognized key: "colour"',
    );
  });
});
