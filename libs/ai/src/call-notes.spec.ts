import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestPersonnummer } from '@kommuna/shared-identifiers';
import { useTestDatabase } from '@kommuna/platform-testing';
import { AiDrafts, encodeWav, ModelSimulator, parseWav, splitWav, startModelSimulator } from './index';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { syntheticWav } from './testing/synthetic-audio';
import { auditActions, CasesInMemory, createWorld, inTenant, model, outboxEvents, SCHEMA, World } from './testing/fixture';

/** A rising tone (300 Hz, 400 Hz, … a second each), 16 kHz mono 16-bit PCM: no two stretches alike. */
function tone(seconds: number): Buffer {
  const rate = 16000;
  const samples = Buffer.alloc(seconds * rate * 2);
  for (let i = 0; i < seconds * rate; i++)
    samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * (300 + 100 * Math.floor(i / rate)) * i) / rate)), i * 2);
  return encodeWav({ format: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, blockAlign: 2 }, samples);
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('call notes from recordings', () => {
  const db = useTestDatabase(SCHEMA);
  let world: World;
  let simulator: ModelSimulator;
  let drafts: AiDrafts;
  const pnr = generateTestPersonnummer(42);
  const caseId = '00000000-0000-4000-8000-000000000042';
  const worker = { subject: 'sundsvall-soc-1', unit: 'socialtjanst' };
  const recording = tone(5);
  // The simulator's sidecar transcripts for the first two 2-second stretches (the third gets its default).
  const [first, second] = splitWav(parseWav(recording), 2);

  beforeAll(async () => {
    world = await createWorld(db());
    simulator = await startModelSimulator({
      transcripts: new Map([
        [sha256(first.wav), `Erik Eriksson ringer om sin ansökan, personnummer ${pnr}.`],
        [sha256(second.wav), 'Vi kom överens om att han skickar kontoutdrag.'],
      ]),
    });
    const cases = new CasesInMemory(
      new Map([
        [
          caseId,
          {
            tenantId: world.sundsvall.id,
            caseId,
            unit: 'socialtjanst',
            caseType: 'ekonomiskt-bistand',
            sections: [],
            parties: [{ identityNumber: pnr, names: ['Erik Eriksson'] }],
          },
        ],
      ]),
    );
    drafts = world.ai.drafts(cases, { chunkSeconds: 2 });
    await inTenant(world.sundsvall, async () => {
      await world.ai.registry.register(
        model(simulator.url, { name: 'kb-whisper', capability: 'transcription', providerModel: 'KBLab/kb-whisper-large' }),
        'staff:admin',
      );
      await world.ai.registry.register(model(simulator.url, { name: 'llama' }), 'staff:admin');
    });
  });
  afterAll(() => simulator?.close());

  it('transcribes the recording in chunks (Swedish), writes a pseudonymised note and keeps the audio until review', async () => {
    const before = simulator.received.length;
    const draft = await inTenant(world.sundsvall, () => drafts.transcribeCall(worker, caseId, { content: recording }));
    const received = simulator.received.slice(before);
    const transcriptions = received.filter((r) => r.path === '/v1/audio/transcriptions');
    expect(transcriptions.map((r) => [r.model, r.language, parseWav(r.file ?? Buffer.alloc(0)).durationSeconds])).toEqual([
      ['KBLab/kb-whisper-large', 'sv', 2],
      ['KBLab/kb-whisper-large', 'sv', 2],
      ['KBLab/kb-whisper-large', 'sv', 1],
    ]);
    const [chat] = received.filter((r) => r.path === '/v1/chat/completions');
    const prompt = (chat.messages ?? []).map((m) => m.content).join('\n');
    expect(prompt).toContain('### 0:00\n[PERSON_1] ringer om sin ansökan, personnummer [PNR_1].');
    expect(prompt).toContain('### 0:02\nVi kom överens');
    expect(prompt).toContain('### 0:04\nSimulerad transkription av 1,0 sekunder ljud.');
    expect(prompt).not.toContain(pnr);
    expect(prompt).not.toContain('Erik');
    // Every request carried the key the credential reference names.
    expect(new Set(received.map((r) => r.authorization))).toEqual(new Set(['Bearer sim-secret']));
    expect(draft).toMatchObject({
      kind: 'call_note',
      status: 'draft',
      aiGenerated: true,
      audioSeconds: 5,
      template: 'call-note@1',
      model: { name: 'llama' },
    });
    expect(await inTenant(world.sundsvall, () => drafts.hasRecording(worker, draft.id))).toBe(true);

    const rejected = await inTenant(world.sundsvall, () => drafts.review(worker, draft.id, { approve: false }));
    expect(rejected).toMatchObject({ status: 'rejected', finalText: null, reviewedBy: worker.subject });
    expect(await inTenant(world.sundsvall, () => drafts.hasRecording(worker, draft.id))).toBe(false);
    const audit = await auditActions(db(), world.sundsvall);
    expect(audit.find((a) => a.action === 'ai.call_note.drafted')?.details).toMatchObject({
      caseId,
      dataClass: 'sekretess',
      model: 'llama',
      transcription: { model: 'kb-whisper', providerModel: 'KBLab/kb-whisper-large', hostingCountry: 'SE' },
      audioSeconds: 5,
      chunks: 3,
    });
    expect(audit.find((a) => a.action === 'ai.draft.rejected')?.details).toMatchObject({ audioDeleted: true });
  });

  it('sends only the speech, cut at silences, resampled to 16 kHz mono, under the times it was said', async () => {
    // 44.1 kHz stereo 24-bit: 1.5 s of sound, 5 s of silence, 1.2 s of sound.
    const content = syntheticWav(
      [
        { tone: 300, seconds: 1.5 },
        { silence: true, seconds: 5 },
        { tone: 500, seconds: 1.2 },
      ],
      { sampleRate: 44100, channels: 2, bits: 24 },
    );
    const before = simulator.received.length;
    const draft = await inTenant(world.sundsvall, () => drafts.transcribeCall(worker, caseId, { content }));
    const received = simulator.received.slice(before);
    const sent = received.filter((r) => r.path === '/v1/audio/transcriptions').map((r) => parseWav(r.file ?? Buffer.alloc(0)));
    expect(sent.map((w) => [w.sampleRate, w.channels, w.bitsPerSample])).toEqual([
      [16000, 1, 16],
      [16000, 1, 16],
    ]);
    // Each stretch with 0.2 s of padding (to within a 30 ms analysis frame); the 5 s silence is never sent.
    expect(Math.abs(sent[0].durationSeconds - 1.7)).toBeLessThan(0.04);
    expect(Math.abs(sent[1].durationSeconds - 1.4)).toBeLessThan(0.07);
    const prompt = (received.find((r) => r.path === '/v1/chat/completions')?.messages ?? []).map((m) => m.content).join('\n');
    expect(prompt).toMatch(
      /### 0:00\nSimulerad transkription av 1,7 sekunder ljud\.\n\n### 0:06\nSimulerad transkription av 1,[34] sekunder ljud\./,
    );
    expect(draft.audioSeconds).toBeCloseTo(7.7, 2);
    const audit = await auditActions(db(), world.sundsvall);
    expect(audit.filter((a) => a.action === 'ai.call_note.drafted').at(-1)?.details).toMatchObject({ audioFormat: 'WAV', chunks: 2 });
  });

  it('transcribes Ogg Opus and MP3 recordings and keeps them as they came for the reviewer', async () => {
    for (const [file, format, mediaType] of [
      ['tone-pause-tone.ogg', 'Ogg Opus', 'audio/ogg'],
      ['tone-pause-tone.mp3', 'MP3', 'audio/mpeg'],
    ]) {
      const content = readFileSync(join(__dirname, 'testing', 'audio', file));
      const before = simulator.received.length;
      const draft = await inTenant(world.sundsvall, () => drafts.transcribeCall(worker, caseId, { content }));
      // Three seconds with a pause in the middle and a 2 s limit: cut in the pause, two requests.
      expect(simulator.received.slice(before).filter((r) => r.path === '/v1/audio/transcriptions')).toHaveLength(2);
      const [stored] = await inTenant(world.sundsvall, () =>
        db().transaction((em) => em.query(`SELECT media_type, content FROM ai_audio WHERE draft_id = $1`, [draft.id])),
      );
      expect(stored.media_type).toBe(mediaType);
      expect(Buffer.from(stored.content).equals(content)).toBe(true);
      const audit = await auditActions(db(), world.sundsvall);
      expect(audit.filter((a) => a.action === 'ai.call_note.drafted').at(-1)?.details).toMatchObject({ audioFormat: format, chunks: 2 });
    }
  });

  it('publishes each approval (kind, unit, edited; no text) for the catalogue to meter, and nothing for a rejection', async () => {
    const before = await outboxEvents(db(), world.sundsvall, EVENT_TYPES.aiDraftApproved);
    const note = await inTenant(world.sundsvall, () => drafts.transcribeCall(worker, caseId, { content: recording }));
    await inTenant(world.sundsvall, () => drafts.review(worker, note.id, { approve: true, text: 'Erik skickar kontoutdrag.' }));
    const summary = await inTenant(world.sundsvall, () => drafts.summariseCase(worker, caseId));
    await inTenant(world.sundsvall, () => drafts.review(worker, summary.id, { approve: true }));
    const rejected = await inTenant(world.sundsvall, () => drafts.summariseCase(worker, caseId));
    await inTenant(world.sundsvall, () => drafts.review(worker, rejected.id, { approve: false }));

    const events = (await outboxEvents(db(), world.sundsvall, EVENT_TYPES.aiDraftApproved)).slice(before.length);
    expect(events.map((e) => [e.subject, e.data.kind, e.data.unit, e.data.edited])).toEqual([
      [note.id, 'call_note', 'socialtjanst', true],
      [summary.id, 'case_summary', 'socialtjanst', false],
    ]);
    for (const event of events) expect(Object.keys(event.data).sort()).toEqual(['approvedAt', 'draftId', 'edited', 'kind', 'unit']);
    expect(await outboxEvents(db(), world.timra, EVENT_TYPES.aiDraftApproved)).toEqual([]);
  });

  it.each([
    [Buffer.alloc(0), /empty/],
    [Buffer.from('OggS\0\0\0\0\0\0\0\0\0\0'), /Only Opus in Ogg/],
    [syntheticWav([{ silence: true, seconds: 3 }], { sampleRate: 44100, channels: 2 }), /no speech/],
    [Buffer.from('just some text, not audio at all'), /not a recording/],
    [encodeWav({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, blockAlign: 2 }, Buffer.alloc(0)), /no sound/],
  ])('refuses audio it cannot use, before reading the case or sending anything (%#)', async (content, reason) => {
    const before = simulator.received.length;
    await expect(inTenant(world.sundsvall, () => drafts.transcribeCall(worker, caseId, { content }))).rejects.toMatchObject({
      code: 'AUDIO_REJECTED',
      message: expect.stringMatching(reason),
    });
    expect(simulator.received.length).toBe(before);
  });

  it('retries a failing host, then fails clearly with no draft and an audit entry', async () => {
    const draftsBefore = await inTenant(world.sundsvall, () => drafts.forCase(worker, caseId));
    simulator.failNext('server-error');
    simulator.failNext('garbage');
    const recovered = await inTenant(world.sundsvall, () => drafts.summariseCase(worker, caseId));
    expect(recovered.status).toBe('draft');
    simulator.failNext('server-error', 3);
    await expect(inTenant(world.sundsvall, () => drafts.summariseCase(worker, caseId))).rejects.toMatchObject({
      code: 'AI_PROVIDER_FAILED',
      message: expect.stringMatching(/failed the chat completion 3 times \(last: HTTP 503\)/),
    });
    expect(await inTenant(world.sundsvall, () => drafts.forCase(worker, caseId))).toHaveLength(draftsBefore.length + 1);
    const failed = (await auditActions(db(), world.sundsvall)).filter((a) => a.action === 'ai.request.failed');
    expect(failed.at(-1)?.details).toMatchObject({ caseId, model: 'llama', attempts: 3 });
  });

  it('keeps drafts to the unit and the municipality', async () => {
    const [draft] = await inTenant(world.sundsvall, () => drafts.forCase(worker, caseId));
    expect(await inTenant(world.sundsvall, () => drafts.forCase({ subject: 'x', unit: 'skola' }, caseId))).toEqual([]);
    await expect(
      inTenant(world.sundsvall, () => drafts.review({ subject: 'x', unit: 'skola' }, draft.id, { approve: true })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(inTenant(world.timra, () => drafts.review(worker, draft.id, { approve: true }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(inTenant(world.sundsvall, () => drafts.review({ subject: 'x' }, draft.id, { approve: true }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const rows = await inTenant(world.timra, () =>
      db().transaction((em) => em.query(`SELECT id FROM ai_draft UNION ALL SELECT draft_id FROM ai_audio`)),
    );
    expect(rows).toEqual([]);
  });
});
