import { AudioRejectedError } from './errors';

/** A PCM WAV recording as the chunker reads it. */
export interface WavAudio {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** The sample data (the data chunk's bytes). */
  data: Buffer;
  durationSeconds: number;
}

export interface AudioChunk {
  index: number;
  startSeconds: number;
  durationSeconds: number;
  /** A complete WAV file of this stretch. */
  wav: Buffer;
}

/** Containers the OpenAI-compatible API takes but this version cannot cut into chunks yet. */
const OTHER_AUDIO: Array<[string, (b: Buffer) => boolean]> = [
  ['Ogg', (b) => b.subarray(0, 4).toString('latin1') === 'OggS'],
  ['WebM', (b) => b.readUInt32BE(0) === 0x1a45dfa3],
  ['MP3', (b) => b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0)],
  ['MP4/M4A', (b) => b.subarray(4, 8).toString('latin1') === 'ftyp'],
  ['FLAC', (b) => b.subarray(0, 4).toString('latin1') === 'fLaC'],
];

/**
 * Reads a RIFF/WAVE file with PCM (1) or IEEE float (3) samples; anything else is refused with the
 * reason. Walks the chunks rather than assuming a 44-byte header (LIST and fact chunks are common).
 */
export function parseWav(file: Buffer): WavAudio {
  if (file.length === 0) throw new AudioRejectedError('The recording is empty');
  if (file.length < 12 || file.subarray(0, 4).toString('latin1') !== 'RIFF' || file.subarray(8, 12).toString('latin1') !== 'WAVE') {
    const other = file.length >= 12 ? OTHER_AUDIO.find(([, test]) => test(file)) : undefined;
    throw new AudioRejectedError(
      other
        ? `${other[0]} recordings cannot be transcribed yet: upload WAV (PCM)`
        : 'The file is not a recording this platform can read: upload WAV (PCM)',
    );
  }
  let fmt: Omit<WavAudio, 'data' | 'durationSeconds'> | undefined;
  let data: Buffer | undefined;
  for (let at = 12; at + 8 <= file.length;) {
    const id = file.subarray(at, at + 4).toString('latin1');
    const size = file.readUInt32LE(at + 4);
    const body = file.subarray(at + 8, Math.min(file.length, at + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      fmt = {
        format: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        blockAlign: body.readUInt16LE(12),
        bitsPerSample: body.readUInt16LE(14),
      };
      // WAVE_FORMAT_EXTENSIBLE names the real format in its sub-format GUID.
      if (fmt.format === 0xfffe && body.length >= 26) fmt.format = body.readUInt16LE(24);
    } else if (id === 'data') {
      data = body;
    }
    at += 8 + size + (size % 2);
  }
  if (!fmt || !data) throw new AudioRejectedError('The WAV file has no format or no sample data');
  if ((fmt.format !== 1 && fmt.format !== 3) || fmt.channels < 1 || fmt.sampleRate < 1000 || fmt.blockAlign < 1) {
    throw new AudioRejectedError('The WAV file is not PCM audio this platform can read');
  }
  const frames = Math.floor(data.length / fmt.blockAlign);
  if (frames === 0) throw new AudioRejectedError('The recording has no sound (no samples)');
  return { ...fmt, data: data.subarray(0, frames * fmt.blockAlign), durationSeconds: frames / fmt.sampleRate };
}

/** The recording cut into stretches of at most `chunkSeconds` (Eneo and the reference use 5 minutes), each a WAV file. */
export function splitWav(audio: WavAudio, chunkSeconds: number): AudioChunk[] {
  if (!(chunkSeconds > 0)) throw new Error('chunkSeconds must be positive');
  const framesPerChunk = Math.max(1, Math.round(chunkSeconds * audio.sampleRate));
  const totalFrames = audio.data.length / audio.blockAlign;
  const chunks: AudioChunk[] = [];
  for (let frame = 0, index = 0; frame < totalFrames; frame += framesPerChunk, index++) {
    const frames = Math.min(framesPerChunk, totalFrames - frame);
    const samples = audio.data.subarray(frame * audio.blockAlign, (frame + frames) * audio.blockAlign);
    chunks.push({
      index,
      startSeconds: frame / audio.sampleRate,
      durationSeconds: frames / audio.sampleRate,
      wav: encodeWav(audio, samples),
    });
  }
  return chunks;
}

/** A canonical 44-byte-header WAV of `samples` in `audio`'s format. */
export function encodeWav(
  audio: Pick<WavAudio, 'format' | 'channels' | 'sampleRate' | 'bitsPerSample' | 'blockAlign'>,
  samples: Buffer,
): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(audio.format, 20);
  header.writeUInt16LE(audio.channels, 22);
  header.writeUInt32LE(audio.sampleRate, 24);
  header.writeUInt32LE(audio.sampleRate * audio.blockAlign, 28);
  header.writeUInt16LE(audio.blockAlign, 32);
  header.writeUInt16LE(audio.bitsPerSample, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

/** `### m:ss` as the transcript's headings (Eneo's form). */
export function timestamp(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
