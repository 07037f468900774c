import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOGUE_SERVICE } from '@kommuna/catalogue';
import { DIGITAL_MAIL_SERVICE } from '@kommuna/digital-mail';
import { MINASIDOR_SERVICE } from '@kommuna/minasidor';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { INBOUND_EVENTS_DATABASE_SCHEMA, WEBHOOKS_DATABASE_SCHEMA } from '@kommuna/platform-events';
import { PartyRegister, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';
import type { ServiceDescriptor } from '@kommuna/platform-services';
import { loadTenantConfigs, requestContext, SERVICE_IDS } from '@kommuna/platform-tenancy';
import { useTestDatabase } from '@kommuna/platform-testing';
import { ComposedServices, loadValidatedTenants, SERVICES, SERVICES_DATABASE_SCHEMA, servicesDir } from './services';

const root = path.resolve(__dirname, '../../..');

/** The service scopes eslint's module-boundary rule gives their own rule (scope:<service> → itself). */
function eslintServiceScopes(): string[] {
  const config = require(path.join(root, 'eslint.config.js')) as Array<{ rules?: Record<string, unknown> }>;
  const rule = config.find((c) => c.rules?.['@nx/enforce-module-boundaries'])?.rules?.['@nx/enforce-module-boundaries'] as [
    string,
    { depConstraints: Array<{ sourceTag: string; onlyDependOnLibsWithTags: string[] }> },
  ];
  return rule[1].depConstraints
    .filter((c) => c.sourceTag.startsWith('scope:') && c.onlyDependOnLibsWithTags.includes(c.sourceTag))
    .map((c) => c.sourceTag.slice('scope:'.length))
    .filter((scope) => !['platform', 'shared'].includes(scope));
}

describe('the services list', () => {
  const ids = SERVICES.map((s) => s.id);

  it('names each service once, and the same services as the tenant schema, eslint and the libraries', () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...SERVICE_IDS].sort());
    expect([...ids].sort()).toEqual(eslintServiceScopes().sort());
    for (const id of ids) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'libs', id, 'package.json'), 'utf8')) as { nx: { tags: string[] } };
      expect({ id, tags: pkg.nx.tags }).toEqual({ id, tags: [`scope:${id}`, 'type:service'] });
    }
  });

  it('finds the service libraries beside itself unless KOMMUNA_SERVICES_DIR says otherwise', () => {
    expect(servicesDir({})).toBe(path.join(root, 'libs'));
    for (const id of ids) expect(fs.existsSync(path.join(servicesDir({}), id, 'service.yaml'))).toBe(true);
    expect(servicesDir({ KOMMUNA_SERVICES_DIR: '/srv/kommuna/libs' })).toBe('/srv/kommuna/libs');
  });

  it('accepts the shipped tenants/', () => {
    expect(loadValidatedTenants(path.join(root, 'tenants'), { servicesDir: path.join(root, 'libs') }).map((t) => t.config.slug)).toEqual(
      fs
        .readdirSync(path.join(root, 'tenants'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    );
  });
});

describe('the composed services', () => {
  const database = useTestDatabase(SERVICES_DATABASE_SCHEMA);
  let composed: ComposedServices;
  let parties: PartyRegister;

  beforeAll(async () => {
    const tenants = new TenantDirectory(database());
    await tenants.sync(loadTenantConfigs(path.join(root, 'tenants')).map((t) => t.config));
    parties = new PartyRegister(database());
    composed = new ComposedServices({
      database: database(),
      tenants,
      parties,
      env: 'test',
      tenantsDir: path.join(root, 'tenants'),
      servicesDir: path.join(root, 'libs'),
    });
  });

  it("opens the database with the platform's tables and every listed service's, each once", () => {
    const own = [
      PLATFORM_DATABASE_SCHEMA,
      AUDIT_DATABASE_SCHEMA,
      WEBHOOKS_DATABASE_SCHEMA,
      INBOUND_EVENTS_DATABASE_SCHEMA,
      ...SERVICES.flatMap((s) => (s.databaseSchema ? [s.databaseSchema] : [])),
    ];
    for (const service of [DIGITAL_MAIL_SERVICE, MINASIDOR_SERVICE, CATALOGUE_SERVICE]) {
      expect(service.databaseSchema?.migrations.length).toBeGreaterThan(0);
      expect(SERVICES_DATABASE_SCHEMA.migrations).toEqual(expect.arrayContaining(service.databaseSchema?.migrations ?? []));
    }
    expect(SERVICES_DATABASE_SCHEMA.migrations).toEqual(own.flatMap((s) => s.migrations));
    expect(SERVICES_DATABASE_SCHEMA.entities).toEqual(own.flatMap((s) => s.entities as []));
    expect(new Set(SERVICES_DATABASE_SCHEMA.migrations).size).toBe(SERVICES_DATABASE_SCHEMA.migrations.length);
  });

  // The api (embedded) and apps/worker both run these: the catalogue's metering was once built by hand in each.
  it("gives the outbox every service's handlers and runs every service's background work, from the one list", () => {
    expect(composed.eventHandlers.map((h) => h.name)).toEqual([
      'digital-mail-case-notices',
      'digital-mail-rule-letters',
      'digital-mail-metrics',
      'minasidor.e-forms-cases',
      'minasidor.rules-cases',
      'catalogue-metering',
      'rules',
    ]);
    expect(composed.backgroundTasks().map((t) => t.name)).toEqual([
      'outbox',
      'outbox-housekeeping',
      'webhook-event-log-housekeeping',
      'webhook-delivery-log-housekeeping',
      'webhook-delivery',
      'digital-mail-delivery',
      'digital-mail-retention',
      'e-forms-retention',
      'home-care-monthly-check',
      'home-care-retention',
      'ai-transcription',
    ]);
  });

  it('builds each shared object once: one Mina sidor, one party register for every service', () => {
    const minasidor = composed.of(MINASIDOR_SERVICE).minasidor;
    expect(composed.of(MINASIDOR_SERVICE).minasidor).toBe(minasidor);
    expect(minasidor.representations['parties']).toBe(parties);
    expect(composed.of(DIGITAL_MAIL_SERVICE).messages['parties']).toBe(parties);
    expect(composed.of(CATALOGUE_SERVICE).catalogue()).toBe(composed.of(CATALOGUE_SERVICE).catalogue());
  });

  it('names the listed services when asked for one it does not compose', () => {
    const stranger: ServiceDescriptor = { id: 'catalogue', validateTenantSettings: () => undefined };
    expect(() => composed.of(stranger)).toThrow(`catalogue is not one of the composed services (${SERVICES.map((s) => s.id).join(', ')})`);
  });

  it("loads every service's start-up content after checking their settings, and again without change", async () => {
    await composed.loadStartupContent();
    // Row-level security: a municipality's forms are counted in its own context.
    const sundsvall = composed.runtime.tenants.findBySlug('sundsvall');
    if (!sundsvall) throw new Error('tenants/ has no sundsvall');
    const forms = async () =>
      requestContext.run(
        { requestId: 'services-spec', tenantId: sundsvall.id },
        async () => (await database().transaction((em) => em.query(`SELECT count(*)::int AS n FROM eforms_form`)))[0].n as number,
      );
    const loaded = await forms();
    expect(loaded).toBeGreaterThan(0);
    await composed.loadStartupContent();
    expect(await forms()).toBe(loaded);
    expect(
      composed
        .of(CATALOGUE_SERVICE)
        .catalogue()
        .catalogueEntries()
        .map((e) => e.id)
        .sort(),
    ).toEqual([...SERVICE_IDS].sort());
  });
});
