import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { MinasidorSettingsError, StatusLabels } from './index';

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
