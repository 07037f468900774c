import { SPEECH_SAMPLE_RATE, SpeechAudio } from './speech-audio';

/** A stretch of the recording, in samples at 16 kHz: [start, end). */
export interface SampleRange {
  start: number;
  end: number;
}

export interface VoiceActivityOptions {
  /** Analysis frame length (default 30 ms, the usual VAD frame). */
  frameSeconds?: number;
  /** Nothing quieter than this counts as speech, whatever the noise floor (default -45 dBFS). */
  minSpeechDb?: number;
  /** How far above the noise floor speech must be (default 9 dB). */
  marginDb?: number;
  /** Pauses shorter than this stay inside the speech around them (default 0.5 s). */
  bridgeSeconds?: number;
  /** Bursts shorter than this (clicks, knocks) are not speech (default 0.2 s). */
  minSpeechSeconds?: number;
  /** Kept on each side of speech so word onsets and endings are not clipped (default 0.2 s). */
  padSeconds?: number;
}

/** Energy per frame in dBFS (full scale sine ≈ -3 dB; digital silence -100 dB). */
export function frameEnergies(samples: Int16Array, frameLength: number): Float64Array {
  const frames = Math.ceil(samples.length / frameLength);
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const start = f * frameLength;
    const end = Math.min(samples.length, start + frameLength);
    let sum = 0;
    for (let i = start; i < end; i++) sum += samples[i] * samples[i];
    energies[f] = 10 * Math.log10(sum / (end - start) / (32768 * 32768) + 1e-10);
  }
  return energies;
}

function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Energy-based voice activity detection: a frame is speech when it is louder than both an absolute
 * floor and the recording's own noise floor (its quietest tenth) by a margin. The threshold never
 * rises above the loud frames (6 dB under the 95th percentile), so a recording that is speech
 * throughout is all speech rather than none. Short pauses are bridged, short bursts dropped, and
 * each stretch padded. Silero VAD (a neural model) would tell speech from loud noise better; this
 * needs no model weights and finds the silences a chunker should cut at.
 */
export function detectSpeech(audio: SpeechAudio, options: VoiceActivityOptions = {}): { speech: SampleRange[]; thresholdDb: number } {
  const frameLength = Math.round((options.frameSeconds ?? 0.03) * SPEECH_SAMPLE_RATE);
  const energies = frameEnergies(audio.samples, frameLength);
  if (energies.length === 0) return { speech: [], thresholdDb: 0 };
  const noiseFloor = percentile(energies, 0.1);
  const loud = percentile(energies, 0.95);
  const thresholdDb = Math.max(options.minSpeechDb ?? -45, Math.min(noiseFloor + (options.marginDb ?? 9), loud - 6));
  const bridge = Math.round((options.bridgeSeconds ?? 0.5) * SPEECH_SAMPLE_RATE);
  const shortest = Math.round((options.minSpeechSeconds ?? 0.2) * SPEECH_SAMPLE_RATE);
  const pad = Math.round((options.padSeconds ?? 0.2) * SPEECH_SAMPLE_RATE);

  const raw: SampleRange[] = [];
  for (let f = 0; f < energies.length; f++) {
    if (energies[f] < thresholdDb) continue;
    const start = f * frameLength;
    const end = Math.min(audio.samples.length, start + frameLength);
    const last = raw[raw.length - 1];
    if (last && start - last.end <= bridge) last.end = end;
    else raw.push({ start, end });
  }
  const speech: SampleRange[] = [];
  for (const range of raw.filter((r) => r.end - r.start >= shortest)) {
    const padded = { start: Math.max(0, range.start - pad), end: Math.min(audio.samples.length, range.end + pad) };
    const last = speech[speech.length - 1];
    if (last && padded.start <= last.end) last.end = padded.end;
    else speech.push(padded);
  }
  return { speech, thresholdDb };
}

export interface SpeechChunkOptions extends VoiceActivityOptions {
  /** Longest chunk sent to the transcription model (Eneo and the reference use 5 minutes). */
  maxChunkSeconds: number;
  /** A silence at least this long ends a chunk and is not sent at all (default 2 s). */
  skipSilenceSeconds?: number;
}

export interface SpeechChunk {
  index: number;
  startSeconds: number;
  durationSeconds: number;
  range: SampleRange;
}

/**
 * The recording's speech in chunks for the transcription model: long silences are skipped (never
 * sent), shorter pauses stay in, and a chunk that would run past `maxChunkSeconds` is cut at the
 * quietest frame of its last fifth, so words are not split where a pause is near. Only continuous
 * sound with no quieter frame (6 dB under the stretch's median) is cut at exactly the limit.
 */
export function speechChunks(audio: SpeechAudio, options: SpeechChunkOptions): { chunks: SpeechChunk[]; speechSeconds: number } {
  if (!(options.maxChunkSeconds > 0)) throw new Error('maxChunkSeconds must be positive');
  const { speech } = detectSpeech(audio, options);
  const max = Math.max(1, Math.round(options.maxChunkSeconds * SPEECH_SAMPLE_RATE));
  const skip = Math.round((options.skipSilenceSeconds ?? 2) * SPEECH_SAMPLE_RATE);
  const frameLength = Math.round((options.frameSeconds ?? 0.03) * SPEECH_SAMPLE_RATE);

  // Stretches of speech joined across pauses shorter than `skip`.
  const spans: SampleRange[] = [];
  for (const range of speech) {
    const last = spans[spans.length - 1];
    if (last && range.start - last.end < skip) last.end = range.end;
    else spans.push({ ...range });
  }
  const ranges: SampleRange[] = [];
  for (const span of spans) {
    let start = span.start;
    while (span.end - start > max) {
      const cut = quietestCut(audio.samples, start + Math.floor(max * 0.8), start + max, frameLength) ?? start + max;
      ranges.push({ start, end: cut });
      start = cut;
    }
    ranges.push({ start, end: span.end });
  }
  const chunks = ranges.map((range, index) => ({
    index,
    range,
    startSeconds: range.start / SPEECH_SAMPLE_RATE,
    durationSeconds: (range.end - range.start) / SPEECH_SAMPLE_RATE,
  }));
  return { chunks, speechSeconds: ranges.reduce((sum, r) => sum + r.end - r.start, 0) / SPEECH_SAMPLE_RATE };
}

/** The middle of the quietest frame in [from, to), if it is clearly quieter than the rest; else none. */
function quietestCut(samples: Int16Array, from: number, to: number, frameLength: number): number | undefined {
  const window = samples.subarray(from, to);
  const energies = frameEnergies(window, frameLength);
  if (energies.length < 2) return undefined;
  let quietest = 0;
  for (let f = 1; f < energies.length; f++) if (energies[f] < energies[quietest]) quietest = f;
  if (energies[quietest] > percentile(energies, 0.5) - 6) return undefined;
  return from + Math.min(window.length - 1, quietest * frameLength + Math.floor(frameLength / 2));
}
