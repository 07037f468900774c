import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { AiDrafts, AiPlatform, AiTranscriptionJobs, encodeWav, ModelSimulator, startModelSimulator } from './index';
import { DraftNotReadyError } from './errors';
import { auditActions, CasesInMemory, inTenant, model, SCHEMA } from './testing/fixture';

/** A tone with a pause every 2 s, 16 kHz mono: speech with pauses to the voice activity detection. */
function call(seconds: number): Buffer {
  const rate = 16000;
  const samples = Buffer.alloc(seconds * rate * 2);
  for (let i = 0; i < seconds * rate; i++) {
    const inPause = i % (2 * rate) >= 1.5 * rate;
    samples.writeInt16LE(inPause ? 0 : Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate)), i * 2);
  }
  return encodeWav({ format: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, blockAlign: 2 }, samples);
}

describe('long call recordings transcribed by the worker', () => {
  const db = useTestDatabase(SCHEMA);
  let simulator: ModelSimulator;
  let sundsvall: Tenant;
  let timra: Tenant;
  let drafts: AiDrafts;
  let jobs: AiTranscriptionJobs;
  // The worker's clock: a minute ahead, so a job queued just now (next_attempt_at = now()) is due.
  let now = new Date(Date.now() + 60_000);
  const worker = { subject: 'sundsvall-soc-1', unit: 'socialtjanst' };
  const timraWorker = { subject: 'timra-soc-1', unit: 'socialtjanst' };
  const SUNDSVALL_CASE = '00000000-0000-4000-8000-000000000201';
  const TIMRA_CASE = '00000000-0000-4000-8000-000000000202';
  const caseOf = (tenantId: string, caseId: string) => ({
    tenantId,
    caseId,
    unit: 'socialtjanst',
    caseType: 'ekonomiskt-bistand',
    sections: [],
    parties: [{ names: ['Erik Eriksson'] }],
  });

  beforeAll(async () => {
    const directory = new TenantDirectory(db());
    [sundsvall, timra] = await directory.sync([buildTenantConfig({ slug: 'sundsvall' }), buildTenantConfig({ slug: 'timra' })]);
    simulator = await startModelSimulator();
    // One attempt per model call, so the job's own retries are what is tested. The timeout is long
    // enough that a loaded machine's slow answer is not taken for the simulated host that never answers.
    const ai = new AiPlatform(db(), directory, { timeoutMs: 5000, attempts: 1 });
    // Recordings over 3 s go to the worker.
    const options = { chunkSeconds: 2, backgroundFromSeconds: 3 };
    drafts = ai.drafts(
      new CasesInMemory(
        new Map([
          [SUNDSVALL_CASE, caseOf(sundsvall.id, SUNDSVALL_CASE)],
          [TIMRA_CASE, caseOf(timra.id, TIMRA_CASE)],
        ]),
      ),
      options,
    );
    jobs = ai.transcriptionJobs({ now: () => now, maxAttempts: 2, backoffMs: () => 60_000, drafts: options });
    for (const tenant of [sundsvall, timra]) {
      await inTenant(tenant, async () => {
        await ai.registry.register(
          model(simulator.url, { name: 'kb-whisper', capability: 'transcription', credentialRef: null }),
          'staff:admin',
        );
        await ai.registry.register(model(simulator.url, { name: 'llama', credentialRef: null }), 'staff:admin');
      });
    }
  });
  afterAll(() => simulator?.close());

  const draftRow = (tenant: Tenant, id: string) =>
    inTenant(tenant, () =>
      db().transaction(async (em) => {
        const [draft] = await em.query(`SELECT status, ai_text, failure FROM ai_draft WHERE id = $1`, [id]);
        const [{ audio }] = await em.query(`SELECT count(*)::int AS audio FROM ai_audio WHERE draft_id = $1`, [id]);
        const [{ queued }] = await em.query(`SELECT count(*)::int AS queued FROM ai_transcription_job WHERE draft_id = $1`, [id]);
        return { ...draft, audio, queued } as { status: string; ai_text: string; failure: string | null; audio: number; queued: number };
      }),
    );

  it('answers a long recording at once with a pending draft and sends nothing, then the worker writes the note', async () => {
    const before = simulator.received.length;
    const pending = await inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: call(6) }));
    expect(pending).toMatchObject({ status: 'pending', aiText: '', kind: 'call_note', audioSeconds: 6 });
    expect(simulator.received.length).toBe(before);
    await expect(inTenant(sundsvall, () => drafts.review(worker, pending.id, { approve: true }))).rejects.toBeInstanceOf(
      DraftNotReadyError,
    );
    expect((await auditActions(db(), sundsvall)).at(-1)).toMatchObject({ action: 'ai.call_note.queued', details: { chunks: 3 } });

    expect(await jobs.runOnce()).toEqual({ written: 1, retried: 0, failed: 0 });
    const sent = simulator.received.slice(before);
    expect(sent.filter((r) => r.path === '/v1/audio/transcriptions').map((r) => r.language)).toEqual(['sv', 'sv', 'sv']);
    const written = await draftRow(sundsvall, pending.id);
    expect(written).toMatchObject({ status: 'draft', failure: null, audio: 1, queued: 0 });
    // The simulator's note: what was said after each heading, with its time in the recording.
    expect(written.ai_text).toMatch(
      /^Samtalsanteckning: Simulerad transkription .*\(0:00\)\. Simulerad .*\(0:02\)\. Simulerad .*\(0:04\)\.$/,
    );
    // The chat model wrote it from the merged transcript, the party's name pseudonymised.
    const [chat] = sent.filter((r) => r.path === '/v1/chat/completions');
    const prompt = (chat.messages ?? []).map((m) => m.content).join('\n');
    expect(prompt.match(/### \d:\d\d/g)).toEqual(['### 0:00', '### 0:02', '### 0:04']);
    expect((await auditActions(db(), sundsvall)).at(-1)).toMatchObject({
      action: 'ai.call_note.drafted',
      actor: 'staff:sundsvall-soc-1',
      details: { background: true, chunks: 3, outcome: 'drafted' },
    });
    // Reviewed like any note: approved, the recording deleted.
    await expect(inTenant(sundsvall, () => drafts.review(worker, pending.id, { approve: true }))).resolves.toMatchObject({
      status: 'approved',
    });
    expect(await draftRow(sundsvall, pending.id)).toMatchObject({ status: 'approved', audio: 0 });
    expect(await jobs.runOnce()).toEqual({ written: 0, retried: 0, failed: 0 });
  });

  it('retries a model host that times out, then fails clearly: no text, the recording deleted, the failure logged', async () => {
    const pending = await inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: call(4) }));
    simulator.failNext('timeout', 1);
    expect(await jobs.runOnce()).toEqual({ written: 0, retried: 1, failed: 0 });
    expect(await draftRow(sundsvall, pending.id)).toMatchObject({ status: 'pending', ai_text: '', queued: 1 });
    // Not due until the backoff has passed.
    expect(await jobs.runOnce()).toEqual({ written: 0, retried: 0, failed: 0 });
    now = new Date(now.getTime() + 61_000);
    simulator.failNext('server-error', 1);
    expect(await jobs.runOnce()).toEqual({ written: 0, retried: 0, failed: 1 });
    const failed = await draftRow(sundsvall, pending.id);
    expect(failed).toMatchObject({ status: 'failed', ai_text: '', audio: 0, queued: 0 });
    expect(failed.failure).toMatch(/503|server|failed/i);
    expect((await auditActions(db(), sundsvall)).at(-1)).toMatchObject({
      action: 'ai.request.failed',
      details: { background: true, attempts: 2, audioDeleted: true },
    });
    await expect(inTenant(sundsvall, () => drafts.review(worker, pending.id, { approve: true }))).rejects.toThrow(/nothing to review/);
  });

  it('recovers when the host answers on the next attempt, writing one note', async () => {
    const pending = await inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: call(4) }));
    simulator.failNext('garbage', 1);
    expect(await jobs.runOnce()).toMatchObject({ retried: 1 });
    now = new Date(now.getTime() + 61_000);
    expect(await jobs.runOnce()).toEqual({ written: 1, retried: 0, failed: 0 });
    expect(await draftRow(sundsvall, pending.id)).toMatchObject({ status: 'draft', queued: 0 });
  });

  it('takes one recording per municipality per round, so a backlog in Sundsvall does not hold up Timrå', async () => {
    const backlog = [];
    for (let i = 0; i < 3; i++)
      backlog.push(await inTenant(sundsvall, () => drafts.transcribeCall(worker, SUNDSVALL_CASE, { content: call(4) })));
    const timras = await inTenant(timra, () => drafts.transcribeCall(timraWorker, TIMRA_CASE, { content: call(4) }));
    expect(await jobs.runOnce()).toEqual({ written: 2, retried: 0, failed: 0 });
    expect(await draftRow(timra, timras.id)).toMatchObject({ status: 'draft' });
    expect((await Promise.all(backlog.map((d) => draftRow(sundsvall, d.id)))).map((d) => d.status).sort()).toEqual([
      'draft',
      'pending',
      'pending',
    ]);
    // Each municipality's queue is its own under row-level security.
    const [{ count }] = await inTenant(timra, () =>
      db().transaction((em) => em.query(`SELECT count(*)::int AS count FROM ai_transcription_job`)),
    );
    expect(count).toBe(0);
    while ((await jobs.runOnce()).written > 0);
    expect((await Promise.all(backlog.map((d) => draftRow(sundsvall, d.id)))).every((d) => d.status === 'draft')).toBe(true);
  });
});
