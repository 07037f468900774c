import type { TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import type { ModelRegistry } from './model-registry';

/** What `npm start` registers for every municipality: the AI simulator as a chat and a transcription model. */
export const DEMO_MODELS = [
  { name: 'demo-chat', capability: 'chat', providerModel: 'kommuna-simulator-chat' },
  { name: 'demo-whisper', capability: 'transcription', providerModel: 'KBLab/kb-whisper-large (simulerad)' },
] as const;

/**
 * On `npm start` only: each municipality gets the AI simulator (apps/ai-simulator, AI_SIMULATOR_URL)
 * as its chat and transcription models, cleared for its highest class and run in Sweden, so the
 * walk in docs/ai.md works at once. A model already registered under the name is left as it is.
 */
export async function seedDemoModels(registry: ModelRegistry, tenants: TenantDirectory, simulatorUrl: string): Promise<number> {
  let seeded = 0;
  for (const tenant of tenants.all()) {
    await requestContext.run({ requestId: 'ai-demo-seed', tenantId: tenant.id, tenantSlug: tenant.slug }, async () => {
      const classes = registry.classifications().ordered;
      const existing = new Set((await registry.list()).map((m) => m.name));
      for (const demo of DEMO_MODELS.filter((d) => !existing.has(d.name))) {
        await registry.register(
          {
            ...demo,
            baseUrl: simulatorUrl,
            processor: 'Kommuna AI-simulator (utveckling)',
            hostingCountry: 'SE',
            clearedFor: classes[classes.length - 1],
          },
          'system:ai-demo-seed',
        );
        seeded++;
      }
    });
  }
  return seeded;
}
