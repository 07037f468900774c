// `npm run bench:ai`: the AI platform's own cost (issue 19) against the model host it calls, in one run.
// Transcription: N minutes of speech-like audio through AiDrafts.transcribeCall (decode, voice
// activity detection, chunking, the transcription model per chunk, pseudonymising, the chat model,
// the draft, audio and audit rows in PostgreSQL), against a bare HTTP client sending the same
// transcription and chat requests, one after another as the pipeline sends them, to the same
// simulator: the difference per audio minute is the pipeline's overhead. Summaries: summariseCase
// with a number in flight, against a bare client posting the same chat completions with as many in
// flight: the ratio of requests per second. The model simulator (libs/ai) runs in this process, on
// 127.0.0.1; PostgreSQL as npm run bench has it (a fresh database, dropped afterwards). Writes
// bench/results/ai.json and its own section of bench/RESULTS.md.
import * as os from 'node:os';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig } from '@kommuna/platform-testing';
import { generateTestPersonnummer } from '@kommuna/shared-identifiers';
import {
  AI_DATABASE_SCHEMA,
  AiDrafts,
  AiPlatform,
  CaseMaterial,
  CaseSource,
  decodeSpeechAudio,
  encodeWav,
  ModelSimulator,
  SimulatorRequest,
  speechChunks,
  StaffMember,
  startModelSimulator,
} from '@kommuna/ai';
import { freshDatabase } from '../lib/postgres';
import { machineAndVersions, writeScenarioSection } from '../lib/report';
import { goal, round, ScenarioResult, writeResult } from '../lib/results';

const AUDIO_MINUTES = Number(process.env.BENCH_AI_MINUTES ?? 10);
const ROUNDS = Number(process.env.BENCH_AI_ROUNDS ?? 5);
const SUMMARIES = Number(process.env.BENCH_AI_SUMMARIES ?? 400);
const CASES = 50;
/** Summaries requested at once: a municipality's case workers pressing the button together. */
const SUMMARY_IN_FLIGHT = 8;
const API_KEY = 'bench-ai-key';
const STAFF: StaffMember = { subject: 'bench-soc-1', unit: 'socialtjanst' };

const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, AI_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = { entities: SCHEMAS.flatMap((s) => s.entities as []), migrations: SCHEMAS.flatMap((s) => s.migrations) };

const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const as = <T>(tenant: Tenant, work: () => Promise<T>) =>
  requestContext.run({ requestId: 'bench', tenantId: tenant.id, tenantSlug: tenant.slug }, work);

/** Deterministic numbers in [0, 1), so every run hears the same recording. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A call's recording, 16 kHz mono 16-bit WAV: utterances of 1–8 s made of syllables (a voiced
 * fundamental of 100–260 Hz with two harmonics, or a noise burst for a consonant, 80–300 ms each),
 * separated by pauses of 0.2–3.5 s over a faint noise floor, so the voice activity detection has
 * short pauses to bridge, long silences to skip and utterances to cut chunks between.
 */
function speechLikeRecording(minutes: number): Buffer {
  const rate = 16000;
  const next = random(19);
  const samples = new Int16Array(Math.round(minutes * 60 * rate));
  let at = 0;
  while (at < samples.length) {
    const utteranceEnd = Math.min(samples.length, at + Math.round((1 + 7 * next()) * rate));
    while (at < utteranceEnd) {
      const length = Math.min(utteranceEnd - at, Math.round((0.08 + 0.22 * next()) * rate));
      const voiced = next() < 0.75;
      const pitch = 100 + 160 * next();
      const loudness = 4000 + 6000 * next();
      for (let i = 0; i < length; i++) {
        // A rise and fall over the syllable, so frames differ in energy as speech does.
        const envelope = Math.sin((Math.PI * i) / length);
        const t = i / rate;
        const sound = voiced
          ? Math.sin(2 * Math.PI * pitch * t) + 0.5 * Math.sin(4 * Math.PI * pitch * t) + 0.25 * Math.sin(6 * Math.PI * pitch * t)
          : 2 * next() - 1;
        samples[at + i] = Math.round(loudness * envelope * sound * (voiced ? 0.57 : 0.6));
      }
      at += length;
    }
    const pause = Math.round((0.2 + 3.3 * next() ** 2) * rate);
    for (let i = 0; i < pause && at < samples.length; i++, at++) samples[at] = Math.round(60 * (2 * next() - 1));
  }
  return encodeWav(
    { format: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, blockAlign: 2 },
    Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
  );
}

/** Cases of one unit held in memory (the api's source reads Mina sidor; here the model side is measured). */
class BenchCases implements CaseSource {
  constructor(private readonly cases: Map<string, CaseMaterial>) {}
  async read(_staff: StaffMember, caseId: string): Promise<CaseMaterial> {
    const found = this.cases.get(caseId);
    if (!found) throw new Error(`No bench case ${caseId}`);
    return found;
  }
}

function benchCases(): Map<string, CaseMaterial> {
  const cases = new Map<string, CaseMaterial>();
  for (let n = 1; n <= CASES; n++) {
    const caseId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const pnr = generateTestPersonnummer(1000 + n);
    const name = `Person${n} Efternamn${n}`;
    cases.set(caseId, {
      caseId,
      unit: 'socialtjanst',
      caseType: 'ekonomiskt-bistand',
      parties: [{ identityNumber: pnr, names: [name] }],
      sections: [
        {
          heading: 'Ansökan',
          lines: Array.from({ length: 12 }, (_, i) => ({
            label: `svar-${i + 1}`,
            text: `${name} (${pnr}) svarar på fråga ${i + 1}: hushållet har inkomster och utgifter som redovisas i bilaga ${i + 1}. Mer följer.`,
          })),
        },
        {
          heading: 'Händelser',
          lines: Array.from({ length: 8 }, (_, i) => ({
            label: `händelse-${i + 1}`,
            text: `2026-0${1 + (i % 9)}-1${i % 10}: handläggaren begärde komplettering av kontoutdrag för månad ${i + 1}. Svar inkom.`,
          })),
        },
        {
          heading: 'Meddelanden',
          lines: Array.from({ length: 6 }, (_, i) => ({
            label: `meddelande-${i + 1}`,
            text: `${name} skriver: jag skickar underlaget nummer ${i + 1} i veckan. Tack för hjälpen.`,
          })),
        },
      ],
    });
  }
  return cases;
}

/** One request the pipeline sent, sent again by a plain fetch, as the OpenAI-compatible client shapes it. */
async function sendBare(baseUrl: string, request: SimulatorRequest): Promise<void> {
  const headers = { authorization: `Bearer ${API_KEY}` };
  let response: Response;
  if (request.path === '/v1/chat/completions') {
    response = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model: request.model, messages: request.messages, temperature: 0, stream: false, max_tokens: 1024 }),
    });
  } else {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(request.file ?? Buffer.alloc(0))], { type: 'audio/wav' }), 'chunk.wav');
    form.append('model', request.model ?? '');
    form.append('response_format', 'json');
    form.append('temperature', '0');
    if (request.language) form.append('language', request.language);
    response = await fetch(`${baseUrl}/audio/transcriptions`, { method: 'POST', headers, body: form });
  }
  await response.json();
  if (!response.ok) throw new Error(`The simulator answered ${response.status} to a bare ${request.path}`);
}

/** The requests, `inFlight` at a time; seconds taken. */
async function replay(baseUrl: string, requests: readonly SimulatorRequest[], inFlight: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < requests.length) await sendBare(baseUrl, requests[next++]);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (performance.now() - t0) / 1000;
}

async function transcription(drafts: AiDrafts, tenant: Tenant, simulator: ModelSimulator, caseId: string) {
  const recording = speechLikeRecording(AUDIO_MINUTES);
  const pipeline: number[] = [];
  const bare: number[] = [];
  let requests: SimulatorRequest[] = [];
  // A warm-up of each (JIT, connections), then pipeline and bare client in alternating rounds.
  const warmUp = simulator.received.length;
  await as(tenant, () => drafts.transcribeCall(STAFF, caseId, { content: recording }));
  // Decoding and voice activity alone, for the breakdown (the pipeline does both again itself), after the warm-up.
  let t0 = performance.now();
  const audio = await decodeSpeechAudio(recording, { maxSeconds: 2 * 3600 });
  const decodeSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const { chunks, speechSeconds } = speechChunks(audio, { maxChunkSeconds: 300, skipSilenceSeconds: 2 });
  const vadSeconds = (performance.now() - t0) / 1000;
  log(
    `recording: ${AUDIO_MINUTES} min, ${round(recording.length / 1024 / 1024, 1)} MB, ${round(speechSeconds / 60, 1)} min speech in ${chunks.length} chunks; decode ${round(decodeSeconds, 3)} s, VAD ${round(vadSeconds, 3)} s`,
  );
  // The bare client's warm-up: the warm-up call's requests.
  await replay(simulator.url, simulator.received.slice(warmUp), 1);
  for (let r = 0; r < ROUNDS; r++) {
    const before = simulator.received.length;
    t0 = performance.now();
    const draft = await as(tenant, () => drafts.transcribeCall(STAFF, caseId, { content: recording }));
    pipeline.push((performance.now() - t0) / 1000);
    if (draft.placeholderWarnings.length)
      throw new Error(`The call note has placeholder warnings: ${draft.placeholderWarnings.join(', ')}`);
    requests = simulator.received.slice(before);
    bare.push(await replay(simulator.url, requests, 1));
    log(`round ${r + 1}: pipeline ${round(pipeline[r], 3)} s, the same ${requests.length} requests bare ${round(bare[r], 3)} s`);
  }
  const best = Math.min(...pipeline);
  const bestBare = Math.min(...bare);
  const uploadBytes = requests.reduce((n, q) => n + (q.file?.length ?? 0), 0);
  return {
    audioMinutes: AUDIO_MINUTES,
    recordingMb: round(recording.length / 1024 / 1024, 1),
    speechMinutes: round(speechSeconds / 60, 2),
    chunks: chunks.length,
    transcriptionRequests: requests.filter((q) => q.path === '/v1/audio/transcriptions').length,
    chatRequests: requests.filter((q) => q.path === '/v1/chat/completions').length,
    uploadedMb: round(uploadBytes / 1024 / 1024, 1),
    pipelineSeconds: pipeline.map((s) => round(s, 3)),
    bareSeconds: bare.map((s) => round(s, 3)),
    decodeSecondsPerAudioMinute: round(decodeSeconds / AUDIO_MINUTES, 4),
    vadSecondsPerAudioMinute: round(vadSeconds / AUDIO_MINUTES, 4),
    pipelineSecondsPerAudioMinute: round(best / AUDIO_MINUTES, 4),
    bareSecondsPerAudioMinute: round(bestBare / AUDIO_MINUTES, 4),
    overheadSecondsPerAudioMinute: round((best - bestBare) / AUDIO_MINUTES, 4),
  };
}

async function summaries(drafts: AiDrafts, tenant: Tenant, simulator: ModelSimulator, caseIds: string[]) {
  const run = async (total: number) => {
    let next = 0;
    const lane = async () => {
      while (next < total) {
        const caseId = caseIds[next++ % caseIds.length];
        const draft = await as(tenant, () => drafts.summariseCase(STAFF, caseId));
        if (draft.placeholderWarnings.length)
          throw new Error(`A summary has placeholder warnings: ${draft.placeholderWarnings.join(', ')}`);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: SUMMARY_IN_FLIGHT }, lane));
    return total / ((performance.now() - t0) / 1000);
  };
  const warmUp = simulator.received.length;
  await run(40);
  await replay(simulator.url, simulator.received.slice(warmUp), SUMMARY_IN_FLIGHT);
  const pipeline: number[] = [];
  const bare: number[] = [];
  const busy: number[] = [];
  let requests: SimulatorRequest[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = simulator.received.length;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    pipeline.push(await run(SUMMARIES));
    const used = process.cpuUsage(cpu);
    // How busy this process was: below one core, the summaries wait on PostgreSQL rather than on JavaScript.
    busy.push((used.user + used.system) / 1000 / (performance.now() - wall));
    requests = simulator.received.slice(before);
    bare.push(requests.length / (await replay(simulator.url, requests, SUMMARY_IN_FLIGHT)));
    log(
      `round ${r + 1}: summariseCase ${Math.round(pipeline[r])} requests/s, the same ${requests.length} chat completions bare ${Math.round(bare[r])}/s`,
    );
  }
  const promptBytes = requests.reduce((n, q) => n + Buffer.byteLength(JSON.stringify(q.messages)), 0) / Math.max(1, requests.length);
  const best = Math.max(...pipeline);
  const bestBare = Math.max(...bare);
  return {
    summaries: SUMMARIES,
    cases: caseIds.length,
    inFlight: SUMMARY_IN_FLIGHT,
    meanPromptBytes: Math.round(promptBytes),
    requestsPerSecond: pipeline.map((v) => round(v, 0)),
    bareRequestsPerSecond: bare.map((v) => round(v, 0)),
    ratio: round(best / bestBare, 3),
    processCpuShare: busy.map((v) => round(v, 2)),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const pg = await freshDatabase('ai');
  const database = await Database.open({ kind: 'postgres', url: pg.appUrl, migrationUrl: pg.ownerUrl, poolSize: 10 }, SCHEMA);
  const simulator = await startModelSimulator({ apiKey: API_KEY });
  try {
    const directory = new TenantDirectory(database);
    const [tenant] = await directory.sync([
      buildTenantConfig({
        slug: 'benchai-sundsvall',
        services: { ai: { stage: 'piloting', settings: { caseClassByUnit: { socialtjanst: 'sekretess' } } } },
      }),
    ]);
    const ai = new AiPlatform(database, directory, { env: { BENCH_AI_KEY: API_KEY } });
    const registration = {
      baseUrl: simulator.url,
      processor: 'Kommuna bench (model simulator)',
      hostingCountry: 'SE',
      clearedFor: 'sekretess',
      credentialRef: 'env:BENCH_AI_KEY',
    };
    await as(tenant, async () => {
      await ai.registry.register(
        { ...registration, name: 'kb-whisper', capability: 'transcription', providerModel: 'KBLab/kb-whisper-large' },
        'staff:bench',
      );
      await ai.registry.register(
        { ...registration, name: 'llama', capability: 'chat', providerModel: 'meta-llama/Llama-3.3-70B-Instruct' },
        'staff:bench',
      );
    });
    const cases = benchCases();
    // The whole pipeline in the call, whatever the recording's length: the api hands recordings over
    // 5 minutes to the worker, which runs this same pipeline (writeCallNote) off the request.
    const drafts = ai.drafts(new BenchCases(cases), { backgroundFromSeconds: Number.POSITIVE_INFINITY });
    const caseIds = [...cases.keys()];

    log(`== transcription: ${AUDIO_MINUTES} min of speech-like audio, ${ROUNDS} rounds`);
    const t = await transcription(drafts, tenant, simulator, caseIds[0]);
    log(`== summaries: ${SUMMARIES} per round over ${CASES} cases, ${SUMMARY_IN_FLIGHT} in flight, ${ROUNDS} rounds`);
    const s = await summaries(drafts, tenant, simulator, caseIds);
    const machine = await machineAndVersions();
    const loadAfter = os.loadavg()[0];
    const result: ScenarioResult = {
      scenario: 'ai',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal(
          'transcription pipeline overhead per audio minute (s), beyond the model host',
          'recorded',
          t.overheadSecondsPerAudioMinute,
          true,
        ),
        goal('summariseCase requests/s / bare HTTP client to the same simulator', 'recorded', s.ratio, true),
      ],
      figures: {
        transcription: t,
        summaries: s,
        machine: { cpu: machine.cpu, cores: machine.cores, node: machine.node, postgresql: machine.postgresql },
        loadAverage: { start: round(loadBefore, 1), end: round(loadAfter, 1) },
        table: [
          {
            path: `transcribeCall, ${t.audioMinutes} min recording (${t.chunks} chunks)`,
            pipeline: `${t.pipelineSecondsPerAudioMinute} s per audio min`,
            'bare client, same simulator': `${t.bareSecondsPerAudioMinute} s per audio min`,
            'overhead or ratio': `${t.overheadSecondsPerAudioMinute} s per audio min`,
          },
          {
            path: `summariseCase, ${s.inFlight} in flight`,
            pipeline: `${s.requestsPerSecond.join(' / ')} requests/s`,
            'bare client, same simulator': `${s.bareRequestsPerSecond.join(' / ')} requests/s`,
            'overhead or ratio': `${s.ratio}`,
          },
        ],
      },
      notes: [
        `\`npm run bench:ai\` (BENCH_AI_MINUTES ${AUDIO_MINUTES}, BENCH_AI_ROUNDS ${ROUNDS}, BENCH_AI_SUMMARIES ${SUMMARIES}). ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; PostgreSQL ${machine.postgresql}. The model simulator of libs/ai runs in the measuring process (no latency set); pipeline and bare client share that process and the simulator's event loop.`,
        `Load average (1 min) ${round(loadBefore, 1)} at the start and ${round(loadAfter, 1)} at the end, on ${machine.cores} cores: other work shares the machine, so the figures are of this run; the pipeline and the bare client alternate in each round, and each keeps its best round.`,
        `Transcription: a ${t.audioMinutes}-minute speech-like WAV (${t.recordingMb} MB, 16 kHz mono; voiced syllables and noise bursts in utterances, pauses of 0.2–3.5 s); voice activity found ${t.speechMinutes} min of speech in ${t.chunks} chunks of at most 300 s, sent as ${t.transcriptionRequests} transcription requests (${t.uploadedMb} MB) and ${t.chatRequests} chat completion for the note. Each round's exact requests (the same files, models and messages, as the simulator received them) are then sent bare with fetch, one after another as the pipeline sends them: that time is the simulator's own share (and a client's least), the rest is the pipeline's overhead. Rounds (s): pipeline ${t.pipelineSeconds.join(', ')}; bare ${t.bareSeconds.join(', ')}.`,
        `Of the overhead, decoding the WAV takes ${t.decodeSecondsPerAudioMinute} s and voice activity detection with chunking ${t.vadSecondsPerAudioMinute} s per audio minute (measured alone); the rest is cutting each chunk into its own WAV, the multipart upload through the client, pseudonymising, the draft with its recording (${t.recordingMb} MB stored in PostgreSQL) and the audit entry.`,
        `Summaries: ${s.summaries} per round over ${s.cases} cases (26 labelled lines, a party with personnummer and name each; prompts of ${s.meanPromptBytes} bytes on average), ${s.inFlight} in flight: case read, model routing, pseudonymising, the chat completion, restoring, and the draft and audit entry written in one transaction. The bare client posts the same chat completions with as many in flight, no database. The ratio is best round to best round. The measuring process (pipeline and simulator) used ${s.processCpuShare.join(', ')} of one core in the pipeline's rounds: the rest of the time it waited, on PostgreSQL (the model routing read, the draft, its audit entry and the read-back in one transaction per summary) on a machine whose cores other work also used.`,
      ],
    };
    writeResult(result);
    writeScenarioSection(result);
    for (const g of result.goals) log(`${g.name}: ${g.value}`);
  } finally {
    await simulator.close();
    await database.close();
    await pg.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
