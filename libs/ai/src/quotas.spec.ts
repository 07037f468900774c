import { TenantDirectory, Tenant } from '@kommuna/platform-persistence';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { AiDrafts, AiPlatform, AiSettingsSchema, encodeWav, ModelSimulator, startModelSimulator } from './index';
import { AiQuotaExceededError } from './errors';
import { periodOf } from './quotas';
import { auditActions, CasesInMemory, inTenant, model, SCHEMA } from './testing/fixture';

/** A 300 Hz tone, 16 kHz mono: speech to the voice activity detection. */
function tone(seconds: number): Buffer {
  const rate = 16000;
  const samples = Buffer.alloc(seconds * rate * 2);
  for (let i = 0; i < seconds * rate; i++) samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate)), i * 2);
  return encodeWav({ format: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, blockAlign: 2 }, samples);
}

describe('quotas per model and provider', () => {
  const db = useTestDatabase(SCHEMA);
  let simulator: ModelSimulator;
  let sundsvall: Tenant;
  let timra: Tenant;
  let drafts: AiDrafts;
  // The clock the quotas count by: a Stockholm day, moved by the tests.
  let now = new Date('2026-12-07T10:00:00Z');
  const worker = { subject: 'sundsvall-soc-1', unit: 'socialtjanst' };
  const timraWorker = { subject: 'timra-soc-1', unit: 'socialtjanst' };
  const caseOf = (tenantId: string, caseId: string) => ({
    tenantId,
    caseId,
    unit: 'socialtjanst',
    caseType: 'ekonomiskt-bistand',
    sections: [{ heading: 'Ärende', lines: [{ label: 'Rubrik', text: 'Ansökan om bistånd.' }] }],
    parties: [],
  });
  const SUNDSVALL_CASE = '00000000-0000-4000-8000-000000000101';
  const TIMRA_CASE = '00000000-0000-4000-8000-000000000102';

  beforeAll(async () => {
    const directory = new TenantDirectory(db());
    [sundsvall, timra] = await directory.sync([
      buildTenantConfig({
        slug: 'sundsvall',
        services: {
          ai: {
            stage: 'piloting',
            settings: {
              quotas: [
                { model: 'llama', period: 'day', requests: 2 },
                { model: 'llama', period: 'month', tokens: 1_000_000 },
                { provider: 'Berget AI', period: 'month', audioMinutes: 0.1 },
              ],
            },
          },
        },
      }),
      buildTenantConfig({ slug: 'timra' }),
    ]);
    simulator = await startModelSimulator();
    const ai = new AiPlatform(db(), directory, { timeoutMs: 2000, attempts: 1 });
    drafts = ai.drafts(
      new CasesInMemory(
        new Map([
          [SUNDSVALL_CASE, caseOf(sundsvall.id, SUNDSVALL_CASE)],
          [TIMRA_CASE, caseOf(timra.id, TIMRA_CASE)],
        ]),
      ),
      { chunkSeconds: 2, now: () => now },
    );
    for (const tenant of [sundsvall, timra]) {
      await inTenant(tenant, async () => {
        await ai.registry.register(model(simulator.url, { name: 'llama', credentialRef: null }), 'staff:admin');
        await ai.registry.register(
          model(simulator.url, { name: 'berget-whisper', capability: 'transcription', processor: 'Berget AI', credentialRef: null }),
          'staff:admin',
        );
      });
    }
  });
  afterAll(() => simulator?.close());

  interface UsageRow {
    name: string;
    day: string;
    requests: number;
    tokens: number;
    audio_seconds: number;
  }
  const usage = (tenant: Tenant): Promise<UsageRow[]> =>
    inTenant(tenant, () =>
      db().transaction((em) =>
        em.query(
          `SELECT m.name, u.day::text AS day, u.requests, u.tokens::int AS tokens, u.audio_seconds::float AS audio_seconds
             FROM ai_usage u JOIN ai_model m ON m.tenant_id = u.tenant_id AND m.id = u.model_id ORDER BY m.name, u.day`,
        ),
      ),
    );

  it('takes quotas naming a model or a provider with at least one limit, and refuses anything else', () => {
    expect(AiSettingsSchema.safeParse({ quotas: [{ model: 'llama', period: 'day', requests: 5 }] }).success).toBe(true);
    expect(AiSettingsSchema.safeParse({ quotas: [{ provider: 'Berget AI', period: 'month', audioMinutes: 600 }] }).success).toBe(true);
    const refused = [
      { period: 'day', requests: 5 },
      { model: 'llama', provider: 'Berget AI', period: 'day', requests: 5 },
      { model: 'llama', period: 'day' },
      { model: 'llama', period: 'week', requests: 5 },
      { model: 'llama', period: 'day', requests: -1 },
      { model: 'llama', period: 'day', requets: 5 },
    ];
    for (const quota of refused) expect(AiSettingsSchema.safeParse({ quotas: [quota] }).success).toBe(false);
  });

  it('counts periods in Stockholm days and calendar months', () => {
    expect(periodOf('day', '2026-12-31')).toEqual({ from: '2026-12-31', until: '2027-01-01' });
    expect(periodOf('month', '2026-12-31')).toEqual({ from: '2026-12-01', until: '2027-01-01' });
  });

  it("refuses the request over a model's daily quota, sends nothing, logs the refusal, and lets it through the next day", async () => {
    for (let i = 0; i < 2; i++) await inTenant(sundsvall, () => drafts.summariseCase(worker, SUNDSVALL_CASE));
    const before = simulator.received.length;
    const refused = await inTenant(sundsvall, () => drafts.summariseCase(worker, SUNDSVALL_CASE)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AiQuotaExceededError);
    expect((refused as AiQuotaExceededError).message).toBe(
      "The municipality's daily quota for the model llama is used up (2 of 2 requests): nothing was sent. It resets on 2026-12-08.",
    );
    expect(simulator.received.length).toBe(before);
    const refusal = (await auditActions(db(), sundsvall)).filter((e) => e.action === 'ai.request.refused').at(-1);
    expect(refusal?.details).toMatchObject({
      caseId: SUNDSVALL_CASE,
      reason: 'AI_QUOTA_EXCEEDED',
      models: ['llama'],
      quota: { model: 'llama', period: 'day', resetsOn: '2026-12-08' },
    });
    // Two requests answered, their tokens as the simulator reported them.
    const [row] = await usage(sundsvall);
    expect(row).toMatchObject({ name: 'llama', day: '2026-12-07', requests: 2 });
    expect(row.tokens).toBeGreaterThan(0);

    // 00:30 on 8 December in Sweden (the UTC date is still the 7th): a new day, the quota is free again.
    now = new Date('2026-12-07T23:30:00Z');
    await expect(inTenant(sundsvall, () => drafts.summariseCase(worker, SUNDSVALL_CASE))).resolves.toMatchObject({ status: 'draft' });
    expect((await usage(sundsvall)).map((r) => [r.day, r.requests])).toEqual([
      ['2026-12-07', 2],
      ['2026-12-08', 1],
    ]);
  });

  it("refuses a recording that would go over the provider's audio minutes before any of it is sent, and counts what was transcribed", async () => {
    now = new Date('2026-12-09T07:00:00Z');
    // 0.1 minutes = 6 s a month for Berget AI: 4 s pass, then 4 s more would go over.
    await inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: tone(4) }));
    const transcribed = (await usage(sundsvall)).filter((r) => r.name === 'berget-whisper');
    expect(transcribed).toHaveLength(1);
    expect(transcribed[0].requests).toBe(2);
    expect(transcribed[0].audio_seconds).toBeGreaterThanOrEqual(4);
    const before = simulator.received.length;
    await expect(inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: tone(4) }))).rejects.toMatchObject({
      code: 'AI_QUOTA_EXCEEDED',
      details: { provider: 'Berget AI', period: 'month', resetsOn: '2027-01-01' },
    });
    expect(simulator.received.length).toBe(before);
  });

  it("keeps each municipality's use its own: Timrå (no quotas) is not held back by Sundsvall's, and neither sees the other's rows", async () => {
    for (let i = 0; i < 3; i++) await inTenant(timra, () => drafts.summariseCase(timraWorker, TIMRA_CASE));
    const timraUse = await usage(timra);
    expect(timraUse.map((r) => [r.name, r.requests])).toEqual([['llama', 3]]);
    expect((await usage(sundsvall)).every((r) => r.requests <= 2)).toBe(true);
    // Forced row-level security: inside Timrå's transaction even an unfiltered count sees Timrå's rows only.
    const [{ count }] = await inTenant(timra, () => db().transaction((em) => em.query(`SELECT count(*)::int AS count FROM ai_usage`)));
    expect(count).toBe(1);
  });
});
