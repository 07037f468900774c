import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';
import { AI_SERVICE } from './service-descriptor';

const context = { tenantsDir: 'tenants', servicesDir: 'libs' };

/** A municipality's tenant.yaml as loaded, with or without this service. */
function tenant(slug: string, settings?: Record<string, unknown>): LoadedTenantConfig {
  const services = settings === undefined ? {} : { ai: { stage: 'planned', settings } };
  return { file: `tenants/${slug}/tenant.yaml`, config: { slug, services } } as unknown as LoadedTenantConfig;
}

describe('ai tenant settings', () => {
  it('accepts a municipality without the service and one with empty settings', () => {
    expect(() => AI_SERVICE.validateTenantSettings([tenant('ange'), tenant('timra', {})], context)).not.toThrow();
  });

  it('refuses a key it does not know, naming the file and the field', () => {
    expect(() => AI_SERVICE.validateTenantSettings([tenant('timra', {}), tenant('ange', { colour: 'blue' })], context)).toThrow(
      'Invalid ai settings:\ntenants/ange/tenant.yaml: services.ai.settings: Unrecognized key: "colour"',
    );
  });
});
