import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { DEFAULT_MINASIDOR_AUTHORISATION, MinasidorSettingsError, MinasidorSettingsSchema, StatusLabels } from './index';

describe('status labels (services.minasidor.settings.statusLabels)', () => {
  it('maps internal statuses to the six citizen-facing labels, by Swedish label or key', () => {
    const labels = StatusLabels.fromSettings('test', { statusLabels: { utredning: 'Under behandling', beslutad: 'decision_made' } });
    expect(labels.labelOf('utredning')).toEqual({ sv: 'Under behandling', en: 'In progress' });
    expect(labels.labelOf('beslutad')).toEqual({ sv: 'Beslut finns', en: 'Decision made' });
    expect(labels.labelOf('draft')).toEqual({ sv: 'Sparat', en: 'Saved' });
    expect(labels.labelOf('completion_requested')).toEqual({ sv: 'Komplettering behövs', en: 'Completion needed' });
  });

  it('shows an internal status nobody mapped as "Under behandling", never failing', () => {
    const labels = StatusLabels.fromSettings('test', undefined);
    expect(labels.labelOf('something_new')).toEqual({ sv: 'Under behandling', en: 'In progress' });
    expect(labels.internalStatusesFor(new Set(['in_progress']))).toMatchObject({ statuses: ['in_progress'], includeUnmapped: true });
    expect(labels.internalStatusesFor(new Set(['closed']))).toMatchObject({ statuses: ['closed'], includeUnmapped: false });
  });

  it('refuses a label that is not one of the six, naming the municipality and the status', () => {
    expect(() => StatusLabels.fromSettings('ange', { statusLabels: { klar: 'Färdig' } })).toThrow(MinasidorSettingsError);
    expect(() => StatusLabels.fromSettings('ange', { statusLabels: { klar: 'Färdig' } })).toThrow(
      /tenants\/ange\/tenant.yaml: services.minasidor.settings.statusLabels.klar: "Färdig" is not/,
    );
    expect(() => StatusLabels.fromSettings('ange', { labels: {} })).toThrow(/Unrecognized key/);
  });

  it("accepts every shipped municipality's settings", () => {
    const configs = loadTenantConfigs(path.resolve(__dirname, '../../../tenants')).map((loaded) => loaded.config);
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) {
      expect(() => StatusLabels.fromSettings(config.slug, config.services.minasidor?.settings)).not.toThrow();
    }
  });
});

describe('representation settings (services.minasidor.settings.representation.minaOmbud)', () => {
  it('defaults to the simulator with the simulator’s authorisation code and a five-minute cache', () => {
    expect(MinasidorSettingsSchema.parse({}).representation.minaOmbud).toEqual({
      serviceName: 'kommuna-minasidor',
      authorisations: [DEFAULT_MINASIDOR_AUTHORISATION],
      cacheSeconds: 300,
    });
  });

  it('takes the real service with references to its secrets, never the secrets themselves', () => {
    const real = {
      url: 'https://fullmakt-test.minaombud.se/dfm/formedlare/v2',
      tokenUrl: 'https://auth-accept.minaombud.se/auth/realms/dfm/protocol/openid-connect/token',
      clientId: 'kommuna-sundsvall',
      clientSecretRef: 'env:MINA_OMBUD_SUNDSVALL_CLIENT_SECRET',
      idTokenKeyRef: 'file:/run/secrets/mina-ombud-id-token.pem',
      authorisations: ['6f3440ec-76ef-4a3b-9379-f11f0d76d887'],
    };
    expect(() => StatusLabels.fromSettings('sundsvall', { representation: { minaOmbud: real } })).not.toThrow();
    const refused = (minaOmbud: Record<string, unknown>) => () => StatusLabels.fromSettings('sundsvall', { representation: { minaOmbud } });
    expect(refused({ ...real, clientSecretRef: 'hunter2' })).toThrow(
      /tenants\/sundsvall\/tenant.yaml: services.minasidor.settings.representation.minaOmbud.clientSecretRef: env:NAME or file/,
    );
    expect(refused({ url: real.url })).toThrow(/representation.minaOmbud.tokenUrl: url and tokenUrl go together/);
    expect(refused({ url: real.url, tokenUrl: real.tokenUrl })).toThrow(/the real service needs clientId and clientSecretRef/);
    expect(refused({ serviceName: 'Mina sidor!' })).toThrow(MinasidorSettingsError);
    expect(refused({ authorisations: [] })).toThrow(MinasidorSettingsError);
  });
});
