import type { LoadedTenantConfig } from '@kommuna/platform-tenancy';
import { ServiceDescriptor, ServiceSettingsError, validateServicesTenantSettings } from './service-descriptor';

const context = { tenantsDir: '/nowhere/tenants', servicesDir: '/nowhere/libs' };
const tenants = [{ file: '/nowhere/tenants/ange/tenant.yaml', config: { slug: 'ange' } }] as unknown as LoadedTenantConfig[];

describe('validateServicesTenantSettings', () => {
  it('runs every service on the same tenants and context, and passes when none refuses', () => {
    const seen: string[] = [];
    const service = (id: ServiceDescriptor['id']): ServiceDescriptor => ({
      id,
      validateTenantSettings: (given, givenContext) => {
        expect(given).toBe(tenants);
        expect(givenContext).toBe(context);
        seen.push(id);
      },
    });
    validateServicesTenantSettings([service('e-forms'), service('catalogue')], tenants, context);
    expect(seen).toEqual(['e-forms', 'catalogue']);
  });

  it('reports every refusing service, each in its own words, after running them all', () => {
    const ran: string[] = [];
    const services: ServiceDescriptor[] = [
      { id: 'digital-mail', validateTenantSettings: () => void ran.push('digital-mail') },
      {
        id: 'e-forms',
        validateTenantSettings: () => {
          ran.push('e-forms');
          throw new Error('tenants/ange/tenant.yaml: services.e-forms.settings: Unrecognized key: "x"');
        },
      },
      {
        id: 'minasidor',
        validateTenantSettings: () => {
          ran.push('minasidor');
          throw new Error('first line\nsecond line');
        },
      },
    ];
    const error = (() => {
      try {
        validateServicesTenantSettings(services, tenants, context);
      } catch (e) {
        return e;
      }
    })();
    expect(ran).toEqual(['digital-mail', 'e-forms', 'minasidor']);
    expect(error).toBeInstanceOf(ServiceSettingsError);
    expect((error as ServiceSettingsError).failures.map((f) => f.service)).toEqual(['e-forms', 'minasidor']);
    expect((error as ServiceSettingsError).message).toBe(
      'Tenant settings are invalid for 2 services:\n' +
        '  e-forms: tenants/ange/tenant.yaml: services.e-forms.settings: Unrecognized key: "x"\n' +
        '  minasidor: first line\n    second line',
    );
  });
});
