import { useTestDatabase } from '@kommuna/platform-testing';
import { AiValidationError, ModelNotClearedError } from './index';
import { auditActions, createWorld, inTenant, model, SCHEMA, World } from './testing/fixture';

describe('model registry', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;
  beforeAll(async () => {
    world = await createWorld(db());
  });
  const admin = 'staff:sundsvall-admin';

  it('registers models with hosting and clearance, lists them per municipality only', async () => {
    const registered = await inTenant(world.sundsvall, () => world.ai.registry.register(model('http://127.0.0.1:9/v1/'), admin));
    expect(registered).toMatchObject({
      name: 'llama-sundsvall',
      baseUrl: 'http://127.0.0.1:9/v1',
      hostingCountry: 'SE',
      clearedFor: 'sekretess',
      enabled: true,
    });
    expect((await inTenant(world.sundsvall, () => world.ai.registry.list())).map((m) => m.name)).toEqual(['llama-sundsvall']);
    // Timrå sees none of Sundsvall's models, by id neither (row-level security and the tenant filter).
    expect(await inTenant(world.timra, () => world.ai.registry.list())).toEqual([]);
    await expect(inTenant(world.timra, () => world.ai.registry.get(registered.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const rls = await inTenant(world.timra, () => db().transaction((em) => em.query(`SELECT id FROM ai_model`)));
    expect(rls).toEqual([]);
    const audit = await auditActions(db(), world.sundsvall);
    expect(audit.filter((a) => a.action === 'ai.model.registered')).toEqual([
      expect.objectContaining({
        actor: admin,
        details: expect.objectContaining({
          name: 'llama-sundsvall',
          hostingCountry: 'SE',
          clearedFor: 'sekretess',
          credentialRef: 'env:SIM_KEY',
        }),
      }),
    ]);
  });

  it.each([
    [{ baseUrl: 'ftp://models.example/v1' }, 'baseUrl'],
    [{ baseUrl: 'https://user:key@models.example/v1' }, 'baseUrl'],
    [{ hostingCountry: 'Sverige' }, 'hostingCountry'],
    [{ clearedFor: 'topphemlig' }, 'clearedFor'],
    [{ credentialRef: 'sk-live-123' }, 'credentialRef'],
    // The highest class may not leave the EU/EEA.
    [{ hostingCountry: 'US', clearedFor: 'sekretess' }, 'clearedFor'],
    [{ name: 'Has Spaces' }, 'name'],
  ])('refuses %j naming the field, writing nothing', async (change, field) => {
    const before = await inTenant(world.sundsvall, () => world.ai.registry.list());
    const attempt = inTenant(world.sundsvall, () =>
      world.ai.registry.register(model('https://models.example/v1', { name: 'other', ...change }), admin),
    );
    await expect(attempt).rejects.toBeInstanceOf(AiValidationError);
    await expect(attempt).rejects.toMatchObject({ details: expect.arrayContaining([expect.objectContaining({ field })]) });
    expect(await inTenant(world.sundsvall, () => world.ai.registry.list())).toEqual(before);
  });

  it('routes a class of data only to a model cleared for it, with no fallback', async () => {
    const usa = await inTenant(world.sundsvall, () =>
      world.ai.registry.register(
        model('https://api.example.com/v1', { name: 'gpt-usa', hostingCountry: 'US', clearedFor: 'intern', processor: 'Example Inc.' }),
        admin,
      ),
    );
    const forInternal = await inTenant(world.sundsvall, () => world.ai.registry.modelFor('chat', 'intern'));
    expect(forInternal.name).toBe('gpt-usa'); // the lowest sufficient clearance
    expect((await inTenant(world.sundsvall, () => world.ai.registry.modelFor('chat', 'sekretess'))).name).toBe('llama-sundsvall');
    await expect(inTenant(world.sundsvall, () => world.ai.registry.modelFor('chat', 'sekretess', usa.id))).rejects.toBeInstanceOf(
      ModelNotClearedError,
    );
    await expect(inTenant(world.sundsvall, () => world.ai.registry.modelFor('transcription', 'oppen'))).rejects.toBeInstanceOf(
      ModelNotClearedError,
    );
    // Timrå has no model at all: every request is refused, none borrows Sundsvall's.
    await expect(inTenant(world.timra, () => world.ai.registry.modelFor('chat', 'oppen'))).rejects.toBeInstanceOf(ModelNotClearedError);
    // A disabled model takes nothing.
    await inTenant(world.sundsvall, () => world.ai.registry.update(usa.id, { enabled: false }, admin));
    expect((await inTenant(world.sundsvall, () => world.ai.registry.modelFor('chat', 'intern'))).name).toBe('llama-sundsvall');
    const changed = (await auditActions(db(), world.sundsvall)).filter((a) => a.action === 'ai.model.changed');
    expect(changed.at(-1)?.details).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  });
});
